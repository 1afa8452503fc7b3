/**
 * The mail the bench reads: PGP/MIME messages from a correspondent outside
 * EcosMail (Dana) to the bench user, and a batch of plain mails from distinct
 * senders, each with a real-shaped Autocrypt header. Made with openpgp under
 * node, the way another client would have made them.
 */
import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';

/** Dana: the sender of every encrypted bench mail. */
export const DANA = 'dana@peer.example';

/** The bench user, whose key lives in the extension. */
export const ALICE = 'alice@ecosmail.test';

/** A sender key pair, armored, and its binary certificate for Autocrypt. */
export interface SenderKey {
  addr: string;
  privateKeyArmored: string;
  publicKeyArmored: string;
  certificate: Uint8Array;
}

/** Which symmetric packet the message uses. */
export type Seipd = 'v1' | 'v2-gcm';

/** One encrypted bench mail, and the parts the baselines need. */
export interface EncryptedMail {
  /** The whole RFC 5322 message, CRLF line ends. */
  raw: string;
  /** The armored OpenPGP message inside it: what a bare decrypt reads. */
  armored: string;
  /** The inner MIME entity: what decryption must give back. */
  plaintextBytes: number;
}

/** Generates a v4 Curve25519 (legacy ids) key like every Autocrypt client makes. */
export async function senderKey(addr: string): Promise<SenderKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email: addr }],
    format: 'object',
  });
  return {
    addr,
    privateKeyArmored: privateKey.armor(),
    publicKeyArmored: publicKey.armor(),
    certificate: publicKey.write(),
  };
}

/** `Autocrypt:` header value folded at 76 columns, as clients send it. */
export function autocryptHeader(addr: string, certificate: Uint8Array): string {
  const keydata = Buffer.from(certificate).toString('base64');
  const folded = keydata.match(/.{1,74}/g)!.join('\r\n ');
  return `Autocrypt: addr=${addr}; prefer-encrypt=mutual; keydata=\r\n ${folded}`;
}

function crlf(lines: string[]): string {
  return lines.join('\r\n');
}

/** Readable text of about `bytes` bytes (lines of 72 characters). */
export function textOfSize(bytes: number): string {
  const line =
    'The quick brown fox jumps over the lazy dog while we measure it. 0123\r\n';
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

/**
 * The inner entity: a short text, and when `attachmentBytes` is set an
 * `application/octet-stream` attachment of that many random bytes (base64).
 */
export function innerEntity(textBytes: number, attachmentBytes = 0): string {
  const text = crlf([
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    textOfSize(textBytes),
  ]);
  if (!attachmentBytes) return text;

  const data = randomBytes(attachmentBytes).toString('base64');
  return crlf([
    'Content-Type: multipart/mixed; boundary="bench-mixed"',
    '',
    '--bench-mixed',
    text,
    '--bench-mixed',
    'Content-Type: application/octet-stream; name="data.bin"',
    'Content-Disposition: attachment; filename="data.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    data.match(/.{1,76}/g)!.join('\r\n'),
    '--bench-mixed--',
    '',
  ]);
}

/**
 * Signs `inner` as Dana and encrypts it to the bench user and to Dana, in a
 * PGP/MIME message carrying Dana's Autocrypt header. `v2-gcm` forces an
 * SEIPDv2 AES-256-GCM packet through an explicit session key; `v1` is the
 * SEIPDv1 (CFB + MDC) packet every Autocrypt Level 1 client writes.
 */
export async function encryptedMail(opts: {
  dana: SenderKey;
  recipientArmored: string;
  inner: string;
  seipd: Seipd;
  subject: string;
}): Promise<EncryptedMail> {
  const signingKey = await openpgp.readPrivateKey({
    armoredKey: opts.dana.privateKeyArmored,
  });
  const encryptionKeys = [
    await openpgp.readKey({ armoredKey: opts.recipientArmored }),
    await openpgp.readKey({ armoredKey: opts.dana.publicKeyArmored }),
  ];
  const sessionKey =
    opts.seipd === 'v2-gcm'
      ? {
          data: new Uint8Array(randomBytes(32)),
          algorithm: 'aes256' as const,
          aeadAlgorithm: 'gcm' as const,
        }
      : undefined;

  const armored = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: Buffer.from(opts.inner) }),
    encryptionKeys,
    signingKeys: signingKey,
    sessionKey,
    format: 'armored',
  });

  const raw = crlf([
    `From: Dana <${DANA}>`,
    `To: ${ALICE}`,
    `Subject: ${opts.subject}`,
    `Date: ${new Date(Date.now() - 60_000).toUTCString()}`,
    `Message-ID: <${randomBytes(8).toString('hex')}@peer.example>`,
    'MIME-Version: 1.0',
    autocryptHeader(DANA, opts.dana.certificate),
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";',
    ' boundary="bench-enc"',
    '',
    '--bench-enc',
    'Content-Type: application/pgp-encrypted',
    '',
    'Version: 1',
    '',
    '--bench-enc',
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    '',
    armored.replace(/\r?\n/g, '\r\n').trimEnd(),
    '--bench-enc--',
    '',
  ]);
  return { raw, armored, plaintextBytes: Buffer.byteLength(opts.inner) };
}

/**
 * A plain mail from `sender` with its Autocrypt header: what item 3 ingests.
 * Each `run` dates the batch an hour later, so a repeated batch is news again.
 */
export function plainMailWithHeader(sender: SenderKey, index: number, run = 0): string {
  const date = new Date(Date.now() - 86_400_000 + run * 3_600_000 + index * 1000);
  return crlf([
    `From: Peer ${index} <${sender.addr}>`,
    `To: ${ALICE}`,
    `Subject: Hello number ${index}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <peer-${index}-${randomBytes(6).toString('hex')}@peer.example>`,
    'MIME-Version: 1.0',
    autocryptHeader(sender.addr, sender.certificate),
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Hello, this is peer ${index}.`,
    '',
  ]);
}
