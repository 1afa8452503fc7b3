/**
 * Synthetic secret keys in the old formats other clients still export (attack
 * suite MV-06). openpgp.js 6 writes none of the old protections, so those are
 * built here packet by packet with node:crypto: the key material is genuinely
 * encrypted as RFC 4880 describes, not merely labelled. DSA/ElGamal and secp256k1
 * come from GnuPG in a throw-away GNUPGHOME, when gpg is installed.
 */
import * as openpgp from 'openpgp';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One OpenPGP packet with a new-format header (RFC 9580 4.2.1). */
function packet(tag: number, body: Uint8Array): Uint8Array {
  const n = body.length;
  let length: number[];
  if (n < 192) length = [n];
  else if (n < 8384) length = [((n - 192) >> 8) + 192, (n - 192) & 0xff];
  else length = [0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([0xc0 | tag, ...length]), body]);
}

const AES128 = 7;
const SHA256 = 8;

/** How the secret material is protected. */
export type OldProtection =
  /** Usage 255: CFB, then a two-byte sum instead of SHA-1. */
  | 'checksum-255'
  /** Usage 254 with simple (unsalted, un-iterated) S2K. */
  | 'simple-s2k'
  /** Usage = cipher id: key is MD5 of the passphrase, two-byte sum. */
  | 'legacy-md5';

// The body of an unprotected secret key packet, re-protected with `protection`.
function protect(
  body: Uint8Array,
  publicPart: Uint8Array,
  how: OldProtection,
  pw: string,
) {
  const rest = body.subarray(publicPart.length);
  if (rest[0] !== 0) throw new Error('expected an unprotected secret key packet');
  const material = rest.subarray(1, rest.length - 2);
  const sum = rest.subarray(rest.length - 2);
  const iv = randomBytes(16);

  let header: number[];
  let key: Buffer;
  let sealed: Buffer;
  if (how === 'legacy-md5') {
    header = [AES128];
    key = createHash('md5').update(pw).digest();
    sealed = Buffer.concat([material, sum]);
  } else {
    // S2K specifier type 0 (simple), hash SHA-256: the key is SHA-256(passphrase).
    header = [how === 'checksum-255' ? 255 : 254, AES128, 0, SHA256];
    key = createHash('sha256').update(pw).digest().subarray(0, 16);
    const check =
      how === 'checksum-255' ? sum : createHash('sha1').update(material).digest();
    sealed = Buffer.concat([material, check]);
  }
  const cipher = createCipheriv('aes-128-cfb', key, iv);
  const encrypted = Buffer.concat([cipher.update(sealed), cipher.final()]);
  return Buffer.concat([publicPart, Buffer.from(header), iv, encrypted]);
}

/**
 * A fresh v4 Ed25519/Cv25519 key for `email`, its primary and subkey secrets
 * protected with `how` and passphrase `pw`, armored as a client exports it.
 */
export async function oldProtectedKey(
  email: string,
  how: OldProtection,
  pw: string,
): Promise<{ armored: string; fingerprint: string }> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email }],
    format: 'object',
  });
  const parts: Uint8Array[] = [];
  for (const p of privateKey.toPacketList()) {
    const tag = (p.constructor as unknown as { tag: number }).tag;
    const body = (p as unknown as { write(): Uint8Array }).write();
    if (tag === 5 || tag === 7) {
      const secret = p as unknown as { writePublicKey(): Uint8Array };
      parts.push(packet(tag, protect(body, secret.writePublicKey(), how, pw)));
    } else {
      parts.push(packet(tag, body));
    }
  }
  return {
    armored: openpgp.armor(openpgp.enums.armor.privateKey, Buffer.concat(parts)),
    fingerprint: privateKey.getFingerprint().toUpperCase(),
  };
}

/** Whether GnuPG can be run here. */
export function hasGpg(): boolean {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Unprotected secret keys made by GnuPG: a DSA-2048 primary with an ElGamal-2048
 * subkey, a secp256k1 primary with a secp256k1 encryption subkey, and (a control)
 * a brainpoolP256r1 pair for `bp@old.test`.
 */
export function gpgOldKeys(): { dsa: string; secp256k1: string; brainpool: string } {
  const home = mkdtempSync(join(tmpdir(), 'ecosmail-gpg-'));
  const gpg = (...args: string[]) =>
    execFileSync(
      'gpg',
      ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
      { env: { ...process.env, GNUPGHOME: home }, stdio: ['ignore', 'pipe', 'ignore'] },
    ).toString();
  const fingerprintOf = (email: string) =>
    /^fpr:+([0-9A-F]+):/m.exec(gpg('--with-colons', '--list-keys', email))![1]!;
  try {
    gpg('--quick-gen-key', 'Old DSA <dsa@old.test>', 'dsa2048', 'default', 'never');
    gpg('--quick-add-key', fingerprintOf('dsa@old.test'), 'elg2048', 'encr', 'never');
    gpg('--quick-gen-key', 'K1 <k1@old.test>', 'secp256k1', 'default', 'never');
    gpg('--quick-add-key', fingerprintOf('k1@old.test'), 'secp256k1', 'encr', 'never');
    gpg('--quick-gen-key', 'BP <bp@old.test>', 'brainpoolP256r1', 'default', 'never');
    gpg(
      '--quick-add-key',
      fingerprintOf('bp@old.test'),
      'brainpoolP256r1',
      'encr',
      'never',
    );
    return {
      brainpool: gpg('--armor', '--export-secret-keys', 'bp@old.test'),
      dsa: gpg('--armor', '--export-secret-keys', 'dsa@old.test'),
      secp256k1: gpg('--armor', '--export-secret-keys', 'k1@old.test'),
    };
  } finally {
    // The agent gpg started for this home, and the home itself.
    execFileSync('gpgconf', ['--kill', 'all'], {
      env: { ...process.env, GNUPGHOME: home },
      stdio: 'ignore',
    });
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * `key` with one more user ID, `forged`, carrying a copy of the genuine user ID's
 * self-signature: it claims the address but the signature is not over it (SG-14).
 */
export async function withForgedUserID(
  key: openpgp.Key,
  forged: string,
): Promise<string> {
  const list = key.toPacketList();
  const out = new openpgp.PacketList<openpgp.AnyPacket>();
  let added = false;
  for (const p of list) {
    out.push(p);
    if (!added && p instanceof openpgp.SignaturePacket) {
      const uid = openpgp.UserIDPacket.fromObject({ email: forged });
      out.push(uid, p);
      added = true;
    }
  }
  const type = key.isPrivate()
    ? openpgp.enums.armor.privateKey
    : openpgp.enums.armor.publicKey;
  return openpgp.armor(type, out.write());
}
