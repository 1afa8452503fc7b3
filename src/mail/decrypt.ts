/**
 * Decrypting a received PGP/MIME message and checking who signed it.
 */

import { canonicalAddr } from '../autocrypt/addr';
import { parseGossipHeader } from '../autocrypt/header';
import type { ValidatedKey } from '../autocrypt/peer-state';
import { parseContentType } from '../mime/content-type';
import { contentText, MAX_RAW_MESSAGE_BYTES, parseMailDetailed } from '../mime/parse';
import { signedPartBytes } from '../mime/signed';
import { checkKeydata } from './keydata';
import {
  readProtectedHeaders,
  withoutLegacyDisplay,
  type ProtectedHeaders,
} from './protected-headers';
import { CryptoError } from '../openpgp/errors';
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

/** A decrypted message, ready to display. */
export interface DecryptedMail {
  /** The decoded text of the inner entity ('' when it has none). */
  text: string;
  /** Signature status over the encrypted content. */
  signature:
    | { status: 'none' }
    | { status: 'valid'; signerFingerprint: string }
    | { status: 'invalid'; reason: string }
    | { status: 'unknown-key'; keyID: string };
  /**
   * The signature is valid and the signing certificate has a user ID with the From
   * address. A valid signature by somebody else must not read as "from the sender".
   */
  signerMatchesFrom: boolean;
  /**
   * Valid `Autocrypt-Gossip` headers of the payload's root part, for the caller to
   * apply with `updatePeerGossip` at the message's effective date.
   */
  gossip: GossipKey[];
  /**
   * Header fields protected by the encryption (RFC 9788): of the payload root, or of
   * the signed part when the payload is multipart/signed. Null when there are none.
   */
  protectedHeaders: ProtectedHeaders | null;
}

/**
 * Decrypts the PGP/MIME payload of `raw`, parses the inner MIME entity (transfer
 * encoding and charset applied, so 8bit UTF-8 bodies come out intact, P05) and
 * checks signatures: a one-pass signature inside the encryption and, when the inner
 * entity is multipart/signed, its detached signature over the raw first part (P09).
 *
 * @param privateKeyArmored our unlocked private key(s), armored
 * @param senderCerts certificates that may have signed (binary)
 * @throws CryptoError `'too-large'`, `'not-encrypted'`, `'bad-ciphertext'`,
 *   `'decrypt-failed'`, `'unauthenticated'`, `'key-locked'`, `'bad-key'`
 */
export async function decryptMail(
  raw: Uint8Array,
  privateKeyArmored: string,
  senderCerts: Uint8Array[],
): Promise<DecryptedMail> {
  if (raw.length > MAX_RAW_MESSAGE_BYTES) {
    throw new CryptoError('too-large', `message is ${raw.length} bytes, over 96 MiB`);
  }

  const { mail, email } = await parseMailDetailed(raw);
  if (!mail.encrypted) {
    throw new CryptoError('not-encrypted', 'the message has no PGP/MIME encrypted part');
  }

  const { data, signature } = await decryptAndVerify({
    message: mail.encrypted.armored,
    decryptionKeysArmored: privateKeyArmored,
    verificationCerts: senderCerts,
  });

  const inner = await parseMailDetailed(data);
  const checks = [signature];
  let protectedHeaders = readProtectedHeaders(inner);
  if (inner.mail.contentType === 'multipart/signed') {
    const signed = await checkSignedEntity(data, inner, senderCerts);
    checks.push(signed.check);
    protectedHeaders ??= signed.protectedHeaders;
  }
  const combined = combineSignatureChecks(checks);

  const replyTo = (email.replyTo ?? []).flatMap((address) => address.group ?? [address]);
  const recipients = [...mail.to, ...mail.cc, ...replyTo.map((m) => m.address ?? '')];

  return {
    text: protectedHeaders
      ? withoutLegacyDisplay(inner.mail.text ?? '', protectedHeaders)
      : (inner.mail.text ?? ''),
    signature: publicCheck(combined),
    signerMatchesFrom:
      combined.status === 'valid' &&
      mail.from !== null &&
      combined.signerUserIDs.some((userID) => emailOf(userID) === mail.from!.addr),
    gossip: await gossipKeys(inner.header('autocrypt-gossip'), recipients),
    protectedHeaders,
  };
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

function publicCheck(check: SignatureCheck): DecryptedMail['signature'] {
  return check.status === 'valid'
    ? { status: 'valid', signerFingerprint: check.signerFingerprint }
    : check;
}

// The address of a user ID: `Name <addr>` or a bare `addr`.
function emailOf(userID: string): string {
  const bracketed = /<([^<>]+)>/.exec(userID);
  return canonicalAddr(bracketed ? bracketed[1]! : userID);
}
