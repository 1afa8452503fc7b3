/**
 * Decrypting a received PGP/MIME message and checking who signed it.
 */

import { canonicalAddr } from '../autocrypt/addr';
import { parseAutocryptHeader, parseGossipHeader } from '../autocrypt/header';
import type { ValidatedKey } from '../autocrypt/peer-state';
import {
  readProtectedHeaders,
  withoutLegacyDisplay,
  type ProtectedHeaders,
} from './protected-headers';
import { parseContentType } from '../mime/content-type';
import {
  contentText,
  MAX_RAW_MESSAGE_BYTES,
  parseMailDetailed,
  type ParsedMail,
} from '../mime/parse';
import { signedPartBytes } from '../mime/signed';
import type { Email } from 'postal-mime';
import { checkKeydata } from './keydata';
import {
  embeddedBlocks,
  inlineArmor,
  MAX_EMBEDDED_BLOCKS,
  type BodySegment,
} from './inline';
import { CryptoError } from '../openpgp/errors';
import { OBSCURED_SUBJECT } from './outgoing';
import {
  combineSignatureChecks,
  decryptAndVerify,
  verifyDetached,
  type SignatureCheck,
} from '../openpgp/gateway';

/** A key gossiped inside the encrypted payload, checked like an Autocrypt header. */
export interface GossipKey extends ValidatedKey {
  /** Canonical address the key is for: one of the message's recipients. */
  addr: string;
}

/** A file inside the encrypted entity: offered for download, never rendered. */
export interface DecryptedAttachment {
  /** The file name as the sender gave it (untrusted text), '' when none. */
  name: string;
  /** The declared type, for display only: the download is always inert. */
  mimeType: string;
  /** The decoded bytes. */
  content: Uint8Array;
}

/**
 * One piece of a plain mail that holds armored blocks among its own text (attack
 * suite EF-13, RO-01), in the mail's order. The reader shows each in an area of
 * its own: unencrypted text labelled as such, each decrypted block labelled as
 * embedded, never one joined with another.
 */
export type InlinePart =
  | { kind: 'unencrypted'; text: string }
  | {
      kind: 'decrypted';
      text: string;
      signature: DecryptedMail['signature'];
      signerMatchesFrom: boolean;
    }
  /** The block could not be decrypted (`code` as {@link CryptoError}). */
  | { kind: 'failed'; code: string }
  /** Over {@link MAX_EMBEDDED_BLOCKS}: not decrypted, to spare the key's budget. */
  | { kind: 'skipped' };

/**
 * A decrypted message, ready to display. Only what came out of the decryption is
 * here: the text and HTML of the inner entity, each kept apart, never joined with
 * the parts of the outer message around the ciphertext (EFAIL's MIME sandwich).
 */
export interface DecryptedMail {
  /** The decoded text of the inner entity ('' when it has none). */
  text: string;
  /**
   * The inner entity's HTML as sent, unsanitised, or null when it has none. The
   * reader sanitises it and shows it in a sandboxed frame without network.
   */
  html: string | null;
  /**
   * The ciphertext was not the root of the message but one part among others
   * (attacker text around it, a forwarded or quoted copy): the reader says so,
   * since the surrounding mail is not what its author encrypted.
   */
  embedded: boolean;
  /** Signature status over the encrypted content. */
  signature:
    | { status: 'none' }
    | {
        status: 'valid';
        signerFingerprint: string;
        /** When the signature was made (ms): shown beside the Date header. */
        signedAt: number;
        /**
         * The signer named intended recipients and we are not one of them: an old
         * signed message re-sent (surreptitious forwarding, attack SG-15).
         */
        addressedToOthers: boolean;
      }
    | { status: 'invalid'; reason: string }
    | { status: 'unknown-key'; keyID: string };
  /**
   * The signature is valid and the signing certificate has a user ID with the From
   * address. A valid signature by somebody else must not read as "from the sender".
   */
  signerMatchesFrom: boolean;
  /** Canonical From address of the outer message ('' when it has none). */
  from: string;
  /**
   * The message names more than one From mailbox (two From fields or two addresses
   * in one): there is no single author to bind a signature to, so
   * `signerMatchesFrom` is false and the reader says why.
   */
  fromAmbiguous: boolean;
  /**
   * Valid `Autocrypt-Gossip` headers of the payload's root part, for the caller to
   * apply with `updatePeerGossip` at the message's effective date.
   */
  gossip: GossipKey[];
  /**
   * Header fields protected by the encryption (RFC 9788): of the payload root, or of
   * the signed part when the payload is multipart/signed. Null (or absent, for
   * payloads that are not MIME) when there are none.
   */
  protectedHeaders?: ProtectedHeaders | null;
  /**
   * Protected header fields whose value differs from the outer one (attack suite
   * HP-01): the transport, or whoever relayed the mail, changed what the sender
   * wrote. An outer Subject of `[...]` is the sender hiding it and not counted.
   */
  headerMismatch?: ('from' | 'subject')[];
  /**
   * The payload names a From address that no valid signer holds a user ID for
   * (HP-01: a forged inner From). The reader never shows it as the sender.
   */
  protectedFromForged?: boolean;
  /**
   * Outer To/Cc/Reply-To addresses the payload does not name (attack suite HP-02:
   * an attacker adds `Cc: dave@...` on the way so that a reply-all leaks to him;
   * RO-05: an added `Reply-To`). Without protected headers, an outer Reply-To
   * other than the From address.
   */
  addedRecipients?: string[];
  /**
   * Set for a plain mail with armored blocks inside its text: the pieces, each
   * decrypted or labelled on its own. `text` is then empty and `embedded` true.
   */
  inlineParts?: InlinePart[];
  /** Files inside the encrypted entity, in order (none for inline PGP). */
  attachments?: DecryptedAttachment[];
}

/** Hooks of {@link decryptMail}. */
export interface DecryptOptions {
  /**
   * Called before each embedded block is decrypted (index from 0), where the
   * caller takes a private-key operation from its budget; a throw stops there.
   */
  beforeBlock?: (index: number) => Promise<void>;
}

/**
 * Decrypts the PGP/MIME payload of `raw`, parses the inner MIME entity (transfer
 * encoding and charset applied, so 8bit UTF-8 bodies come out intact, P05) and
 * checks signatures: a one-pass signature inside the encryption and, when the inner
 * entity is multipart/signed, its detached signature over the raw first part (P09).
 *
 * @param privateKeyArmored our unlocked private key(s), armored
 * @param senderCerts certificates that may have signed (binary), or a lookup by
 *   the From address, so that the caller need not parse the message a second time
 * @param parsed `parseMailDetailed(raw)`, when the caller already has it
 * @param options see {@link DecryptOptions}
 * @throws CryptoError `'too-large'`, `'not-encrypted'`, `'bad-ciphertext'`,
 *   `'decrypt-failed'`, `'unauthenticated'`, `'key-locked'`, `'bad-key'`
 */
export async function decryptMail(
  raw: Uint8Array,
  privateKeyArmored: string,
  senderCerts: Uint8Array[] | ((from: string) => Promise<Uint8Array[]>),
  parsed?: Awaited<ReturnType<typeof parseMailDetailed>>,
  options: DecryptOptions = {},
): Promise<DecryptedMail> {
  if (raw.length > MAX_RAW_MESSAGE_BYTES) {
    throw new CryptoError('too-large', `message is ${raw.length} bytes, over 96 MiB`);
  }

  const { mail, email } = parsed ?? (await parseMailDetailed(raw));
  const from = mail.from?.addr ?? '';
  const certs = Array.isArray(senderCerts) ? senderCerts : await senderCerts(from);

  const inline = inlineArmor(mail);
  if (inline) {
    const result = await decryptInlineMail(inline, from, privateKeyArmored, certs);
    return { ...result, fromAmbiguous: mail.fromCount > 1 };
  }
  const segments = embeddedBlocks(mail);
  if (segments) {
    const parts = await decryptEmbedded(
      segments,
      from,
      privateKeyArmored,
      certs,
      options,
    );
    return {
      from,
      text: '',
      html: null,
      embedded: true,
      // The mail as a whole is neither encrypted nor signed; each block says its own.
      signature: { status: 'none' },
      signerMatchesFrom: false,
      fromAmbiguous: mail.fromCount > 1,
      gossip: [],
      inlineParts: parts,
    };
  }
  if (!mail.encrypted) {
    throw new CryptoError('not-encrypted', 'the message has no PGP/MIME encrypted part');
  }

  const armored = mail.encrypted.armored;
  let opened = await openPayload(armored, privateKeyArmored, certs);

  // A sender that puts its Autocrypt header only inside the encryption (RFC 9788
  // hp="cipher", newer Delta Chat) signs with the key it carries there: on a first
  // message we hold no other, so the signature is checked once more with it.
  const innerKey = await protectedSenderKey(mail, opened.protectedHeaders);
  if (innerKey && opened.combined.status === 'unknown-key') {
    opened = await openPayload(armored, privateKeyArmored, [...certs, innerKey]);
  }
  const { inner, protectedHeaders, combined } = opened;

  const replyTo = (email.replyTo ?? [])
    .flatMap((address) => address.group ?? [address])
    .map((m) => canonicalAddr(m.address ?? ''));
  const recipients = [
    ...mail.to,
    ...mail.cc,
    ...replyTo,
    // RFC 9788 lets a sender hide its recipients outside (Delta Chat 2.x sends
    // `To: "hidden-recipients": ;`) and name them only in the protected headers,
    // which are inside the same encryption as the gossip they vouch for.
    ...(protectedHeaders?.to ?? []).map(canonicalAddr),
    ...(protectedHeaders?.cc ?? []).map(canonicalAddr),
  ];

  return {
    from,
    text: protectedHeaders
      ? withoutLegacyDisplay(inner.email.text ?? '', protectedHeaders)
      : (inner.email.text ?? ''),
    html: inner.email.html ?? null,
    attachments: attachmentsOf(inner.email),
    embedded: isEmbedded(mail.contentType, email, armored),
    signature: publicCheck(combined, opened.recipientFingerprints),
    fromAmbiguous: mail.fromCount > 1,
    // Compare the From addr-spec, never a display name, and only when there is
    // exactly one From mailbox (attack suite SG-06, SG-07).
    signerMatchesFrom:
      combined.status === 'valid' &&
      mail.from !== null &&
      mail.fromCount === 1 &&
      combined.signerUserIDs.some((userID) => emailOf(userID) === mail.from!.addr),
    gossip: await gossipKeys(inner.header('autocrypt-gossip'), recipients),
    protectedHeaders,
    ...compareProtected(mail, replyTo, protectedHeaders, combined),
  };
}

// RFC 9788: protected values are shown, but a difference from the outer ones is
// flagged, and a protected From is believed only when a valid signer holds it.
function compareProtected(
  mail: ParsedMail,
  outerReplyTo: string[],
  protectedHeaders: ProtectedHeaders | null,
  combined: SignatureCheck,
): Pick<DecryptedMail, 'headerMismatch' | 'protectedFromForged' | 'addedRecipients'> {
  if (!protectedHeaders) {
    // Nothing inside names anybody: an outer Reply-To that sends replies away
    // from the From address is somebody's word outside the encryption (RO-05:
    // old ciphertext re-sent with `Reply-To: attacker`).
    const from = mail.from?.addr;
    const addedRecipients = [...new Set(outerReplyTo)].filter(
      (addr) => addr !== '' && addr !== from,
    );
    return { headerMismatch: [], protectedFromForged: false, addedRecipients };
  }
  const outerFrom = mail.fromCount === 1 ? mail.from!.addr : null;
  const inner = protectedHeaders.from;
  const headerMismatch: ('from' | 'subject')[] = [];
  if (inner !== null && inner !== outerFrom) headerMismatch.push('from');
  const subject = protectedHeaders.subject;
  if (subject !== null && mail.subject !== OBSCURED_SUBJECT && subject !== mail.subject) {
    headerMismatch.push('subject');
  }
  const signerHolds =
    combined.status === 'valid' &&
    combined.signerUserIDs.some((userID) => emailOf(userID) === inner);
  // Unsigned, an inner From equal to the outer one claims nothing more than the
  // outer does (the banner already says "not signed"); one that differs, or any
  // that a valid signature does not back, is a forgery.
  const protectedFromForged =
    inner !== null &&
    !signerHolds &&
    (combined.status === 'valid' || inner !== outerFrom);
  // Everybody the sender named inside: a reply may go to any of them.
  const named = new Set([
    ...protectedHeaders.to,
    ...protectedHeaders.cc,
    ...protectedHeaders.replyTo,
    ...(inner !== null ? [inner] : []),
  ]);
  const outer = [...mail.to, ...mail.cc, ...outerReplyTo].map(canonicalAddr);
  const addedRecipients =
    protectedHeaders.to.length + protectedHeaders.cc.length === 0
      ? []
      : [...new Set(outer)].filter((addr) => addr !== '' && !named.has(addr));
  return { headerMismatch, protectedFromForged, addedRecipients };
}

// Inline PGP: the decrypted data is the text itself, not a MIME entity, and
// carries no gossip.
// TODO(2026-12-04): the text is decoded as UTF-8; an armor `Charset:` header
// (P06, e.g. iso-2022-jp) is not honoured yet.
async function decryptInlineMail(
  armored: string,
  fromAddr: string,
  privateKeyArmored: string,
  senderCerts: Uint8Array[],
): Promise<DecryptedMail> {
  const { data, signature, recipientFingerprints } = await decryptAndVerify({
    message: armored,
    decryptionKeysArmored: privateKeyArmored,
    verificationCerts: senderCerts,
  });
  return {
    from: fromAddr,
    text: new TextDecoder().decode(data),
    html: null,
    embedded: false,
    fromAmbiguous: false,
    signature: publicCheck(signature, recipientFingerprints),
    signerMatchesFrom:
      signature.status === 'valid' &&
      fromAddr !== '' &&
      signature.signerUserIDs.some((userID) => emailOf(userID) === fromAddr),
    gossip: [],
  };
}

// Parts that are files to the user: not the detached signature of a
// multipart/signed payload, which the banner already accounts for. The bytes are
// viewed, not copied (postal-mime gives an ArrayBuffer per part).
function attachmentsOf(email: Email): DecryptedAttachment[] {
  return email.attachments
    .filter((part) => part.mimeType !== 'application/pgp-signature')
    .map((part) => ({
      name: part.filename ?? '',
      mimeType: part.mimeType,
      content:
        typeof part.content === 'string'
          ? new TextEncoder().encode(part.content)
          : new Uint8Array(part.content),
    }));
}

// EF-13: every block is decrypted by itself, so no plaintext ever meets the text
// around it or another block; a block that fails says so in its own place.
async function decryptEmbedded(
  segments: BodySegment[],
  fromAddr: string,
  privateKeyArmored: string,
  senderCerts: Uint8Array[],
  options: DecryptOptions,
): Promise<InlinePart[]> {
  const parts: InlinePart[] = [];
  let blocks = 0;

  for (const segment of segments) {
    if (segment.kind === 'text') {
      parts.push({ kind: 'unencrypted', text: segment.text });
      continue;
    }
    if (blocks >= MAX_EMBEDDED_BLOCKS) {
      parts.push({ kind: 'skipped' });
      continue;
    }
    await options.beforeBlock?.(blocks);
    blocks += 1;
    try {
      const block = await decryptInlineMail(
        segment.armored,
        fromAddr,
        privateKeyArmored,
        senderCerts,
      );
      parts.push({
        kind: 'decrypted',
        text: block.text,
        signature: block.signature,
        signerMatchesFrom: block.signerMatchesFrom,
      });
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      parts.push({ kind: 'failed', code: error.code });
    }
  }

  return parts;
}

// RFC 3156 puts the ciphertext at the root (multipart/encrypted). Providers that
// rebuild the message (P01, P02) leave nothing beside the control part, the data
// part and an empty text; any other text, HTML or part next to the ciphertext (a
// second ciphertext, an attachment) was added by somebody, which the reader shows.
function isEmbedded(rootType: string, email: Email, armored: string): boolean {
  if (rootType === 'multipart/encrypted') return false;
  const besides = (email.text ?? '').replace(armored, '').trim();
  const otherParts = email.attachments.length > 2;
  return besides !== '' || (email.html ?? '').trim() !== '' || otherParts;
}

// Spec, "Key Gossip": the headers "MUST be placed in the root MIME part of the
// encrypted message payload". Invalid ones (unknown critical attribute, addr not a
// recipient, keydata that is not a usable certificate) are dropped.
async function gossipKeys(values: string[], recipients: string[]): Promise<GossipKey[]> {
  const keys: GossipKey[] = [];

  for (const value of values) {
    const { verdict, fingerprint } = await checkKeydata(
      parseGossipHeader(value, recipients),
    );
    if (verdict.valid && fingerprint) {
      const { addr, keydata } = verdict.header;
      keys.push({ addr: canonicalAddr(addr), keydata, fingerprint });
    }
  }

  return keys;
}

// RFC 3156 section 5: multipart/signed with an application/pgp-signature part.
async function checkSignedEntity(
  entity: Uint8Array,
  parsed: Awaited<ReturnType<typeof parseMailDetailed>>,
  certs: Uint8Array[],
): Promise<{ check: SignatureCheck; protectedHeaders: ProtectedHeaders | null }> {
  const contentType = parseContentType(parsed.header('content-type')[0]);
  const boundary = contentType.params.get('boundary');
  const signed = boundary ? signedPartBytes(entity, boundary) : null;
  const signaturePart = parsed.email.attachments.find(
    (part) => part.mimeType === 'application/pgp-signature',
  );
  if (!signed) return { check: { status: 'none' }, protectedHeaders: null };

  // Inside the encryption the signed part's header fields are protected whatever
  // the signature says: the encryption already keeps them from the transport.
  const protectedHeaders = readProtectedHeaders(await parseMailDetailed(signed));
  if (!signaturePart) return { check: { status: 'none' }, protectedHeaders };

  const check = await verifyDetached({
    data: signed,
    signature: contentText(signaturePart),
    verificationCerts: certs,
  });
  return { check, protectedHeaders };
}

function publicCheck(
  check: SignatureCheck,
  ourFingerprints: string[],
): DecryptedMail['signature'] {
  if (check.status !== 'valid') return check;
  const { intendedRecipients } = check;
  return {
    status: 'valid',
    signerFingerprint: check.signerFingerprint,
    signedAt: check.signedAt,
    addressedToOthers:
      intendedRecipients.length > 0 &&
      !intendedRecipients.some((fpr) => ourFingerprints.includes(fpr)),
  };
}

// The address of a user ID: `Name <addr>` or a bare `addr`.
function emailOf(userID: string): string {
  const bracketed = /<([^<>]+)>/.exec(userID);
  return canonicalAddr(bracketed ? bracketed[1]! : userID);
}

// Decrypts the payload, reads its root and checks every signature in it.
async function openPayload(
  armored: string,
  privateKeyArmored: string,
  certs: Uint8Array[],
) {
  const { data, signature, recipientFingerprints } = await decryptAndVerify({
    message: armored,
    decryptionKeysArmored: privateKeyArmored,
    verificationCerts: certs,
  });

  const inner = await parseMailDetailed(data);
  const checks = [signature];
  let protectedHeaders = readProtectedHeaders(inner);
  if (inner.mail.contentType === 'multipart/signed') {
    const signed = await checkSignedEntity(data, inner, certs);
    checks.push(signed.check);
    protectedHeaders ??= signed.protectedHeaders;
  }
  const combined = combineSignatureChecks(checks);
  return { inner, protectedHeaders, combined, recipientFingerprints };
}

// The key of the single valid Autocrypt header inside the payload, when the outer
// header section has none (the same rules as outside: addr = From, one valid).
async function protectedSenderKey(
  mail: ParsedMail,
  protectedHeaders: ProtectedHeaders | null,
): Promise<Uint8Array | null> {
  const values = protectedHeaders?.autocrypt ?? [];
  if (!mail.from || mail.autocryptHeaders.length > 0 || values.length === 0) return null;

  const checked = await Promise.all(
    values.map((value) => checkKeydata(parseAutocryptHeader(value, mail.from!.addr))),
  );
  const valid = checked.filter((c) => c.verdict.valid);
  const only = valid.length === 1 ? valid[0]!.verdict : null;
  return only?.valid ? only.header.keydata : null;
}
