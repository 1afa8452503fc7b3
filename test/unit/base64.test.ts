import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../src/util/base64';

describe('base64', () => {
  it('round-trips every length modulo 3', () => {
    for (let n = 0; n < 10; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
      expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    }
  });

  it('encodes every byte value and tail length as node does', () => {
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n) & 255);
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('matches known vectors (RFC 4648 section 10)', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(bytesToBase64(text('foob'))).toBe('Zm9vYg==');
    expect(bytesToBase64(text('fooba'))).toBe('Zm9vYmE=');
    expect(base64ToBytes('Zm9vYmFy')).toEqual(text('foobar'));
  });

  it.each([
    ['whitespace', 'Zm9v YmFy'],
    ['missing padding', 'Zm9vYg'],
    ['padding inside', 'Zm9=YmFy'],
    ['foreign character', 'Zm9v*mFy'],
    ['non-zero padding bits', 'Zm9vYh=='],
    ['non-ASCII', 'Zm9vYmF€'],
  ])('rejects %s', (_name, input) => {
    expect(() => base64ToBytes(input)).toThrow(
      expect.objectContaining({ code: 'bad-base64' }),
    );
  });
});
