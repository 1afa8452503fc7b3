/**
 * The Autocrypt Setup Message we create, read back through the same functions that
 * import other clients' messages (the corpus runner checks those).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatSetupCode,
  generateSetupCode,
  normalizeSetupCode,
} from '../../src/autocrypt/setup-code';
import {
  buildSetupMessage,
  findSetupMessage,
  importSetupMessage,
} from '../../src/mail/setup-message';
import { generateKeyPair, type GeneratedKey } from '../../src/openpgp/gateway';

const ADDR = 'alice@example.org';
const TEXTS = { subject: 'Autocrypt Setup Message', description: 'Keep this <safe>.' };
const bytes = (s: string) => new TextEncoder().encode(s);

let key: GeneratedKey;
let code: string;
let raw: string;

beforeAll(async () => {
  key = await generateKeyPair({ addr: ADDR });
  code = generateSetupCode();
  raw = await buildSetupMessage(
    { addr: ADDR, privateKeyArmored: key.privateKeyArmored, prefer_encrypt: 'mutual' },
    code,
    TEXTS,
  );
});

describe('Setup Code', () => {
  it('is nine dashed blocks of four digits', () => {
    expect(code).toMatch(/^\d{4}(-\d{4}){8}$/);
  });

  it('draws bytes again above 249 so every digit is equally likely', () => {
    // 250..255 would favour 0..5; a source giving only those must be drawn again.
    let calls = 0;
    const source = (n: number) => {
      calls++;
      return new Uint8Array(n).fill(calls === 1 ? 255 : 7);
    };
    expect(generateSetupCode(source)).toBe(formatSetupCode('7'.repeat(36)));
    expect(calls).toBe(2);
  });

  it('accepts the digits typed in any grouping', () => {
    const spaced = code.replace(/-/g, ' ');
    expect(normalizeSetupCode(`  ${spaced}\n`)).toBe(code);
    expect(normalizeSetupCode('not numeric')).toBe('not numeric');
  });
});

describe('Setup Message', () => {
  it('has the structure the spec requires, and no code in the clear', async () => {
    expect(raw).toMatch(/^Autocrypt-Setup-Message: v1\r$/m);
    expect(raw).toMatch(/^From: alice@example\.org\r$/m);
    expect(raw).toMatch(/^To: alice@example\.org\r$/m);
    expect(raw).toMatch(/^Content-Type: multipart\/mixed;/m);
    expect(raw).toMatch(/^Content-Type: application\/autocrypt-setup;/m);
    expect(raw).toContain('Passphrase-Format: numeric9x4');
    expect(raw).toContain(`Passphrase-Begin: ${code.slice(0, 2)}`);
    expect(raw).not.toContain(code.slice(0, 9));
    expect(raw).toContain('Keep this &#60;safe&#62;.');
  });

  it('imports with the code: same key, prefer-encrypt kept', async () => {
    const setup = await findSetupMessage(bytes(raw), ADDR);
    expect(setup).toMatchObject({
      passphraseFormat: 'numeric9x4',
      passphraseBegin: code.slice(0, 2),
      addr: ADDR,
    });

    const imported = await importSetupMessage(setup, code.replace(/-/g, ''));
    expect(imported.fingerprint).toBe(key.fingerprint);
    expect(imported.prefer_encrypt).toBe('mutual');
  });

  it('refuses a wrong code', async () => {
    const setup = await findSetupMessage(bytes(raw), ADDR);
    const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
    await expect(importSetupMessage(setup, wrong)).rejects.toMatchObject({
      name: 'SetupMessageError',
      code: 'bad-code',
    });
  });

  it('refuses a message for another account', async () => {
    await expect(findSetupMessage(bytes(raw), 'bob@example.org')).rejects.toMatchObject({
      code: 'not-self',
    });
  });

  it('ignores an Autocrypt-Setup-Message header other than v1', async () => {
    const v2 = raw.replace('Autocrypt-Setup-Message: v1', 'Autocrypt-Setup-Message: v2');
    await expect(findSetupMessage(bytes(v2), ADDR)).rejects.toMatchObject({
      code: 'unknown-version',
    });
  });

  it('says plainly that an ordinary mail is not a Setup Message', async () => {
    const plain = `From: ${ADDR}\r\nTo: ${ADDR}\r\nSubject: hi\r\n\r\nhello\r\n`;
    await expect(findSetupMessage(bytes(plain), ADDR)).rejects.toMatchObject({
      code: 'not-setup-message',
    });
  });
});
