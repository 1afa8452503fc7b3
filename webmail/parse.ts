/**
 * Reading stored mail for display. postal-mime parses here and only here: what is
 * stored and what is sent are the bytes as they came, never a re-serialisation.
 *
 * Anything can arrive over SMTP, so every function here succeeds: a message that does
 * not parse is shown with whatever its header section still yields.
 */
import PostalMime from 'postal-mime';
import type { Address, Email } from 'postal-mime';

/** One row of a folder listing. */
export interface MessageSummary {
  id: string;
  /** Sender address, '' when unknown. */
  from: string;
  /** Sender display name, '' when none. */
  fromName: string;
  /** Recipient addresses from To. */
  to: string[];
  /** Subject with RFC 2047 encoded words decoded. */
  subject: string;
  /** ISO 8601 date when the Date header parses, else the header as sent, else null. */
  date: string | null;
  /** multipart/encrypted, or an armored PGP message anywhere in it. */
  encrypted: boolean;
  /** Size of the raw message in bytes. */
  size: number;
}

/** A message opened for reading. */
export interface MessageDetail extends MessageSummary {
  cc: string[];
  /** Message-ID with its angle brackets, '' when none. */
  messageId: string;
  inReplyTo: string;
  references: string;
  /**
   * Decoded plain-text body of a plain message. Always null for encrypted mail: the
   * page must not try to read it; the extension fetches the raw source instead.
   */
  text: string | null;
}

const ARMOR = Buffer.from('-----BEGIN PGP MESSAGE-----');

/** Summary of a stored message for the folder listing. */
export async function summarize(id: string, raw: Buffer): Promise<MessageSummary> {
  const { summary } = await read(id, raw);
  return summary;
}

/** Headers and, for plain mail, the text body of a stored message. */
export async function detail(id: string, raw: Buffer): Promise<MessageDetail> {
  const { summary, email } = await read(id, raw);
  return {
    ...summary,
    cc: addresses(email?.cc),
    messageId: email?.messageId ?? '',
    inReplyTo: email?.inReplyTo ?? '',
    references: email?.references ?? '',
    text: summary.encrypted ? null : (email?.text ?? ''),
  };
}

async function read(id: string, raw: Buffer) {
  const email = await parseLeniently(raw);
  const mailbox = firstMailbox(email?.from);
  const summary: MessageSummary = {
    id,
    from: mailbox?.address ?? '',
    fromName: mailbox?.name ?? '',
    to: addresses(email?.to),
    subject: email?.subject ?? '',
    date: email?.date ?? null,
    encrypted: isEncrypted(raw, email),
    size: raw.length,
  };
  return { summary, email };
}

/**
 * Parses the whole message, and when that fails its header section alone, so a broken
 * body still leaves sender and subject to show. Undefined when both fail.
 */
async function parseLeniently(raw: Buffer): Promise<Email | undefined> {
  try {
    return await PostalMime.parse(raw);
  } catch {
    try {
      return await PostalMime.parse(headerSection(raw));
    } catch {
      return undefined;
    }
  }
}

function headerSection(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length > 0 ? raw.subarray(0, Math.min(...ends)) : raw;
}

function isEncrypted(raw: Buffer, email: Email | undefined): boolean {
  const contentType = email?.headers.find((h) => h.key === 'content-type')?.value ?? '';
  if (/^\s*multipart\/encrypted\b/i.test(contentType)) return true;
  // Inline PGP, either in the raw bytes or inside a base64 / quoted-printable part.
  return raw.includes(ARMOR) || (email?.text ?? '').includes(ARMOR.toString());
}

function firstMailbox(list: Address | Address[] | undefined) {
  const all = flatten(list);
  return all[0];
}

function addresses(list: Address | Address[] | undefined): string[] {
  return flatten(list).map((m) => m.address);
}

function flatten(list: Address | Address[] | undefined) {
  if (!list) return [];
  const items = Array.isArray(list) ? list : [list];
  return items.flatMap((a) => (a.group ? a.group : [a]));
}
