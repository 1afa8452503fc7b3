/**
 * Small checks on request payloads. Everything from outside the background
 * is untrusted data, even from our own content script (it shares the DOM
 * with the page), so each field is checked before use.
 */
import { ProtocolError } from '../messaging/errors';

/** A string of at most `max` characters. */
export function str(value: unknown, field: string, max = 1000): string {
  if (typeof value !== 'string' || value.length > max) {
    throw new ProtocolError(
      'bad-request',
      `${field}: expected a string of ≤ ${max} chars`,
    );
  }
  return value;
}

/** A list of strings, each at most `max` characters, at most `count` items. */
export function strList(value: unknown, field: string, count = 100, max = 320): string[] {
  if (!Array.isArray(value) || value.length > count) {
    throw new ProtocolError(
      'bad-request',
      `${field}: expected a list of ≤ ${count} items`,
    );
  }
  return value.map((v, i) => str(v, `${field}[${i}]`, max));
}

// Deliberately simple: the address must have one @ with text on both sides
// and no spaces or angle brackets. Full RFC 5322 syntax is not needed to
// decide whom to encrypt to, and a looser rule would let header text in.
const ADDR = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

/** A plausible bare address (addr-spec), already trimmed. */
export function isAddr(value: string): boolean {
  return ADDR.test(value);
}
