/**
 * Strict base64 (RFC 4648 section 4, standard alphabet, with padding).
 *
 * Written by hand rather than with `atob`/`btoa` because those are lenient in ways
 * that matter here: `atob` skips whitespace and accepts missing padding, and both
 * work on Latin-1 strings, which costs a copy per byte for large payloads.
 */

import { CodedError } from './coded-error';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// 6-bit value -> char code, and the padding character's code.
const ENCODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = '='.charCodeAt(0);

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
  // Characters go into a byte array and become a string in one step: building
  // the string piece by piece took over a second for a 5 MB mail, all of it on
  // the webmail page's main thread (the content script encodes every raw mail).
  const out = new Uint8Array(Math.ceil(b.length / 3) * 4);
  const whole = b.length - (b.length % 3);
  let o = 0;

  for (let i = 0; i < whole; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out[o++] = ENCODE[n >> 18]!;
    out[o++] = ENCODE[(n >> 12) & 63]!;
    out[o++] = ENCODE[(n >> 6) & 63]!;
    out[o++] = ENCODE[n & 63]!;
  }

  if (whole < b.length) {
    const n = (b[whole]! << 16) | ((b[whole + 1] ?? 0) << 8);
    out[o++] = ENCODE[n >> 18]!;
    out[o++] = ENCODE[(n >> 12) & 63]!;
    out[o++] = whole + 1 < b.length ? ENCODE[(n >> 6) & 63]! : PAD;
    out[o++] = PAD;
  }

  // Every byte is ASCII, so UTF-8 decoding is the identity.
  return new TextDecoder().decode(out);
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
