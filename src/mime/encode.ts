/**
 * Encodings for building messages by hand: RFC 2047 encoded words, RFC 2045
 * quoted-printable, RFC 5322 header folding, dates and addresses. Everything here
 * emits CRLF line breaks and 7-bit text.
 */

import { bytesToBase64 } from '../util/base64';
import { MimeError } from './errors';

/** RFC 5322 section 2.1.1: lines "SHOULD be no more than 78 characters". */
export const LINE_WIDTH = 78;

const utf8 = new TextEncoder();

// RFC 2047 section 2: "An 'encoded-word' may not be more than 75 characters long".
// '=?UTF-8?B?' + '?=' take 12, leaving 60 base64 characters, i.e. 45 bytes.
const ENCODED_WORD_BYTES = 45;

/** Text as CRLF lines, whatever mix of CR, LF and CRLF it came with. */
export function toCrlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

/** True when `s` is printable US-ASCII plus space and tab. */
export function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7e\t]*$/.test(s);
}

/**
 * Unstructured header text (Subject, display names) as RFC 2047 encoded words when
 * it is not plain ASCII, unchanged otherwise. Words never split a UTF-8 sequence and
 * are separated by spaces, where {@link foldHeader} may break the line.
 */
export function encodeWords(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');

  // Text that merely looks like an encoded word would be decoded by the receiver.
  if (isPrintableAscii(oneLine) && !oneLine.includes('=?')) return oneLine;

  const words: string[] = [];
  let chunk: number[] = [];
  for (const char of oneLine) {
    const bytes = utf8.encode(char);
    if (chunk.length + bytes.length > ENCODED_WORD_BYTES) {
      words.push(encodedWord(chunk));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length > 0) words.push(encodedWord(chunk));

  return words.join(' ');
}

/**
 * A mailbox for From/To/Cc: `addr`, `Name <addr>`, `"Name, Jr." <addr>` or an
 * encoded-word name.
 *
 * @throws MimeError `'bad-address'` for an address we will not put in a header
 */
export function formatMailbox(addr: string, name?: string): string {
  checkAddress(addr);

  const display = (name ?? '').replace(/[\r\n]+/g, ' ').trim();
  if (!display) return addr;

  if (!isPrintableAscii(display) || display.includes('=?')) {
    return `${encodeWords(display)} <${addr}>`;
  }
  // RFC 5322 atext and spaces can stand as they are; anything else is quoted.
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(display)) return `${display} <${addr}>`;
  return `"${display.replace(/[\\"]/g, '\\$&')}" <${addr}>`;
}

/**
 * Checks that `addr` is a plain ASCII addr-spec without anything that could end
 * the header or start another field.
 *
 * @throws MimeError `'bad-address'`
 */
export function checkAddress(addr: string): void {
  if (
    !/^[^\s<>()[\]",;:\\@]+@[^\s<>()[\]",;:\\@]+$/.test(addr) ||
    !isPrintableAscii(addr)
  ) {
    throw new MimeError('bad-address', `not a usable address: ${JSON.stringify(addr)}`);
  }
}

/**
 * A complete header field, `Name: value`, folded at spaces so that lines stay within
 * 78 characters where the words allow. A value that is already folded (CRLF followed
 * by a space or tab, like our Autocrypt header) is kept as it is.
 *
 * @throws MimeError `'bad-header'` for a line break that is not folding (injection)
 */
export function foldHeader(name: string, value: string): string {
  const field = `${name}: ${value}`;

  if (/[\r\n]/.test(value)) {
    if (/\r\n(?![ \t])|\r(?!\n)|(?<!\r)\n/.test(value)) {
      throw new MimeError('bad-header', `header ${name} contains a bare line break`);
    }
    return field;
  }

  const [first, ...rest] = field.split(' ');
  const lines: string[] = [];
  let line = first!;
  for (const word of rest) {
    if (line.length + 1 + word.length > LINE_WIDTH && line !== `${name}:`) {
      lines.push(line);
      line = ` ${word}`;
    } else {
      line += ` ${word}`;
    }
  }
  lines.push(line);

  return lines.join('\r\n');
}

/**
 * Quoted-printable (RFC 2045 section 6.7) of UTF-8 text: output lines of at most 76
 * characters, CRLF line breaks, whitespace at the end of a line encoded so that no
 * transport can strip it.
 */
export function quotedPrintable(text: string): string {
  return toCrlf(text)
    .split('\r\n')
    .map((line) => softWrap(encodeQpLine(line)))
    .join('\r\n');
}

/** An RFC 5322 date-time in UTC, e.g. `Fri, 04 Dec 2026 16:31:52 +0000`. */
export function rfc5322Date(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const pad = (n: number) => String(n).padStart(2, '0');

  const day = `${days[date.getUTCDay()]}, ${pad(date.getUTCDate())}`;
  const month = `${months[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(pad);
  return `${day} ${month} ${time.join(':')} +0000`;
}

/** `n` random bytes as lower-case hex, from the platform's CSPRNG. */
export function randomHex(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function encodedWord(bytes: number[]): string {
  return `=?UTF-8?B?${bytesToBase64(Uint8Array.from(bytes))}?=`;
}

// Each byte as itself when it is safe, as =XX otherwise; returns the tokens so that
// soft line breaks never split an =XX escape.
function encodeQpLine(line: string): string[] {
  const bytes = utf8.encode(line);
  const tokens: string[] = [];

  bytes.forEach((b, i) => {
    const last = i === bytes.length - 1;
    const printable = b >= 33 && b <= 126 && b !== 61; // '=' is the escape character
    const innerSpace = (b === 32 || b === 9) && !last;
    tokens.push(printable || innerSpace ? String.fromCharCode(b) : hexEscape(b));
  });

  return tokens;
}

function hexEscape(b: number): string {
  return `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

// Soft line breaks ("=" at the end) keep encoded lines within 76 characters.
function softWrap(tokens: string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    if (line.length + token.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += token;
  }
  lines.push(line);
  return lines.join('\r\n');
}
