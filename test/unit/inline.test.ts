/**
 * Inline PGP: detection only when the armor starts the body (P08), and
 * decryption of such a message through `decryptMail`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptMail } from '../../src/mail/incoming';
import { encryptInline, inlineArmor } from '../../src/mail/inline';
import { parseMail } from '../../src/mime/parse';
import { generateKeyPair, minimalPublicKey } from '../../src/openpgp/gateway';

const BOB = 'bob@example.org';
const DANA = 'dana@example.net';

function textMail(body: string): Uint8Array {
  const head =
    `From: ${DANA}\r\nTo: ${BOB}\r\nSubject: x\r\nMessage-ID: <i1@example.net>\r\n` +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n';
  return new TextEncoder().encode(head + body.replace(/\r?\n/g, '\r\n'));
}

describe('inline PGP', () => {
  let bob: { privateKeyArmored: string; cert: Uint8Array };
  let dana: { privateKeyArmored: string; cert: Uint8Array };

  beforeAll(async () => {
    const make = async (addr: string) => {
      const key = await generateKeyPair({ addr });
      return {
        privateKeyArmored: key.privateKeyArmored,
        cert: await minimalPublicKey(key.privateKeyArmored, addr),
      };
    };
    [bob, dana] = await Promise.all([make(BOB), make(DANA)]);
  });

  it('should decrypt and verify an armored body, with non-ASCII text intact', async () => {
    const secret = 'Réunion à 10 h — 会議';
    const armored = await encryptInline(secret, [bob.cert], dana.privateKeyArmored);
    const raw = textMail(`\n${armored}\n`);

    expect(inlineArmor(await parseMail(raw))).toBe(armored.trim());
    const read = await decryptMail(raw, bob.privateKeyArmored, [dana.cert]);
    expect(read.text).toBe(secret);
    expect(read.signature.status).toBe('valid');
    expect(read.signerMatchesFrom).toBe(true);
  });

  it('should read a block below other text as embedded, apart from that text', async () => {
    const armored = await encryptInline('quoted', [bob.cert], dana.privateKeyArmored);
    const raw = textMail(`My own words on top.\n\n${armored}\n`);

    expect(inlineArmor(await parseMail(raw))).toBeNull();
    const read = await decryptMail(raw, bob.privateKeyArmored, [dana.cert]);
    expect(read.text).toBe('');
    expect(read.embedded).toBe(true);
    expect(read.inlineParts).toEqual([
      { kind: 'unencrypted', text: 'My own words on top.\n\n' },
      {
        kind: 'decrypted',
        text: 'quoted',
        signature: expect.objectContaining({ status: 'valid' }),
        signerMatchesFrom: true,
      },
    ]);
  });

  it('should not read a second block after the first as part of the message', async () => {
    const first = await encryptInline('one', [bob.cert], dana.privateKeyArmored);
    const second = await encryptInline('two', [bob.cert], dana.privateKeyArmored);
    const raw = textMail(`${first}\n${second}\n`);

    expect(inlineArmor(await parseMail(raw))).toBeNull();
    const read = await decryptMail(raw, bob.privateKeyArmored, [dana.cert]);
    const texts = read.inlineParts!.map((p) => ('text' in p ? p.text : p.kind));
    expect(texts).toEqual(['one', 'two']);
  });

  it('should fail with decrypt-failed for a message to somebody else', async () => {
    const armored = await encryptInline(
      'not for dana',
      [bob.cert],
      bob.privateKeyArmored,
    );
    await expect(
      decryptMail(textMail(armored), dana.privateKeyArmored, []),
    ).rejects.toMatchObject({ code: 'decrypt-failed' });
  });
});
