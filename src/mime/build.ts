/**
 * Building messages by hand: RFC 5322 header sections, RFC 2045 bodies and the
 * RFC 3156 PGP/MIME envelope. Every line ends in CRLF and the output is 7-bit.
 */

import {
  checkAddress,
  encodeWords,
  foldHeader,
  formatMailbox,
  isPrintableAscii,
  quotedPrintable,
  randomHex,
  rfc5322Date,
  toCrlf,
} from './encode';

/** One header field: name and (unfolded or already folded) value. */
export type HeaderField = readonly [name: string, value: string];

/** A MIME entity: its header fields and its encoded body (CRLF lines). */
export interface Entity {
  /** Header fields in the order they are written. */
  headers: HeaderField[];
  /** The body, already transfer-encoded. */
  body: string;
}

/** The originator and recipient fields of a message. */
export interface EnvelopeFields {
  /** The sender's mailbox. */
  from: { addr: string; name?: string };
  /** Recipient addresses. */
  to: string[];
  /** Carbon-copy addresses. */
  cc: string[];
  /** Subject text (any Unicode; encoded as needed). */
  subject: string;
  /** Origination date. */
  date: Date;
  /** The Message-ID, with angle brackets. */
  messageId: string;
  /** Message-ID this replies to. */
  inReplyTo?: string;
  /** Message-IDs of the thread. */
  references?: string[];
}

/**
 * The RFC 5322 fields of a message: From, To, Cc, Subject, Date, Message-ID and,
 * for replies, In-Reply-To and References.
 *
 * @throws MimeError `'bad-address'` for an address that cannot be sent
 */
export function envelopeHeaders(f: EnvelopeFields): HeaderField[] {
  f.to.forEach(checkAddress);
  f.cc.forEach(checkAddress);

  const headers: HeaderField[] = [['From', formatMailbox(f.from.addr, f.from.name)]];
  if (f.to.length > 0) headers.push(['To', f.to.join(', ')]);
  if (f.cc.length > 0) headers.push(['Cc', f.cc.join(', ')]);
  headers.push(
    ['Subject', encodeWords(f.subject)],
    ['Date', rfc5322Date(f.date)],
    ['Message-ID', angleBracketed(f.messageId)],
  );
  if (f.inReplyTo) headers.push(['In-Reply-To', angleBracketed(f.inReplyTo)]);
  if (f.references?.length)
    headers.push(['References', f.references.map(angleBracketed).join(' ')]);

  return headers;
}

/**
 * A `text/plain; charset=utf-8` entity. Short-lined ASCII goes as 7bit, everything
 * else as quoted-printable, so the bytes survive any transport unchanged.
 *
 * @param extraParams appended to the Content-Type, e.g. `protected-headers="v1"`
 */
export function textPlainEntity(text: string, extraParams?: string): Entity {
  const lines = toCrlf(text).split('\r\n');
  const plain = lines.every(
    (line) => line.length <= 76 && isPrintableAscii(line) && !/\s$/.test(line),
  );
  const contentType = [
    'text/plain',
    'charset=utf-8',
    ...(extraParams ? [extraParams] : []),
  ];

  return {
    headers: [
      ['Content-Type', contentType.join('; ')],
      ['Content-Transfer-Encoding', plain ? '7bit' : 'quoted-printable'],
    ],
    body: plain ? lines.join('\r\n') : quotedPrintable(text),
  };
}

/**
 * The RFC 3156 section 4 structure around an armored OpenPGP message:
 * multipart/encrypted with an `application/pgp-encrypted` part holding
 * "Version: 1" and an `application/octet-stream` part holding the armor.
 */
export function pgpMimeEncrypted(armored: string): Entity {
  // "=_" cannot occur in quoted-printable or base64 text (RFC 2045 section 6.7),
  // and armor is base64, so the boundary never collides with the content.
  const boundary = `=_ecos_${randomHex(12)}`;
  const contentType = 'multipart/encrypted; protocol="application/pgp-encrypted"';

  const body = [
    'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)',
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    toCrlf(armored).replace(/\r\n$/, ''),
    `--${boundary}--`,
  ];

  return {
    headers: [['Content-Type', `${contentType}; boundary="${boundary}"`]],
    body: body.join('\r\n'),
  };
}

/** Writes an entity: folded header fields, an empty line, the body, a final CRLF. */
export function serializeEntity(entity: Entity): string {
  const head = entity.headers.map(([name, value]) => `${foldHeader(name, value)}\r\n`);
  const body = entity.body.endsWith('\r\n') ? entity.body : `${entity.body}\r\n`;
  return `${head.join('')}\r\n${body}`;
}

/** A fresh Message-ID in the sender's domain: `<random@domain>`. */
export function newMessageId(fromAddr: string): string {
  const domain = fromAddr.slice(fromAddr.lastIndexOf('@') + 1);
  return `<${randomHex(16)}@${domain}>`;
}

function angleBracketed(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}
