/**
 * Attack suite SG-15: an old genuine signed (and encrypted) mail re-sent by a third
 * party. The reader shows the signature time beside the Date header, and when the
 * signer named its intended recipients (RFC 9580 5.2.3.36 Intended Recipient
 * Fingerprint) and we are not one of them, the status says the message was
 * addressed to someone else.
 *
 * Vulnerable (Davis 2001, surreptitious forwarding): Carol decrypts Bob's signed
 * mail to her and re-encrypts the signed packets to Alice, who sees "signed by Bob"
 * as if Bob had written to her.
 *
 * openpgp 6.3.2 cannot write the subpacket, and neither sqop 0.27 nor GnuPG 2.2.40
 * adds it (both checked on 2026-12-04), so Bob's signature is made here by hand:
 * a genuine signature whose hashed area carries the subpacket.
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptMail } from '../../../src/mail/decrypt';
import {
  internals,
  literal,
  messageBytes,
  seipdV1,
  sessionKey,
  sessionKeyPackets,
} from './packets';

const ENTITY = 'Content-Type: text/plain\r\n\r\nYou are promoted.\r\n';

let alice: openpgp.PrivateKey;
let bob: openpgp.PrivateKey;
let carol: openpgp.PrivateKey;

beforeAll(async () => {
  const make = async (email: string) =>
    (
      await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ email }],
        // Older than the signature below (2025), as Bob's real key would be.
        date: new Date(Date.UTC(2024, 0, 1)),
        format: 'object',
      })
    ).privateKey;
  [alice, bob, carol] = await Promise.all([
    make('alice@ecosmail.test'),
    make('bob@peer.test'),
    make('carol@peer.test'),
  ]);
});

/** Bob's one-pass signed literal, naming `intended` as its intended recipient. */
async function signedByBob(intended: openpgp.Key, date: Date) {
  const data = literal(ENTITY);
  const sig = new openpgp.SignaturePacket();
  Object.assign(sig, {
    signatureType: openpgp.enums.signature.binary,
    publicKeyAlgorithm: bob.keyPacket.algorithm,
    hashAlgorithm: openpgp.enums.hash.sha256,
  });

  // Append subpacket 35 (version 4, fingerprint) to the hashed area openpgp writes.
  const fingerprint = Buffer.from(intended.getFingerprint(), 'hex');
  const hashed = sig as unknown as { writeHashedSubPackets(): Uint8Array };
  const write = hashed.writeHashedSubPackets.bind(sig);
  hashed.writeHashedSubPackets = () => {
    const area = write().subarray(2);
    const all = new Uint8Array([...area, 2 + fingerprint.length, 35, 4, ...fingerprint]);
    return new Uint8Array([all.length >> 8, all.length & 0xff, ...all]);
  };
  await internals(sig).sign(bob.keyPacket, data, date, false, openpgp.config);

  const OnePass = openpgp.OnePassSignaturePacket as unknown as {
    fromSignaturePacket(sig: openpgp.SignaturePacket, last: boolean): openpgp.AnyPacket;
  };
  const onePass = OnePass.fromSignaturePacket(sig, true);
  return [onePass, data, sig];
}

/** The signed packets encrypted to Alice, as a PGP/MIME mail From Bob. */
async function mailToAlice(signed: openpgp.AnyPacket[]): Promise<Uint8Array> {
  const key = sessionKey();
  const armored = openpgp.armor(
    openpgp.enums.armor.message,
    messageBytes([
      ...(await sessionKeyPackets(key, alice.toPublic().armor())),
      await seipdV1(key, signed),
    ]),
  );
  return new TextEncoder().encode(
    [
      'From: bob@peer.test',
      'To: alice@ecosmail.test',
      'Date: Fri, 04 Dec 2026 12:00:00 +0000',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="e"',
      '',
      '--e',
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '--e',
      'Content-Type: application/octet-stream',
      '',
      armored,
      '--e--',
      '',
    ].join('\r\n'),
  );
}

describe('SG-15 surreptitious forwarding', () => {
  const signedAt = new Date(Date.UTC(2025, 0, 15, 9, 30));

  it('SG-15 control: Bob’s mail to Alice reads as signed by Bob at its signing time', async () => {
    const raw = await mailToAlice(await signedByBob(alice, signedAt));
    const result = await decryptMail(raw, alice.armor(), [bob.toPublic().write()]);
    expect(result.text.trim()).toBe('You are promoted.');
    expect(result.signature).toEqual({
      status: 'valid',
      signerFingerprint: bob.getFingerprint().toUpperCase(),
      signedAt: signedAt.getTime(),
      addressedToOthers: false,
    });
    expect(result.signerMatchesFrom).toBe(true);
  });

  it('SG-15 Bob’s signed mail to Carol, re-sent to Alice, says it was addressed to someone else', async () => {
    const raw = await mailToAlice(await signedByBob(carol, signedAt));
    const result = await decryptMail(raw, alice.armor(), [bob.toPublic().write()]);
    // The signature itself is genuine: the status must not call it invalid, but
    // it must not read as Bob writing to Alice either.
    expect(result.signature).toMatchObject({
      status: 'valid',
      signedAt: signedAt.getTime(),
      addressedToOthers: true,
    });
  });
});
