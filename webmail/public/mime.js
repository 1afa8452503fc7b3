// Builds the plain text/plain message of the fallback compose form, the one case where
// the page writes a message itself (the extension is not there to do it). CRLF line
// ends throughout, as the server requires.
// Browser globals, declared here because the lint config has none for this folder.
/* global crypto, TextEncoder, btoa */

/**
 * @param {{ from: string, to: string[], subject: string, body: string,
 *   inReplyTo?: string, references?: string, date?: Date }} fields
 * @returns {string} the complete RFC 5322 message
 */
export function buildTextMessage(fields) {
  const date = fields.date ?? new Date();
  const domain = fields.from.slice(fields.from.lastIndexOf('@') + 1);
  const headers = [
    ['From', fields.from],
    ['To', fields.to.join(', ')],
    ['Subject', encodeSubject(fields.subject)],
    ['Date', formatRfc5322Date(date)],
    ['Message-ID', `<${crypto.randomUUID()}@${domain}>`],
    ['In-Reply-To', oneLine(fields.inReplyTo ?? '')],
    ['References', oneLine(fields.references ?? '')],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Transfer-Encoding', 'quoted-printable'],
  ];
  const head = headers
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `${head}\r\n${encodeQuotedPrintable(fields.body)}\r\n`;
}

/**
 * RFC 2045 6.7 quoted-printable for UTF-8 text: line breaks become CRLF, lines longer
 * than 76 characters get soft breaks, and white space at a line end is encoded.
 *
 * @param {string} text
 */
export function encodeQuotedPrintable(text) {
  return text
    .split(/\r\n|\r|\n/)
    .map(encodeQpLine)
    .join('\r\n');
}

/** @param {string} line */
function encodeQpLine(line) {
  const bytes = new TextEncoder().encode(line);
  let out = '';
  let current = '';
  bytes.forEach((byte, i) => {
    const isSpace = byte === 0x20 || byte === 0x09;
    const literal = (byte >= 33 && byte <= 126 && byte !== 0x3d) || isSpace;
    const atEnd = i === bytes.length - 1;
    const token =
      literal && !(isSpace && atEnd) ? String.fromCharCode(byte) : `=${hex(byte)}`;
    // 75 plus the "=" of the soft break is the 76-character limit.
    if (current.length + token.length > 75) {
      out += `${current}=\r\n`;
      current = '';
    }
    current += token;
  });
  return out + current;
}

/**
 * Subject as is when it is short printable ASCII, else RFC 2047 encoded words of at
 * most 39 UTF-8 bytes each (64 characters encoded), folded onto their own lines, so
 * even the first line, after "Subject: ", stays within the 76 of RFC 2047 section 2.
 *
 * @param {string} subject
 */
export function encodeSubject(subject) {
  const clean = oneLine(subject);
  if (/^[\x20-\x7e]*$/.test(clean) && clean.length <= 900) return clean;
  const encoder = new TextEncoder();
  const words = [];
  let chunk = '';
  for (const char of clean) {
    if (encoder.encode(chunk + char).length > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${base64(encoder.encode(word))}?=`).join('\r\n ');
}

/**
 * `Thu, 01 Jan 2026 10:00:00 +0000` (RFC 5322 3.3), always in UTC.
 *
 * @param {Date} date
 */
export function formatRfc5322Date(date) {
  // toUTCString() has this shape with the obsolete zone name "GMT" at the end.
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/** @param {string} value a header value with any line breaks folded away */
function oneLine(value) {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** @param {number} byte */
function hex(byte) {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** @param {Uint8Array} bytes */
function base64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}
