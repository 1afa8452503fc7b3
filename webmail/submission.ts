/**
 * Checks on a message the page hands over for sending, before any byte goes out.
 * The message itself is never changed: what passes is submitted byte for byte.
 */
import { addressParser } from 'postal-mime';
import type { Accounts } from './accounts.ts';
import { normalizeAddress } from './accounts.ts';

/** A submission as posted to `/api/send`. */
export interface Submission {
  recipients: string[];
  mime: string;
}

/** The outcome of {@link checkSubmission}: the submission, or why it was refused. */
export type SubmissionCheck =
  { ok: true; submission: Submission } | { ok: false; status: number; error: string };

// An envelope address: no brackets, spaces or line breaks that could bend SMTP commands.
const ENVELOPE_ADDRESS = /^[^\s<>@,;"]+@[^\s<>@,;"]+$/;

/**
 * Validates a `/api/send` body for the signed-in `account`.
 *
 * The From header must name exactly the signed-in account: a provider lets nobody send
 * as someone else. The contract asks for CRLF line ends; a bare LF is refused instead
 * of being fixed, because fixing it would change the bytes that were signed.
 */
export function checkSubmission(
  body: unknown,
  account: string,
  accounts: Accounts,
): SubmissionCheck {
  const refuse = (status: number, error: string) =>
    ({ ok: false, status, error }) as const;
  if (typeof body !== 'object' || body === null)
    return refuse(400, 'expected a JSON object');
  const { recipients, mime } = body as Record<string, unknown>;

  if (!Array.isArray(recipients) || recipients.length === 0) {
    return refuse(400, 'recipients: expected a non-empty array of addresses');
  }
  if (recipients.length > 100) return refuse(400, 'recipients: at most 100 addresses');
  for (const r of recipients) {
    if (typeof r !== 'string' || !ENVELOPE_ADDRESS.test(r)) {
      return refuse(400, `recipients: not an address: ${JSON.stringify(r)}`);
    }
    if (accounts.isLocalDomain(r) && !accounts.find(r)) {
      return refuse(400, `recipients: no such user here: ${r}`);
    }
  }
  if (typeof mime !== 'string' || mime.length === 0) {
    return refuse(400, 'mime: expected the message as a non-empty string');
  }
  // A missing final CRLF counts too: SMTP would add one on the way, and the sent copy
  // would no longer match what the recipients got.
  if (/(^|[^\r])\n/.test(mime) || /\r(?!\n)/.test(mime) || !mime.endsWith('\r\n')) {
    return refuse(400, 'mime: every line, the last included, must end in CRLF');
  }

  const senders = fromAddresses(mime);
  if (senders.length !== 1 || normalizeAddress(senders[0] ?? '') !== account) {
    return refuse(403, `mime: the From header must be exactly ${account}`);
  }
  return { ok: true, submission: { recipients: recipients as string[], mime } };
}

/**
 * The addresses in the From header of a CRLF message. A message with two From headers
 * yields the addresses of both, so it cannot pass the one-sender check.
 */
export function fromAddresses(mime: string): string[] {
  const end = mime.indexOf('\r\n\r\n');
  const head = end >= 0 ? mime.slice(0, end) : mime;
  // RFC 5322 2.2.3: unfold by removing a CRLF that comes before white space.
  const lines = head.replace(/\r\n(?=[ \t])/g, '').split('\r\n');

  const found: string[] = [];
  for (const line of lines) {
    const match = /^from[ \t]*:(.*)$/i.exec(line);
    if (!match) continue;
    const parsed = addressParser(match[1] ?? '', { flatten: true });
    for (const mailbox of parsed) found.push(mailbox.address ?? '');
  }
  return found;
}
