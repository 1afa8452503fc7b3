/**
 * Strict base64 (RFC 4648 section 4, standard alphabet, with padding).
 *
 * Written by hand rather than with `atob`/`btoa` because those are lenient in ways
 * that matter here: `atob` skips whitespace and accepts missing padding, and both
 * work on Latin-1 strings, which costs a copy per byte for large payloads.
 */

import { CodedError } from './coded-error';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// Char code -> 6-bit value, -1 for every character outside the alphabet.
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Raised by {@link base64ToBytes} for anything that is not canonical base64. */
export class Base64Error extends CodedError<'bad-base64'> {
  override readonly name = 'Base64Error';
}

/**
 * Encodes bytes as base64 with padding and without line breaks.
 *
 * @example bytesToBase64(new Uint8Array([104, 105])) === 'aGk='
 */
export function bytesToBase64(b: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';

  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    chunk += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    chunk += i + 1 < b.length ? ALPHABET[(n >> 6) & 63]! : '=';
    chunk += i + 2 < b.length ? ALPHABET[n & 63]! : '=';

    // Flush now and then so that a large input does not build one huge rope.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }

  parts.push(chunk);
  return parts.join('');
}

/**
 * Decodes canonical base64. Throws {@link Base64Error} on whitespace, characters
 * outside the alphabet, a length that is not a multiple of 4, misplaced padding or
 * non-zero padding bits: callers that accept folded input strip whitespace first.
 *
 * @throws Base64Error
 */
export function base64ToBytes(s: string): Uint8Array {
  if (s.length % 4 !== 0) {
    throw new Base64Error(
      'bad-base64',
      `base64 length ${s.length} is not a multiple of 4`,
    );
  }

  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - padding);
  let o = 0;

  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    const n0 = sextet(s, i);
    const n1 = sextet(s, i + 1);
    const n2 = last && padding === 2 ? 0 : sextet(s, i + 2);
    const n3 = last && padding >= 1 ? 0 : sextet(s, i + 3);
    const n = (n0 << 18) | (n1 << 12) | (n2 << 6) | n3;

    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }

  // Canonical form: the bits that padding leaves over must be zero, otherwise two
  // different strings would decode to the same bytes.
  const tail = padding === 0 ? 0 : sextet(s, s.length - 1 - padding);
  if ((padding === 1 && (tail & 3) !== 0) || (padding === 2 && (tail & 15) !== 0)) {
    throw new Base64Error('bad-base64', 'base64 has non-zero padding bits');
  }

  return out;
}

function sextet(s: string, i: number): number {
  const c = s.charCodeAt(i);
  const v = c < 128 ? DECODE[c]! : -1;
  if (v < 0) {
    throw new Base64Error('bad-base64', `invalid base64 character at offset ${i}`);
  }
  return v;
}
