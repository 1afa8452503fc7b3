import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decryptAndVerify,
  encryptAndSign,
  generateKeyPair,
  isUsableForEncryption,
  minimalPublicKey,
  readCertificate,
  unlockPrivateKey,
  type GeneratedKey,
} from '../../src/openpgp/gateway';

const DAY = 24 * 60 * 60 * 1000;
const text = (s: string) => new TextEncoder().encode(s);

async function binaryOf(armoredKey: string): Promise<Uint8Array> {
  return (await openpgp.readKey({ armoredKey })).write();
}

let alice: GeneratedKey;
let bob: GeneratedKey;
let aliceKeydata: Uint8Array;
let bobKeydata: Uint8Array;

beforeAll(async () => {
  alice = await generateKeyPair({ addr: 'alice@example.org', name: 'Alice' });
  bob = await generateKeyPair({ addr: 'bob@example.net' });
  aliceKeydata = await minimalPublicKey(alice.privateKeyArmored, 'alice@example.org');
  bobKeydata = await minimalPublicKey(bob.privateKeyArmored, 'bob@example.net');
});

describe('generateKeyPair', () => {
  it('makes a v4 Ed25519 + Cv25519 key with the legacy algorithm ids', async () => {
    const key = await openpgp.readKey({ armoredKey: alice.publicKeyArmored });
    expect(key.keyPacket.version).toBe(4);
    expect(key.getAlgorithmInfo()).toEqual({
      algorithm: 'eddsaLegacy',
      curve: 'ed25519Legacy',
    });
    expect(key.subkeys.map((s) => s.getAlgorithmInfo())).toEqual([
      { algorithm: 'ecdh', curve: 'curve25519Legacy' },
    ]);
    expect(alice.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(key.getUserIDs()).toEqual(['Alice <alice@example.org>']);
  });
});

describe('minimalPublicKey', () => {
  it('holds exactly the five packets Autocrypt asks for', async () => {
    const key = await openpgp.readKey({ binaryKey: aliceKeydata });
    const tags = key.toPacketList().map((packet) => packet.constructor.name);
    expect(tags).toEqual([
      'PublicKeyPacket',
      'UserIDPacket',
      'SignaturePacket',
      'PublicSubkeyPacket',
      'SignaturePacket',
    ]);
    expect((await readCertificate(aliceKeydata)).fingerprint).toBe(alice.fingerprint);
  });

  it('picks the user ID of the requested address', async () => {
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'old@example.org' }, { email: 'new@example.org' }],
      format: 'armored',
    });
    const keydata = await minimalPublicKey(privateKey, 'new@example.org');
    expect((await readCertificate(keydata)).userIDs).toEqual(['<new@example.org>']);
  });
});

describe('readCertificate', () => {
  it('returns fingerprint, version and user IDs of a good certificate', async () => {
    expect(await readCertificate(aliceKeydata)).toEqual({
      fingerprint: alice.fingerprint,
      version: 4,
      userIDs: ['Alice <alice@example.org>'],
    });
  });

  it.each([
    ['junk', () => new Uint8Array([1, 2, 3, 4]), /not an OpenPGP certificate/],
    ['two keys', () => concat(aliceKeydata, bobKeydata), /exactly one key, found 2/],
    ['a secret key', () => secretBinary(), /secret key material/],
    ['a signing-only key', () => signingOnly(), /no encryption-capable key/],
  ])('rejects %s as bad-keydata', async (_name, make, message) => {
    const bytes = await make();
    await expect(readCertificate(bytes)).rejects.toMatchObject({
      code: 'bad-keydata',
      message: expect.stringMatching(message),
    });
  });

  it('accepts an expired key, which isUsableForEncryption then refuses', async () => {
    const past = new Date(Date.now() - 30 * DAY);
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'old@example.org' }],
      date: past,
      keyExpirationTime: 24 * 60 * 60,
      format: 'binary',
    });
    expect((await readCertificate(publicKey)).version).toBe(4);
    expect(await isUsableForEncryption(publicKey)).toBe(false);
    expect(await isUsableForEncryption(publicKey, new Date(past.getTime() + 1000))).toBe(
      true,
    );
  });
});

// The symmetrically encrypted packet of an armored message: version, AEAD mode.
async function seipdOf(armored: string) {
  const message = await openpgp.readMessage({ armoredMessage: armored });
  const packet = message.packets.filterByTag(
    openpgp.enums.packet.symEncryptedIntegrityProtectedData,
  )[0] as unknown as { version: number; aeadAlgorithm: number | null };
  return { version: packet.version, aead: packet.aeadAlgorithm };
}

describe('encryptAndSign packet choice', () => {
  it('writes SEIPDv2 with AES-GCM when every key advertises SEIPDv2 and GCM', async () => {
    const armored = await encryptAndSign({
      data: text('hello bob'),
      recipientCerts: [bobKeydata],
      signingKeyArmored: alice.privateKeyArmored,
    });
    expect(await seipdOf(armored)).toEqual({
      version: 2,
      aead: openpgp.enums.aead.gcm,
    });
    const read = await decryptAndVerify({
      message: armored,
      decryptionKeysArmored: bob.privateKeyArmored,
      verificationCerts: [aliceKeydata],
    });
    expect(new TextDecoder().decode(read.data)).toBe('hello bob');
  });

  it('writes SEIPDv1 when a recipient key does not advertise SEIPDv2', async () => {
    // openpgp's defaults make a key like GnuPG 2.2 or Sequoia 0.27 would: MDC only.
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'carol@example.com' }],
      format: 'binary',
    });
    const armored = await encryptAndSign({
      data: text('hello carol'),
      recipientCerts: [publicKey],
      signingKeyArmored: alice.privateKeyArmored,
    });
    expect(await seipdOf(armored)).toEqual({ version: 1, aead: null });
  });
});

describe('encryptAndSign / decryptAndVerify', () => {
  it('round-trips with a valid signature and one session key per recipient plus self', async () => {
    const armored = await encryptAndSign({
      data: text('hello bob'),
      recipientCerts: [bobKeydata],
      signingKeyArmored: alice.privateKeyArmored,
    });
    const message = await openpgp.readMessage({ armoredMessage: armored });
    expect(message.getEncryptionKeyIDs()).toHaveLength(2);

    const forBob = await decryptAndVerify({
      message: armored,
      decryptionKeysArmored: bob.privateKeyArmored,
      verificationCerts: [aliceKeydata],
    });
    expect(new TextDecoder().decode(forBob.data)).toBe('hello bob');
    expect(forBob.signature).toMatchObject({
      status: 'valid',
      signerFingerprint: alice.fingerprint,
    });

    // Alice can read her own sent copy; without her cert the signer is unknown.
    const forAlice = await decryptAndVerify({
      message: armored,
      decryptionKeysArmored: alice.privateKeyArmored,
      verificationCerts: [],
    });
    expect(forAlice.signature).toMatchObject({ status: 'unknown-key' });
  });

  it('refuses to encrypt to a certificate without a usable encryption key', async () => {
    const expired = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'old@example.org' }],
      date: new Date(Date.now() - 30 * DAY),
      keyExpirationTime: 60,
      format: 'binary',
    });
    const attempt = encryptAndSign({
      data: text('x'),
      recipientCerts: [bobKeydata, expired.publicKey],
      signingKeyArmored: alice.privateKeyArmored,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'no-encryption-key' });
  });

  it('encrypts to the newest valid subkey, not to an expired first one (P10)', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'rotated@example.org' }],
      date: new Date(Date.now() - 30 * DAY),
      subkeys: [{ keyExpirationTime: 24 * 60 * 60 }, {}],
      format: 'object',
    });
    const [expired, current] = publicKey.subkeys;

    const armored = await encryptAndSign({
      data: text('x'),
      recipientCerts: [publicKey.write()],
      signingKeyArmored: alice.privateKeyArmored,
    });
    const ids = (await openpgp.readMessage({ armoredMessage: armored }))
      .getEncryptionKeyIDs()
      .map((id) => id.toHex());
    expect(ids).toContain(current!.getKeyID().toHex());
    expect(ids).not.toContain(expired!.getKeyID().toHex());
  });

  it('encrypts to the valid subkey that expires soonest (v2 cert)', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'v2@example.org' }],
      date: new Date(Date.now() - 30 * DAY),
      // expired, valid for 60 days, never expires, valid for 90 days
      subkeys: [
        { keyExpirationTime: DAY / 1000 },
        { keyExpirationTime: (60 * DAY) / 1000 },
        {},
        { keyExpirationTime: (90 * DAY) / 1000 },
      ],
      format: 'object',
    });
    const [expired, soonest, never, later] = publicKey.subkeys;

    const armored = await encryptAndSign({
      data: text('x'),
      recipientCerts: [publicKey.write()],
      signingKeyArmored: alice.privateKeyArmored,
    });
    const ids = (await openpgp.readMessage({ armoredMessage: armored }))
      .getEncryptionKeyIDs()
      .map((id) => id.toHex());
    expect(ids).toContain(soonest!.getKeyID().toHex());
    for (const other of [expired, never, later]) {
      expect(ids).not.toContain(other!.getKeyID().toHex());
    }
  });

  it('reports decrypt-failed for a message to somebody else, and can retry', async () => {
    const armored = await encryptAndSign({
      data: text('for bob only'),
      recipientCerts: [bobKeydata],
      signingKeyArmored: alice.privateKeyArmored,
    });
    const carol = await generateKeyPair({ addr: 'carol@example.com' });
    const wrong = decryptAndVerify({
      message: armored,
      decryptionKeysArmored: carol.privateKeyArmored,
      verificationCerts: [],
    });
    await expect(wrong).rejects.toMatchObject({ code: 'decrypt-failed' });

    // The same armored text decrypts afterwards: nothing is cached between calls.
    const right = await decryptAndVerify({
      message: armored,
      decryptionKeysArmored: bob.privateKeyArmored,
      verificationCerts: [],
    });
    expect(new TextDecoder().decode(right.data)).toBe('for bob only');
  });

  it('reports bad-ciphertext for something that is not OpenPGP', async () => {
    const attempt = decryptAndVerify({
      message: 'PGP PAYLOAD WAS HERE',
      decryptionKeysArmored: bob.privateKeyArmored,
      verificationCerts: [],
    });
    await expect(attempt).rejects.toMatchObject({ code: 'bad-ciphertext' });
  });

  it('stops a compression bomb at the plaintext bound', async () => {
    const bobCert = await openpgp.readKey({ binaryKey: bobKeydata });
    const bomb = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: new Uint8Array(65 * 1024 * 1024) }),
      encryptionKeys: bobCert,
      config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
    });
    expect(bomb.length).toBeLessThan(1024 * 1024);

    const attempt = decryptAndVerify({
      message: bomb,
      decryptionKeysArmored: bob.privateKeyArmored,
      verificationCerts: [],
    });
    await expect(attempt).rejects.toMatchObject({ code: 'too-large' });
  });
});

describe('unlockPrivateKey', () => {
  it('unlocks with the right passphrase only', async () => {
    const { privateKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'locked@example.org' }],
      passphrase: 'correct horse',
      format: 'armored',
    });
    await expect(unlockPrivateKey(privateKey, 'wrong')).rejects.toMatchObject({
      code: 'bad-passphrase',
    });
    const unlocked = await unlockPrivateKey(privateKey, 'correct horse');
    expect((await openpgp.readPrivateKey({ armoredKey: unlocked })).isDecrypted()).toBe(
      true,
    );
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function secretBinary(): Promise<Uint8Array> {
  return (await openpgp.readPrivateKey({ armoredKey: alice.privateKeyArmored })).write();
}

async function signingOnly(): Promise<Uint8Array> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: 'signer@example.org' }],
    subkeys: [],
    format: 'object',
  });
  return binaryOf(privateKey.toPublic().armor());
}
