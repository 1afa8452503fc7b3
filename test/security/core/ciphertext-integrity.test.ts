/**
 * Attack suite EF-05..EF-12: ciphertext integrity, size and grammar. Each input is
 * built here from openpgp packets and decrypted through the product's gateway
 * (`decryptAndVerify`, the only path from ciphertext to plaintext). Every refusal
 * is checked for its specific code and for giving no output at all; every case has
 * a positive control built the same way, untampered, that does decrypt, so "refuse
 * everything" cannot pass.
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptAndVerify, MAX_PLAINTEXT_BYTES } from '../../../src/openpgp/gateway';
import { CryptoError } from '../../../src/openpgp/errors';
import {
  compressed,
  flipByte,
  internals,
  literal,
  messageBytes,
  sedPacket,
  seipdV1,
  sessionKey,
  sessionKeyPackets,
} from './packets';

let privateKey: string;
let publicKey: string;

beforeAll(async () => {
  const pair = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email: 'victim@attack.test' }],
    // SEIPDv2 (EF-09) needs a key that advertises it; v4 keys may.
    config: { aeadProtect: true },
  });
  privateKey = pair.privateKey;
  publicKey = pair.publicKey;
});

/** Decrypts through the product; returns the plaintext or the CryptoError code. */
async function decrypt(message: Uint8Array | string): Promise<string> {
  try {
    const { data } = await decryptAndVerify({
      message,
      decryptionKeysArmored: privateKey,
      verificationCerts: [],
    });
    return `plaintext:${new TextDecoder().decode(data)}`;
  } catch (error) {
    if (error instanceof CryptoError) return `error:${error.code}`;
    throw error;
  }
}

/** A genuine SEIPDv1 message to our key, binary. */
async function genuine(text: string, config: openpgp.PartialConfig = {}) {
  return openpgp.encrypt({
    message: await openpgp.createMessage({ text }),
    encryptionKeys: await openpgp.readKey({ armoredKey: publicKey }),
    format: 'binary',
    config: { aeadProtect: false, ...config },
  });
}

/** The concatenation of `parts`. */
function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('EF-05..EF-07 integrity protection', () => {
  // Vulnerable: a client that accepts tag 9 (allowUnauthenticatedMessages: true)
  // returns the CFB-malleable plaintext, and EFAIL's gadgets work.
  it('EF-05 refuses a Symmetrically Encrypted Data packet (tag 9, no MDC)', async () => {
    const key = sessionKey();
    const packets = [
      ...(await sessionKeyPackets(key, publicKey)),
      await sedPacket(key, [literal('unauthenticated text')]),
    ];
    expect(await decrypt(messageBytes(packets))).toBe('error:unauthenticated');

    // Control: the same session key and literal in SEIPDv1 decrypt.
    const good = [
      ...(await sessionKeyPackets(key, publicKey)),
      await seipdV1(key, [literal('unauthenticated text')]),
    ];
    expect(await decrypt(messageBytes(good))).toBe('plaintext:unauthenticated text');
  });

  // Vulnerable: a client that falls back to tag 9 when it sees one decrypts the
  // stripped SEIPD body without the MDC check.
  it('EF-06 refuses SEIPD downgraded to SED with the MDC stripped', async () => {
    const key = sessionKey();
    const seipd = await seipdV1(key, [literal('downgrade me')]);
    const sed = new openpgp.SymmetricallyEncryptedDataPacket();
    // SEIPDv1 body without its version byte and the 22-byte MDC packet at the end.
    const body = internals(seipd).encrypted;
    internals(sed).encrypted = body.subarray(0, body.length - 22);
    const pkesk = await sessionKeyPackets(key, publicKey);

    expect(await decrypt(messageBytes([...pkesk, sed]))).toBe('error:unauthenticated');
    expect(await decrypt(messageBytes([...pkesk, seipd]))).toBe('plaintext:downgrade me');
  });

  // Vulnerable: an implementation that outputs plaintext before (or without)
  // checking the MDC gives the attacker the modified text.
  it.each([
    [
      'a byte flipped in the middle',
      (b: Uint8Array) => flipByte(b, Math.floor(b.length * 0.7)),
    ],
    ['a byte flipped near the end', (b: Uint8Array) => flipByte(b, -30)],
    ['the MDC altered', (b: Uint8Array) => flipByte(b, -1)],
    ['the MDC truncated', (b: Uint8Array) => b.slice(0, -4)],
  ])('EF-07 refuses SEIPDv1 with %s, with no output', async (_case, tamper) => {
    const bytes = await genuine('x'.repeat(2000));
    expect(await decrypt(bytes)).toBe(`plaintext:${'x'.repeat(2000)}`);
    expect(await decrypt(tamper(bytes))).toMatch(
      /^error:(decrypt-failed|bad-ciphertext)$/,
    );
  });
});

describe('EF-08 no output before integrity is confirmed', () => {
  // Vulnerable: with allowUnauthenticatedStream (or a streaming reader) the first
  // megabytes would reach the caller before the MDC at the end fails.
  it('EF-08 a large SEIPDv1 whose MDC fails only at the end yields nothing', async () => {
    const text = 'A'.repeat(3 * 1024 * 1024);
    const bytes = await genuine(text, { preferredCompressionAlgorithm: 0 });

    const good = await decryptAndVerify({
      message: bytes,
      decryptionKeysArmored: privateKey,
      verificationCerts: [],
    });
    // The gateway hands out whole buffers only, never a stream.
    expect(good.data).toBeInstanceOf(Uint8Array);
    expect(good.data.length).toBe(text.length);

    expect(await decrypt(flipByte(bytes, -1))).toBe('error:decrypt-failed');
  });
});

describe('EF-09 AEAD (SEIPDv2) chunks', () => {
  /** A SEIPDv2 message in 64-byte chunks, and a way to rewrite its chunks. */
  async function aeadMessage(text: string) {
    const binary = await openpgp.encrypt({
      message: await openpgp.createMessage({ text }),
      encryptionKeys: await openpgp.readKey({ armoredKey: publicKey }),
      format: 'binary',
      config: { aeadProtect: true, aeadChunkSizeByte: 0 },
    });
    const { before, body } = lastPacket(binary, 18);
    // SEIPDv2 body: version 2, cipher, AEAD mode, chunk size byte, 32-byte salt.
    expect(body[0]).toBe(2);
    expect(body[3]).toBe(0);
    const head = body.subarray(0, 36);
    const encrypted = body.subarray(36);

    const rewrite = (
      edit: (chunks: Uint8Array[], finalTag: Uint8Array) => Uint8Array,
    ) => {
      const finalTag = encrypted.subarray(encrypted.length - 16);
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < encrypted.length - 16; at += 64 + 16) {
        chunks.push(encrypted.subarray(at, Math.min(at + 80, encrypted.length - 16)));
      }
      const newBody = join([head, edit(chunks, finalTag)]);
      return join([before, packetHeader(18, newBody.length), newBody]);
    };
    return { binary, rewrite };
  }

  // Vulnerable: a reader that releases each authenticated chunk as it goes (or
  // does not check the final tag over the total length) outputs a shortened or
  // reordered text.
  it.each([
    [
      'the last chunk dropped',
      (c: Uint8Array[], tag: Uint8Array) => join([...c.slice(0, -1), tag]),
    ],
    [
      'two chunks swapped',
      (c: Uint8Array[], tag: Uint8Array) => join([c[1]!, c[0]!, ...c.slice(2), tag]),
    ],
    [
      'the final tag altered',
      (c: Uint8Array[], tag: Uint8Array) => join([...c, flipByte(tag, 0)]),
    ],
  ])('EF-09 refuses SEIPDv2 with %s, with no output', async (_case, edit) => {
    const text = 'chunk '.repeat(60);
    const { binary, rewrite } = await aeadMessage(text);
    expect(await decrypt(binary)).toBe(`plaintext:${text}`);
    expect(await decrypt(rewrite((c, t) => join([...c, t])))).toBe(`plaintext:${text}`);
    expect(await decrypt(rewrite(edit))).toBe('error:decrypt-failed');
  });
});

/** Splits off the last packet (new format, partial lengths joined) of `bytes`. */
function lastPacket(bytes: Uint8Array, tag: number) {
  let at = 0;
  for (;;) {
    const start = at;
    const packetTag = bytes[at]! & 0x3f;
    expect(bytes[at]! & 0xc0).toBe(0xc0);
    at += 1;
    const pieces: Uint8Array[] = [];
    for (;;) {
      const first = bytes[at]!;
      let length: number;
      let partial = false;
      if (first < 192) [length, at] = [first, at + 1];
      else if (first < 224)
        [length, at] = [((first - 192) << 8) + bytes[at + 1]! + 192, at + 2];
      else if (first === 255) {
        length = new DataView(bytes.buffer, bytes.byteOffset + at + 1).getUint32(0);
        at += 5;
      } else [length, at, partial] = [1 << (first & 0x1f), at + 1, true];
      pieces.push(bytes.subarray(at, at + length));
      at += length;
      if (!partial) break;
    }
    if (at === bytes.length) {
      expect(packetTag).toBe(tag);
      return { before: bytes.subarray(0, start), body: join(pieces) };
    }
  }
}

/** A new-format packet header with a five-octet length. */
function packetHeader(tag: number, length: number): Uint8Array {
  const header = new Uint8Array(6);
  header[0] = 0xc0 | tag;
  header[1] = 255;
  new DataView(header.buffer).setUint32(2, length);
  return header;
}

describe('EF-10 decompression bombs', () => {
  // Vulnerable: openpgp's default maxDecompressedMessageSize is Infinity, so these
  // inflate until the worker runs out of memory.
  it('EF-10 stops a zlib bomb above our 64 MiB bound with too-large, then keeps serving', async () => {
    const zeros = new Uint8Array(MAX_PLAINTEXT_BYTES + 1024 * 1024);
    const bomb = await genuine('', {
      preferredCompressionAlgorithm: openpgp.enums.compression.zlib,
    }).then(async () =>
      openpgp.encrypt({
        message: await openpgp.createMessage({ binary: zeros }),
        encryptionKeys: await openpgp.readKey({ armoredKey: publicKey }),
        format: 'binary',
        config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
      }),
    );
    expect(bomb.length).toBeLessThan(200 * 1024);

    expect(await decrypt(bomb)).toBe('error:too-large');
    // The same process answers the next request normally.
    expect(await decrypt(await genuine('still here'))).toBe('plaintext:still here');
  });

  // openpgp 6.3.2 does not allow a compressed packet inside a compressed packet at
  // all, so nesting never gets as far as the size bound: it is refused outright.
  it('EF-10 refuses nested compression', async () => {
    const zeros = new Uint8Array(MAX_PLAINTEXT_BYTES + 1024 * 1024);
    const outer = compressed(openpgp.enums.compression.zip, [
      compressed(openpgp.enums.compression.zlib, [literal(zeros)]),
    ]);

    const key = sessionKey();
    const bytes = messageBytes([
      ...(await sessionKeyPackets(key, publicKey)),
      await seipdV1(key, [outer]),
    ]);
    expect(bytes.length).toBeLessThan(400 * 1024);
    expect(await decrypt(bytes)).toBe('error:decrypt-failed');
  });
});

describe('EF-11 / EF-12 message grammar', () => {
  // Vulnerable: CVE-2025-47934 — a parser that accepts two literal packets (or one
  // outside the encryption) shows attacker text as part of the message.
  it('EF-11 refuses two literal packets inside one SEIPD', async () => {
    const key = sessionKey();
    const pkesk = await sessionKeyPackets(key, publicKey);
    const two = await seipdV1(key, [literal('genuine'), literal('injected')]);
    expect(await decrypt(messageBytes([...pkesk, two]))).toBe('error:decrypt-failed');

    const one = await seipdV1(key, [literal('genuine')]);
    expect(await decrypt(messageBytes([...pkesk, one]))).toBe('plaintext:genuine');
  });

  it('EF-11 refuses a SEIPD followed by another SEIPD or by a compressed packet', async () => {
    const key = sessionKey();
    const pkesk = await sessionKeyPackets(key, publicKey);
    const first = await seipdV1(key, [literal('first')]);
    const second = await seipdV1(key, [literal('second')]);
    expect(await decrypt(messageBytes([...pkesk, first, second]))).toMatch(/^error:/);
  });

  // Vulnerable (Johnny §7.3 "encryption spoofing"): a client that decrypts the
  // empty packet and then shows the trailing plaintext literal as "encrypted".
  it('EF-12 refuses an empty encrypted packet followed by a plaintext literal', async () => {
    const key = sessionKey();
    const pkesk = await sessionKeyPackets(key, publicKey);
    const empty = await seipdV1(key, [literal('')]);
    const spoof = messageBytes([...pkesk, empty, literal('pay mallory')]);
    expect(await decrypt(spoof)).toMatch(/^error:(decrypt-failed|bad-ciphertext)$/);

    // Control: the empty encrypted message alone decrypts, to nothing.
    expect(await decrypt(messageBytes([...pkesk, empty]))).toBe('plaintext:');
  });

  it('EF-11 refuses literal data outside any encryption as an encrypted message', async () => {
    const plain = messageBytes([literal('not encrypted')]);
    expect(await decrypt(plain)).toMatch(/^error:(decrypt-failed|bad-ciphertext)$/);
  });
});
