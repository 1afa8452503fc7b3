/**
 * Decrypting a received PGP/MIME message and checking who signed it.
 */

import { canonicalAddr } from '../autocrypt/addr';
import { parseContentType } from '../mime/content-type';
import { contentText, MAX_RAW_MESSAGE_BYTES, parseMailDetailed } from '../mime/parse';
import { signedPartBytes } from '../mime/signed';
import { CryptoError } from '../openpgp/errors';
import {
  combineSignatureChecks,
  decryptAndVerify,
  verifyDetached,
  type SignatureCheck,
} from '../openpgp/gateway';

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

  const { mail } = await parseMailDetailed(raw);
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
  if (inner.mail.contentType === 'multipart/signed') {
    checks.push(await checkSignedEntity(data, inner, senderCerts));
  }
  const combined = combineSignatureChecks(checks);

  return {
    text: inner.mail.text ?? '',
    signature: publicCheck(combined),
    signerMatchesFrom:
      combined.status === 'valid' &&
      mail.from !== null &&
      combined.signerUserIDs.some((userID) => emailOf(userID) === mail.from!.addr),
  };
}

// RFC 3156 section 5: multipart/signed with an application/pgp-signature part.
async function checkSignedEntity(
  entity: Uint8Array,
  parsed: Awaited<ReturnType<typeof parseMailDetailed>>,
  certs: Uint8Array[],
): Promise<SignatureCheck> {
  const contentType = parseContentType(parsed.header('content-type')[0]);
  const boundary = contentType.params.get('boundary');
  const signed = boundary ? signedPartBytes(entity, boundary) : null;
  const signaturePart = parsed.email.attachments.find(
    (part) => part.mimeType === 'application/pgp-signature',
  );
  if (!signed || !signaturePart) return { status: 'none' };

  return verifyDetached({
    data: signed,
    signature: contentText(signaturePart),
    verificationCerts: certs,
  });
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
