/**
 * Reading header fields carried inside the cryptographic envelope (RFC 9788,
 * "Header Protection for Cryptographically Protected Email", and the older
 * `protected-headers="v1"` draft it grew from).
 *
 * The decrypted (or signed) root entity repeats Subject, From, To and Cc; a client
 * that knows this shows those instead of the outer ones, which a sender may have
 * hidden ("..." for the Subject). Newer Delta Chat also puts its Autocrypt header
 * only there.
 */

import { canonicalAddr } from '../autocrypt/addr';
import { parseContentType } from '../mime/content-type';
import type { parseMailDetailed } from '../mime/parse';

/** The protected header fields of one payload. Addresses are canonical. */
export interface ProtectedHeaders {
  /** The protected Subject, or null when the payload carries none. */
  subject: string | null;
  /** The protected From address, or null. */
  from: string | null;
  /** Protected To addresses. */
  to: string[];
  /** Protected Cc addresses. */
  cc: string[];
  /** Protected Reply-To addresses (RO-05: where the sender wants replies). */
  replyTo: string[];
  /** Unfolded `Autocrypt` header values inside the payload. */
  autocrypt: string[];
  /** The protected Date (ms), when the payload carries a readable one. */
  date?: number;
}

type Detailed = Awaited<ReturnType<typeof parseMailDetailed>>;

/**
 * The protected headers of a parsed payload root, or null when it carries none.
 *
 * A payload carries protected headers when its Content-Type says so
 * (`protected-headers="v1"`, or RFC 9788's `hp="cipher"` / `hp="clear"`) or when its
 * root repeats any of Subject, From or To (older senders mark nothing).
 *
 * @param markedOnly only a marked root counts: for an outer header section, which
 *   always has a Subject of its own
 */
export function readProtectedHeaders(
  payload: Detailed,
  markedOnly = false,
): ProtectedHeaders | null {
  const { header, mail } = payload;
  const params = parseContentType(header('content-type')[0]).params;
  const marked = params.has('protected-headers') || params.has('hp');
  const repeats = ['subject', 'from', 'to'].some((name) => header(name).length > 0);
  if (!marked && (markedOnly || !repeats)) return null;

  return {
    subject: header('subject').length > 0 ? mail.subject : null,
    from: mail.from?.addr ?? null,
    to: mail.to.map(canonicalAddr),
    cc: mail.cc.map(canonicalAddr),
    replyTo: (payload.email.replyTo ?? [])
      .flatMap((address) => address.group ?? [address])
      .map((mailbox) => mailbox.address ?? '')
      .filter((addr) => addr.includes('@'))
      .map(canonicalAddr),
    autocrypt: mail.autocryptHeaders,
    ...(mail.date ? { date: mail.date.getTime() } : {}),
  };
}

/**
 * The text to show from a payload, without the legacy display element RFC 9788
 * section 4.5.3 lets a sender prepend for old clients: lines like
 * `Subject: Dinner plans` and a blank line, at the start of a text part marked
 * `hp-legacy-display="1"` (or, in the draft, a separate part marked
 * `protected-headers="v1"` that postal-mime joined into the text).
 */
export function withoutLegacyDisplay(text: string, protectedHeaders: ProtectedHeaders) {
  const subject = protectedHeaders.subject;
  if (subject === null) return text;

  // Only a block that repeats the protected Subject is removed: a body that merely
  // begins with "Subject:" in other words stays as the sender wrote it.
  const block = /^(?:(?:Subject|From|To|Cc|Date): [^\n]*\r?\n)+\r?\n/.exec(text);
  if (!block || !block[0].includes(`Subject: ${subject}`)) return text;
  return text.slice(block[0].length);
}
