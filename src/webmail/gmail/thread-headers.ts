/**
 * The two header fields a reply needs from the message it answers, read
 * straight from its raw bytes. The content script has these bytes anyway
 * (it fetched them for the background) and does not carry a MIME parser.
 */

/** Threading fields of a message; Message-IDs keep their angle brackets. */
export interface ThreadHeaders {
  messageId: string | null;
  references: string[];
}

/** Header sections above this size are not searched (bytes). */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * Reads Message-ID and References from the header section of `raw`.
 * RFC 5322 §2.2.3: a folded field continues on lines starting with white
 * space; unfolding removes the CRLF before it.
 */
export function readThreadHeaders(raw: Uint8Array): ThreadHeaders {
  const head = new TextDecoder('latin1').decode(raw.subarray(0, MAX_HEADER_BYTES));
  const end = head.search(/\r?\n\r?\n/);
  const section = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]/g, ' ');

  const field = (name: string) =>
    section
      .split(/\r?\n/)
      .find((line) => line.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1) ?? '';

  const ids = (value: string) => value.match(/<[^<>\s]+>/g) ?? [];
  return {
    messageId: ids(field('message-id'))[0] ?? null,
    references: ids(field('references')),
  };
}
