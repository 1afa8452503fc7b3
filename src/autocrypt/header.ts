/**
 * The `Autocrypt` header: parsing what peers send and formatting what we send.
 *
 * Spec: Autocrypt Level 1, "The Autocrypt Header". Parsing here is syntax only;
 * whether the keydata is a usable OpenPGP certificate is the gateway's question
 * (see `readCertificate`), asked by the ingest step.
 */

import { base64ToBytes, bytesToBase64 } from '../util/base64';
import { CodedError } from '../util/coded-error';
import { canonicalAddr } from './addr';

/** The two preferences Level 1 knows; anything else on the wire means nopreference. */
export type PreferEncrypt = 'mutual' | 'nopreference';

/** A syntactically valid Autocrypt header. */
export interface AutocryptHeader {
  /** The address the key is for, as written in the header (compare canonically). */
  addr: string;
  /** The sender's encryption preference. */
  prefer_encrypt: PreferEncrypt;
  /** Binary OpenPGP transferable public key, base64-decoded. */
  keydata: Uint8Array;
}

/**
 * The outcome of checking one header value. `reason` is a short stable code for
 * programs (`'addr-mismatch'`, `'unknown-critical-attribute'`, `'bad-base64'`,
 * `'too-long'`, `'missing-addr'`, `'missing-keydata'`, `'duplicate-attribute'`,
 * `'bad-syntax'`, for gossip `'addr-not-recipient'`; the ingest step adds
 * `'bad-keydata'` and `'multiple-headers'`);
 * `detail` is for people and logs.
 */
export type HeaderVerdict =
  | { valid: true; header: AutocryptHeader }
  | { valid: false; reason: string; detail: string };

/**
 * Spec: "A MUA MUST NOT send an Autocrypt header above 10 KiB in size (including
 * the Autocrypt: prefix and folding whitespace) ... MUAs SHOULD treat such headers
 * as invalid."
 */
export const MAX_HEADER_BYTES = 10 * 1024;

/** Width we fold at: RFC 5322 section 2.1.1 "SHOULD be no more than 78 characters". */
const FOLD_WIDTH = 78;

const PREFIX = 'Autocrypt:';

// Spec: "There are three defined attributes".
const KNOWN_ATTRIBUTES = new Set(['addr', 'prefer-encrypt', 'keydata']);

/** Raised by {@link formatAutocryptHeader} when it would emit a header peers must reject. */
export class AutocryptHeaderError extends CodedError<'too-long' | 'bad-addr'> {
  override readonly name = 'AutocryptHeaderError';
}

/**
 * Checks the syntax of one `Autocrypt` header value received in a message from
 * `fromAddr`. Synchronous and cheap: the size bound is checked before any parsing.
 *
 * Unfolding is tolerant (CRLF, LF, spaces or tabs anywhere in the value), base64 is
 * strict once folding whitespace is removed.
 *
 * @param value the header value, folded or unfolded, without the `Autocrypt:` name
 * @param fromAddr the address in the message's single `From`
 */
export function parseAutocryptHeader(value: string, fromAddr: string): HeaderVerdict {
  // Spec: "If this address differs from the one in the From header, the entire
  // Autocrypt header MUST be treated as invalid."
  return parseHeader(value, (addr) =>
    canonicalAddr(addr) === canonicalAddr(fromAddr)
      ? null
      : invalid('addr-mismatch', `addr=${addr} but From=${fromAddr}`),
  );
}

/**
 * Checks one `Autocrypt-Gossip` header value from the root part of a decrypted
 * payload. Same format and rules as the Autocrypt header (an unknown critical
 * attribute invalidates it too, P18), but its addr must be one of `recipients`.
 * Its `prefer-encrypt`, if any, means nothing and callers ignore it.
 *
 * @param recipients the message's To, Cc and Reply-To addresses
 */
export function parseGossipHeader(value: string, recipients: string[]): HeaderVerdict {
  // Spec, "Updating Autocrypt Peer State from Key Gossip", step 1: "If gossip-addr
  // does not match any address in the mail's To, Cc, or Reply-To header, the update
  // process terminates (i.e., header is ignored)."
  const allowed = new Set(recipients.map(canonicalAddr));
  return parseHeader(value, (addr) =>
    allowed.has(canonicalAddr(addr))
      ? null
      : invalid('addr-not-recipient', `addr=${addr} is not in To, Cc or Reply-To`),
  );
}

// The rules both headers share; `checkAddr` says whether the addr is acceptable.
function parseHeader(
  value: string,
  checkAddr: (addr: string) => Invalid | null,
): HeaderVerdict {
  // Measured on the value as given: an unfolded value lacks its folding CRLFs, about
  // 3% of a folded header, so a header just over the limit on the wire may pass.
  const size = new TextEncoder().encode(`${PREFIX} ${value}`).length;
  if (size > MAX_HEADER_BYTES) {
    return invalid(
      'too-long',
      `header is ${size} bytes, the limit is ${MAX_HEADER_BYTES}`,
    );
  }

  const attributes = splitAttributes(value.replace(/\r\n|\r|\n/g, ''));
  if ('reason' in attributes) return attributes;

  // Spec: "The MUA SHOULD ignore any unsupported non-critical attributes ... It MUST
  // treat the entire Autocrypt header as invalid if it encounters a critical
  // attribute that it doesn't support."
  const unknown = [...attributes.keys()].filter(
    (name) => !KNOWN_ATTRIBUTES.has(name) && !name.startsWith('_'),
  );
  if (unknown.length > 0) {
    const detail = `unknown critical attribute(s): ${unknown.join(', ')}`;
    return invalid('unknown-critical-attribute', detail);
  }

  const addr = attributes.get('addr');
  if (!addr) return invalid('missing-addr', 'the addr attribute is missing or empty');

  const wrongAddr = checkAddr(addr);
  if (wrongAddr) return wrongAddr;

  const base64 = (attributes.get('keydata') ?? '').replace(/\s+/g, '');
  if (!base64)
    return invalid('missing-keydata', 'the keydata attribute is missing or empty');

  let keydata: Uint8Array;
  try {
    keydata = base64ToBytes(base64);
  } catch (error) {
    return invalid(
      'bad-base64',
      `keydata is not valid base64: ${(error as Error).message}`,
    );
  }

  // Spec: "An Autocrypt Level 1 MUA that sees the attribute with any other value (or
  // that does not see the attribute at all) should interpret the value as
  // nopreference." Exactly 'mutual', so no internal state can be set from the wire.
  const prefer_encrypt =
    attributes.get('prefer-encrypt') === 'mutual' ? 'mutual' : 'nopreference';

  return { valid: true, header: { addr, prefer_encrypt, keydata } };
}

/**
 * Formats the header VALUE a sender emits (everything after `Autocrypt: `), folded
 * with CRLF + space so that no line, the `Autocrypt: ` prefix included, is longer
 * than 78 characters. `prefer-encrypt` appears only for `mutual` (spec: "The most
 * minimal Level 1 compliant MUA will only include these two attributes").
 *
 * @throws AutocryptHeaderError `'too-long'` above 10 KiB, `'bad-addr'` for an addr
 *   that would break the header syntax
 * @example
 * formatAutocryptHeader({ addr: 'a@b.example', prefer_encrypt: 'mutual', keydata })
 * // 'addr=a@b.example; prefer-encrypt=mutual; keydata=\r\n xjMEZ...\r\n ...'
 */
export function formatAutocryptHeader(h: AutocryptHeader): string {
  if (!h.addr || /[\s;=]/.test(h.addr)) {
    throw new AutocryptHeaderError(
      'bad-addr',
      `addr ${JSON.stringify(h.addr)} cannot be sent`,
    );
  }

  const words = [`addr=${h.addr};`];
  if (h.prefer_encrypt === 'mutual') words.push('prefer-encrypt=mutual;');
  words.push('keydata=');

  // The attributes share lines while they fit; the first line carries the name.
  const lines: string[] = [];
  let line = PREFIX;
  for (const word of words) {
    if (line === PREFIX || line.length + 1 + word.length <= FOLD_WIDTH) {
      line += ` ${word}`;
    } else {
      lines.push(line);
      line = ` ${word}`;
    }
  }
  lines.push(line);

  // Base64 has no whitespace to fold at, so we add some: receivers strip it
  // ("tolerant unfolding"), and each continuation line is a space + 76 characters.
  const base64 = bytesToBase64(h.keydata);
  for (let i = 0; i < base64.length; i += FOLD_WIDTH - 2) {
    lines.push(` ${base64.slice(i, i + FOLD_WIDTH - 2)}`);
  }

  const folded = lines.join('\r\n');
  if (folded.length > MAX_HEADER_BYTES) {
    const detail = `Autocrypt header would be ${folded.length} bytes, over 10 KiB`;
    throw new AutocryptHeaderError('too-long', detail);
  }

  return folded.slice(PREFIX.length + 1);
}

type Invalid = { valid: false; reason: string; detail: string };

function invalid(reason: string, detail: string): Invalid {
  return { valid: false, reason, detail };
}

// Splits `name=value; name=value` into a map with lower-cased names. Empty
// segments (a trailing `;`) are allowed; a segment without `=` or a repeated name
// makes the header invalid, because two parsers could read it two ways.
function splitAttributes(unfolded: string): Map<string, string> | Invalid {
  const attributes = new Map<string, string>();

  for (const segment of unfolded.split(';')) {
    const trimmed = segment.trim();
    if (!trimmed) continue;

    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      return invalid(
        'bad-syntax',
        `attribute without a name=value form: ${clip(trimmed)}`,
      );
    }

    const name = trimmed.slice(0, eq).trim().toLowerCase();
    if (attributes.has(name)) {
      return invalid('duplicate-attribute', `attribute ${name} appears more than once`);
    }
    attributes.set(name, trimmed.slice(eq + 1).trim());
  }

  return attributes;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
