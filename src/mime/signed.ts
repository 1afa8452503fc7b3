/**
 * The signed bytes of a multipart/signed entity (RFC 1847 section 2.1, RFC 3156
 * section 5).
 *
 * postal-mime hands out decoded parts, but a detached signature covers the first
 * body part exactly as transmitted: its header fields, its transfer encoding, CRLF
 * line endings (P09). So this one job is done on the raw bytes: find the first two
 * boundary delimiters and take what lies between them.
 */

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * The first body part of a multipart/signed entity with boundary `boundary`, from
 * after the first delimiter line up to the CRLF before the next delimiter, with
 * every line ending turned into CRLF. Null when the delimiters are not found.
 */
export function signedPartBytes(entity: Uint8Array, boundary: string): Uint8Array | null {
  const delimiter = latin1(`--${boundary}`);

  const first = findDelimiter(entity, delimiter, 0);
  if (first < 0) return null;

  const start = entity.indexOf(0x0a, first);
  if (start < 0) return null;

  const next = findDelimiter(entity, delimiter, start + 1);
  if (next < 0) return null;

  // The line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
  let end = next - 1;
  if (end > start && entity[end - 1] === 0x0d) end--;

  return toCrlf(entity.subarray(start + 1, Math.max(start + 1, end)));
}

// Index of `delimiter` at the start of a line and not merely the start of a longer
// boundary, at or after `from`; -1 when absent.
function findDelimiter(bytes: Uint8Array, delimiter: Uint8Array, from: number): number {
  for (let i = from; i <= bytes.length - delimiter.length; i++) {
    if (i > 0 && bytes[i - 1] !== 0x0a) continue;
    if (!delimiter.every((b, j) => bytes[i + j] === b)) continue;

    const after = bytes[i + delimiter.length];
    // CR, LF, space, tab, '-' (closing delimiter) or the end of the data.
    if (after === undefined || [0x0d, 0x0a, 0x20, 0x09, 0x2d].includes(after)) return i;
  }
  return -1;
}

// LF or lone CR -> CRLF, CRLF unchanged.
function toCrlf(bytes: Uint8Array): Uint8Array {
  const bare = (i: number) =>
    (bytes[i] === 0x0a && bytes[i - 1] !== 0x0d) ||
    (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a);

  let extra = 0;
  for (let i = 0; i < bytes.length; i++) if (bare(i)) extra++;
  if (extra === 0) return bytes.slice();

  const out = new Uint8Array(bytes.length + extra);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (!bare(i)) out[o++] = bytes[i]!;
    else {
      out[o++] = 0x0d;
      out[o++] = 0x0a;
    }
  }
  return out;
}
