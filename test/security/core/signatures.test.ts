/**
 * Attack suite SG-09..SG-14: what counts as a valid signature and whose it is.
 * Inputs are built here with openpgp; the verdicts come from the product's gateway
 * and mail layer. Each case states how a vulnerable implementation would fail it and
 * has a genuine control that must still verify.
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decryptAndVerify,
  isUsableForEncryption,
  readCertificate,
  verifyDetached,
} from '../../../src/openpgp/gateway';
import { decryptMail } from '../../../src/mail/decrypt';
import {
  internals,
  literal,
  messageBytes,
  seipdV1,
  sessionKey,
  sessionKeyPackets,
  pgpMimeMail,
} from './packets';

const DAY = 24 * 3600 * 1000;
const data = new TextEncoder().encode('I promote Eve.\r\n');

let recipient: openpgp.PrivateKey;
let victim: openpgp.PrivateKey;
let attacker: openpgp.PrivateKey;

beforeAll(async () => {
  const make = async (email: string) =>
    (
      await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ email }],
        subkeys: [{}, { sign: true }],
        format: 'object',
      })
    ).privateKey;
  [recipient, victim, attacker] = await Promise.all([
    make('recipient@attack.test'),
    make('manager@attack.test'),
    make('eve@attack.test'),
  ]);
});

const certOf = (key: openpgp.Key) => key.toPublic().write();

/** A detached signature packet list (binary) over `data`. */
async function detached(signingKeys: openpgp.PrivateKey, bytes = data) {
  return openpgp.sign({
    message: await openpgp.createMessage({ binary: bytes }),
    signingKeys,
    detached: true,
    format: 'binary',
  });
}

/** A bare signature packet of `type` made by `key`'s primary over `toSign`. */
async function rawSignature(
  key: openpgp.PrivateKey,
  type: number,
  toSign: object,
  extra: Record<string, unknown> = {},
): Promise<openpgp.SignaturePacket> {
  const sig = new openpgp.SignaturePacket();
  Object.assign(sig, {
    signatureType: type,
    publicKeyAlgorithm: key.keyPacket.algorithm,
    hashAlgorithm: openpgp.enums.hash.sha256,
    ...extra,
  });
  await internals(sig).sign(key.keyPacket, toSign, new Date(), false, openpgp.config);
  return sig;
}

describe('SG-09 cleartext-signed text inside a message', () => {
  // Vulnerable (CVE-2023-41037): showing the armored text of a cleartext-signed
  // block as verified, including text placed before `Hash:`. We never verify
  // cleartext blocks found in a body: the status covers only data openpgp
  // returned as verified (one-pass or multipart/signed), so such a block is text.
  it('SG-09 a genuine cleartext-signed block in the decrypted body gives no signed status', async () => {
    const clear = await openpgp.sign({
      message: await openpgp.createCleartextMessage({ text: 'I promote Eve.' }),
      signingKeys: victim,
    });
    const tampered = clear.replace('Hash: SHA512', 'Pay Mallory!\nHash: SHA512');
    const entity = `Content-Type: text/plain\r\n\r\n${tampered}`;

    const mail = await encryptedMail(entity, { signed: false });
    const result = await decryptMail(mail, recipient.armor(), [certOf(victim)]);
    expect(result.signature.status).toBe('none');
    expect(result.signerMatchesFrom).toBe(false);

    // Control: the same signer's one-pass signature over the payload is valid.
    const signed = await encryptedMail('Content-Type: text/plain\r\n\r\nhi', {
      signed: true,
    });
    const good = await decryptMail(signed, recipient.armor(), [certOf(victim)]);
    expect(good.signature.status).toBe('valid');
    expect(good.signerMatchesFrom).toBe(true);
  });
});

/** A PGP/MIME mail from the victim to the recipient, optionally signed. */
async function encryptedMail(entity: string, opts: { signed: boolean }) {
  const armored = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: new TextEncoder().encode(entity) }),
    encryptionKeys: recipient.toPublic(),
    signingKeys: opts.signed ? victim : undefined,
  });
  return pgpMimeMail(
    [
      'From: manager@attack.test',
      'To: recipient@attack.test',
      'Subject: test',
      'MIME-Version: 1.0',
    ],
    armored,
  );
}

describe('SG-10 genuine signature over attacker literal data', () => {
  // Vulnerable (CVE-2025-47934, openpgp < 6.1.1): the signature is checked over
  // one literal packet while another is returned; or the one-pass signature's
  // literal is swapped and still reported valid.
  it('SG-10 a signed+encrypted message with its literal data replaced reads invalid', async () => {
    const signed = await openpgp.sign({
      message: await openpgp.createMessage({ binary: data }),
      signingKeys: victim,
      format: 'object',
    });
    const packets = [...signed.packets];
    const swapped = packets.map((p) =>
      p instanceof openpgp.LiteralDataPacket ? literal('I promote Mallory.\r\n') : p,
    );

    const key = sessionKey();
    const encrypt = async (inner: openpgp.AnyPacket[]) =>
      messageBytes([
        ...(await sessionKeyPackets(key, recipient.toPublic().armor())),
        await seipdV1(key, inner),
      ]);
    const verdict = async (inner: openpgp.AnyPacket[]) =>
      (
        await decryptAndVerify({
          message: await encrypt(inner),
          decryptionKeysArmored: recipient.armor(),
          verificationCerts: [certOf(victim)],
        })
      ).signature.status;

    expect(await verdict(packets)).toBe('valid');
    expect(await verdict(swapped)).toBe('invalid');
  });

  it('SG-10 a detached signature does not cover other data', async () => {
    const signature = await detached(victim);
    const check = (bytes: Uint8Array) =>
      verifyDetached({ data: bytes, signature, verificationCerts: [certOf(victim)] });
    expect((await check(data)).status).toBe('valid');
    expect((await check(new TextEncoder().encode('I promote Mallory.\r\n'))).status).toBe(
      'invalid',
    );
  });
});

describe('SG-11 signatures that are not document signatures', () => {
  // Vulnerable (CVE-2019-9153): a standalone or timestamp signature hashes no
  // document at all, so a verifier that accepts any signature type reports it
  // "valid" over whatever data it is attached to.
  it.each([
    ['standalone', openpgp.enums.signature.standalone],
    ['timestamp', openpgp.enums.signature.timestamp],
  ])('SG-11 a %s signature is not a valid message signature', async (_name, type) => {
    const sig = await rawSignature(victim, type, {});
    const list = new openpgp.PacketList<openpgp.AnyPacket>();
    list.push(sig);
    const check = await verifyDetached({
      data,
      signature: list.write(),
      verificationCerts: [certOf(victim)],
    });
    // openpgp drops signatures that are not over a document: no signature at all.
    expect(check).toEqual({ status: 'none' });

    // Control: a binary document signature by the same key over the data is valid.
    const good = await verifyDetached({
      data,
      signature: await detached(victim),
      verificationCerts: [certOf(victim)],
    });
    expect(good.status).toBe('valid');
  });

  it('SG-11 a key-binding signature offered as a message signature is not valid', async () => {
    const binding = victim.subkeys[0]!.bindingSignatures[0]!;
    const list = new openpgp.PacketList<openpgp.AnyPacket>();
    list.push(binding);
    const check = await verifyDetached({
      data,
      signature: list.write(),
      verificationCerts: [certOf(victim)],
    });
    expect(check.status).not.toBe('valid');
  });
});

describe('SG-12 unhashed subpackets', () => {
  // Vulnerable (CVE-2019-9154): reading key expiry (or flags) from the unhashed
  // area, which anybody can rewrite, and so reviving an expired key.
  it('SG-12 an expired key stays expired when an unhashed subpacket says "never expires"', async () => {
    const created = new Date(Date.now() - 10 * DAY);
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'expired@attack.test' }],
      date: created,
      keyExpirationTime: 24 * 3600,
      format: 'object',
    });
    const keyExpirationTime = 9; // RFC 9580 5.2.3.13 Key Expiration Time
    for (const sig of [
      ...publicKey.users.flatMap((u) => u.selfCertifications),
      ...publicKey.subkeys.flatMap((s) => s.bindingSignatures),
    ]) {
      internals(sig).unhashedSubpackets.push({
        type: keyExpirationTime,
        critical: false,
        body: new Uint8Array(4),
      });
    }
    const forged = publicKey.write();
    const reread = await openpgp.readKey({ binaryKey: forged });
    expect(
      (
        reread.users[0]!.selfCertifications[0] as unknown as {
          unhashedSubpackets: object[];
        }
      ).unhashedSubpackets.length,
    ).toBeGreaterThan(0);

    expect(await isUsableForEncryption(forged)).toBe(false);
    // Control: the same certificate is usable on a day before it expired.
    expect(
      await isUsableForEncryption(forged, new Date(created.getTime() + 3600_000)),
    ).toBe(true);
  });
});

describe('SG-13 signing subkeys without a primary-key binding', () => {
  // Vulnerable (OpenPGP.js PR #298): accepting a signing subkey on the strength of
  // the primary's binding alone. Eve binds the manager's signing subkey to her own
  // certificate (she can, it is her primary that signs) but cannot make the
  // subkey's back-signature; the manager's signatures must not become hers.
  it("SG-13 Eve's certificate claiming the manager's signing subkey does not verify his signatures", async () => {
    const victimSigning = victim.toPublic().subkeys[1]!;
    const binding = await rawSignature(
      attacker,
      openpgp.enums.signature.subkeyBinding,
      { key: attacker.keyPacket, bind: victimSigning.keyPacket },
      { keyFlags: [openpgp.enums.keyFlags.signData] },
    );
    const eve = attacker.toPublic();
    const cert = messageBytes([
      ...eve
        .toPacketList()
        .filter((p) => !(p instanceof openpgp.PublicSubkeyPacket))
        .slice(0, 3),
      victimSigning.keyPacket,
      binding,
    ]);
    const claimed = await openpgp.readKey({ binaryKey: cert });
    expect(claimed.getFingerprint()).toBe(eve.getFingerprint());

    const signature = await openpgp.sign({
      message: await openpgp.createMessage({ binary: data }),
      signingKeys: victim,
      signingKeyIDs: [victimSigning.getKeyID()],
      detached: true,
      format: 'binary',
    });
    const asEve = await verifyDetached({ data, signature, verificationCerts: [cert] });
    expect(asEve.status).not.toBe('valid');

    // Control: the manager's own certificate verifies the same signature.
    const asManager = await verifyDetached({
      data,
      signature,
      verificationCerts: [certOf(victim)],
    });
    expect(asManager.status).toBe('valid');
  });
});

describe('SG-14 user IDs without a valid self-signature', () => {
  // Vulnerable (CVE-2019-9148/9150): listing or matching a user ID that its key
  // never certified. Eve appends "manager@attack.test" to her certificate without
  // a self-signature (she could only certify it with her own key, which would be
  // honest); the product must not show it nor match From against it.
  it('SG-14 an uncertified user ID is dropped and never matches the From address', async () => {
    const eve = attacker.toPublic();
    const fakeUid = openpgp.UserIDPacket.fromObject({ email: 'manager@attack.test' });
    const cert = messageBytes([...eve.toPacketList(), fakeUid]);
    const reread = await openpgp.readKey({ binaryKey: cert });
    expect(reread.getUserIDs()).toContain('<manager@attack.test>');

    const info = await readCertificate(cert);
    expect(info.userIDs).toEqual(['<eve@attack.test>']);

    // Eve signs a mail claiming to be from the manager: the signature is valid,
    // but it must not read as the manager's.
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({
        binary: new TextEncoder().encode('Content-Type: text/plain\r\n\r\nhi'),
      }),
      encryptionKeys: recipient.toPublic(),
      signingKeys: attacker,
    });
    const raw = pgpMimeMail(
      ['From: manager@attack.test', 'To: recipient@attack.test', 'MIME-Version: 1.0'],
      armored,
    );
    const result = await decryptMail(raw, recipient.armor(), [cert]);
    expect(result.signature.status).toBe('valid');
    expect(result.signerMatchesFrom).toBe(false);
  });
});
