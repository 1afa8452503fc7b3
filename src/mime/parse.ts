/**
 * Parsing received messages with postal-mime, plus what Autocrypt and PGP/MIME need
 * on top of it: the originator count, the raw Autocrypt headers and the encrypted
 * payload in its RFC 3156 shape and the mangled shapes seen in the field.
 */

import PostalMime, { addressParser, type Attachment, type Email } from 'postal-mime';
import { canonicalAddr } from '../autocrypt/addr';
import { parseContentType } from './content-type';
import { MimeError } from './errors';

/**
 * Upper bound on a raw message we parse: 96 MiB. Above the 64 MiB plaintext bound
 * of the gateway plus the growth of base64 transfer encoding, and above what any
 * webmail provider delivers.
 */
export const MAX_RAW_MESSAGE_BYTES = 96 * 1024 * 1024;

/** What the product needs from a received message. Addresses are canonical. */
export interface ParsedMail {
  /** The first From mailbox (canonical addr, decoded name), null when there is none. */
  from: { addr: string; name: string } | null;
  /** Number of mailboxes in the From field(s); Autocrypt ignores messages with more than one. */
  fromCount: number;
  /** To addresses. */
  to: string[];
  /** Cc addresses. */
  cc: string[];
  /** Decoded Subject, '' when absent. */
  subject: string;
  /** The first Date header, null when absent or unreadable. */
  date: Date | null;
  /** Message-ID with its angle brackets, null when absent. */
  messageId: string | null;
  /** Message-IDs from References, with angle brackets, in order. */
  references: string[];
  /** Lower-case `type/subtype` of the root entity. */
  contentType: string;
  /** The root is multipart/report (bounces, read receipts). */
  isReport: boolean;
  /** Unfolded values of every Autocrypt header of the outer header section. */
  autocryptHeaders: string[];
  /** The PGP/MIME payload, if the message is (or was meant to be) PGP/MIME. */
  encrypted: { armored: string } | null;
  /** Decoded text body when not encrypted. */
  text: string | null;
  /** Decoded HTML body as sent (unsanitised) when not encrypted. */
  html: string | null;
}

/**
 * Parses a raw RFC 5322 message.
 *
 * PGP/MIME is recognised by structure and content, never by file name (P03): a
 * multipart/encrypted root with protocol application/pgp-encrypted, or an
 * application/pgp-encrypted part anywhere (Exchange and Proton's "mixed-up" shape,
 * P01, and Gmail's rebuilt shape with the armor in a text part, P02).
 *
 * @throws MimeError `'too-large'`, `'unparseable'`
 */
export async function parseMail(raw: Uint8Array): Promise<ParsedMail> {
  return (await parseMailDetailed(raw)).mail;
}

/**
 * {@link parseMail} plus what postal-mime saw: every root header and the parts it
 * classified as attachments. For callers that need more than {@link ParsedMail}
 * (Auto-Submitted, the signature part of a multipart/signed).
 *
 * @throws MimeError `'too-large'`, `'unparseable'`
 */
export async function parseMailDetailed(
  raw: Uint8Array,
): Promise<{ mail: ParsedMail; email: Email; header: (key: string) => string[] }> {
  if (raw.length > MAX_RAW_MESSAGE_BYTES) {
    throw new MimeError('too-large', `message is ${raw.length} bytes, over 96 MiB`);
  }

  let email: Email;
  try {
    email = await PostalMime.parse(raw);
  } catch (error) {
    throw new MimeError('unparseable', 'the message could not be parsed', {
      cause: error,
    });
  }

  // All values of one header field (lower-case name), unfolded, in order.
  const header = (key: string) =>
    email.headers.filter((field) => field.key === key).map((field) => field.value);

  const fromMailboxes = header('from').flatMap(mailboxes);
  const root = parseContentType(header('content-type')[0]);
  const encrypted = findPgpMimePayload(root.type, root.params.get('protocol'), email);

  const mail: ParsedMail = {
    from: fromMailboxes[0] ?? null,
    fromCount: fromMailboxes.length,
    to: header('to')
      .flatMap(mailboxes)
      .map((m) => m.addr),
    cc: header('cc')
      .flatMap(mailboxes)
      .map((m) => m.addr),
    subject: email.subject ?? '',
    date: readDate(email.date),
    messageId: email.messageId?.trim() || null,
    references: email.references?.match(/<[^<>]+>/g) ?? [],
    contentType: root.type,
    isReport: root.type === 'multipart/report',
    autocryptHeaders: header('autocrypt'),
    encrypted,
    text: encrypted ? null : (email.text ?? null),
    html: encrypted ? null : (email.html ?? null),
  };

  return { mail, email, header };
}

/**
 * The first OpenPGP armored message block (BEGIN to END line) in `text`, or null.
 */
export function extractArmoredMessage(text: string): string | null {
  const match = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(text);
  return match ? match[0] : null;
}

// Mailboxes with an address; a bare word like "nobody" is not a mailbox.
function mailboxes(value: string): { addr: string; name: string }[] {
  return addressParser(value, { flatten: true })
    .filter((mailbox) => mailbox.address?.includes('@'))
    .map((mailbox) => ({ addr: canonicalAddr(mailbox.address!), name: mailbox.name }));
}

function readDate(value: string | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function findPgpMimePayload(
  rootType: string,
  protocol: string | undefined,
  email: Email,
): { armored: string } | null {
  const isPgpMime =
    rootType === 'multipart/encrypted' &&
    protocol?.toLowerCase() === 'application/pgp-encrypted';
  const marker = email.attachments.findIndex(
    (a) => a.mimeType === 'application/pgp-encrypted',
  );
  if (!isPgpMime && marker < 0) return null;

  // RFC 3156 section 4: the control part is followed by the part with the data. When
  // a provider turned that part into inline text (P02), postal-mime put it in `text`.
  const dataPart = marker >= 0 ? email.attachments[marker + 1] : undefined;
  const candidates = [dataPart && contentText(dataPart), email.text].filter(
    (candidate): candidate is string => candidate !== undefined,
  );

  for (const candidate of candidates) {
    const armored = extractArmoredMessage(candidate);
    if (armored) return { armored };
  }

  // A PGP/MIME message without armor (a placeholder, a mangled payload) is still an
  // encrypted message: hand the data part on so decryption can say what is wrong
  // instead of showing its technical parts as an ordinary mail.
  return isPgpMime || dataPart ? { armored: candidates[0] ?? '' } : null;
}

/** The content of a postal-mime attachment as text (UTF-8). */
export function contentText(attachment: Attachment): string {
  const { content } = attachment;
  if (typeof content === 'string') return content;
  return new TextDecoder().decode(content);
}
