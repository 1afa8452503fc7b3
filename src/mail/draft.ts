/**
 * Drafts encrypted to ourselves (attack suite RO-03). A draft is saved while the user
 * types, so it is encrypted to our own key only and not signed (signing would need a
 * gesture). Its Subject and recipients travel only inside the encryption, as RFC
 * 9788 protected headers; the outer Subject is `[...]` and the outer header section
 * names no recipient.
 *
 * Inside, a draft carries a tag that only this extension can compute (a digest of
 * a secret the background keeps with the account). Ciphertext that somebody else
 * encrypted to us and placed in the Drafts folder lacks it and is never decrypted
 * into the editor ("Mailto: Me Your Secrets": restoring such a "draft" and sending
 * it would mail its plaintext away).
 */
import {
  envelopeHeaders,
  newMessageId,
  pgpMimeEncrypted,
  serializeEntity,
  textPlainEntity,
  type HeaderField,
} from '../mime/build';
import { parseMailDetailed } from '../mime/parse';
import { decryptAndVerify, encryptToSelf } from '../openpgp/gateway';
import { CryptoError } from '../openpgp/errors';
import { CodedError } from '../util/coded-error';
import { OBSCURED_SUBJECT } from './outgoing';
import { readProtectedHeaders } from './protected-headers';

/** The inner header field holding the draft tag. */
const TAG_FIELD = 'EcosMail-Draft';

/** Decryption errors that mean the draft's ciphertext is not for our key. */
const UNOPENABLE = new Set(['decrypt-failed', 'bad-ciphertext', 'unauthenticated']);

/** What a draft keeps: the composer's fields. */
export interface DraftFields {
  /** Complete recipient addresses (half-typed ones are not kept). */
  to: string[];
  cc: string[];
  subject: string;
  text: string;
}

/** Why a stored draft cannot be restored. */
export class DraftError extends CodedError<'not-our-draft'> {
  override readonly name = 'DraftError';
}

/**
 * The tag that marks drafts as ours: SHA-256 over a label and a secret only the
 * background holds (the account's `draftSecret`), in hex. It never leaves the
 * extension except inside drafts encrypted to our key.
 */
export async function draftTag(secret: string): Promise<string> {
  const input = new TextEncoder().encode(`ecosmail-draft-tag/1\0${secret}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Builds the draft message: PGP/MIME encrypted to `ownCert` only.
 *
 * @param from our address and display name
 * @param ownCert our public key (binary); the only key the draft is encrypted to
 * @param tag {@link draftTag} of our private key
 * @throws CryptoError `'no-encryption-key'`, `'encrypt-failed'`
 */
export async function buildDraft(
  from: { addr: string; name?: string },
  ownCert: Uint8Array,
  fields: DraftFields,
  tag: string,
  date: Date = new Date(),
): Promise<string> {
  const envelope = {
    from,
    to: fields.to,
    cc: fields.cc,
    subject: fields.subject,
    date,
    messageId: newMessageId(from.addr),
  };
  const inner = textPlainEntity(fields.text, 'protected-headers="v1"; hp="cipher"');
  const payload = serializeEntity({
    headers: [...inner.headers, ...envelopeHeaders(envelope), [TAG_FIELD, tag]],
    body: inner.body,
  });
  const armored = await encryptToSelf({
    data: new TextEncoder().encode(payload),
    ownCert,
    date,
  });

  // Outside: who wrote it and when, nothing about what or to whom.
  const outerFields = { ...envelope, to: [], cc: [], subject: OBSCURED_SUBJECT };
  const outer = pgpMimeEncrypted(armored);
  const headers: HeaderField[] = [
    ...envelopeHeaders(outerFields),
    ['MIME-Version', '1.0'],
    ...outer.headers,
  ];
  return serializeEntity({ headers, body: outer.body });
}

/**
 * Decrypts a stored draft with our key and returns its fields.
 *
 * @throws DraftError `'not-our-draft'` when it is not a draft this extension wrote
 *   for this key, including ciphertext our key cannot open
 * @throws CryptoError `'too-large'`, key errors; MimeError for an unparseable message
 */
export async function readDraft(
  raw: Uint8Array,
  privateKeyArmored: string,
  tag: string,
): Promise<DraftFields> {
  const { mail } = await parseMailDetailed(raw);
  if (!mail.encrypted)
    throw new DraftError('not-our-draft', 'the draft is not encrypted');

  const { data } = await decryptAndVerify({
    message: mail.encrypted.armored,
    decryptionKeysArmored: privateKeyArmored,
    verificationCerts: [],
  }).catch((error: unknown) => {
    // Ciphertext our key cannot open (encrypted to another key, damaged, or
    // planted garbage) can never be restored: saying so lets the composer drop it
    // and save afresh, where a bare decryption error would leave "Restore" stuck.
    const code = (error as { code?: unknown }).code;
    if (error instanceof CryptoError && UNOPENABLE.has(String(code))) {
      throw new DraftError('not-our-draft', 'our key cannot open the draft', {
        cause: error,
      });
    }
    throw error;
  });
  const payload = await parseMailDetailed(data);
  if (payload.header(TAG_FIELD.toLowerCase())[0]?.trim() !== tag) {
    throw new DraftError('not-our-draft', 'the draft was not written by this extension');
  }
  const hp = readProtectedHeaders(payload);
  return {
    to: hp?.to ?? [],
    cc: hp?.cc ?? [],
    subject: hp?.subject ?? '',
    // The entity's body ends in the line break that serialising added; the user's
    // text did not have it.
    text: (payload.email.text ?? '').replace(/\r?\n$/, ''),
  };
}
