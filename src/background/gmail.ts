/**
 * Gmail's compose paths. Gmail's own editor cannot send PGP/MIME or our
 * Autocrypt header, so our composer frame offers two ways out:
 *
 * - A (no Google authorisation): the message is encrypted and signed here,
 *   and only its armor is handed to the content script, which puts it into
 *   Gmail's compose body for the user to send with Gmail's Send.
 * - B (the user's explicit opt-in in the frame): the full PGP/MIME message,
 *   with our Autocrypt header and the reply's threading headers, is posted to
 *   the Gmail API (`users.messages.send`, `gmail.send` scope only).
 */
import { buildOutgoing } from '../mail/outgoing';
import { encryptInline } from '../mail/inline';
import { bytesToBase64 } from '../util/base64';
import { ProtocolError } from '../messaging/errors';
import { CHANNEL, type GmailDismiss, type GmailInsert } from '../messaging/protocol';
import { API_SEND_URL } from '../webmail/gmail/adapter';
import { requireAccount, type Handler, type Services } from './context';
import { keysFor, recipientsOf, sendingAs } from './composing';
import { str, strList } from './check';
import type { ComposerTicket } from './tickets';
import { ownPrivateKey } from './own-key';

/** Plain-text bodies above this size are refused (characters). */
const MAX_TEXT = 5_000_000;

/** How the Gmail API's ids look (hex); anything else is not passed on. */
const GMAIL_ID = /^[0-9a-f]{1,32}$/i;

/**
 * Registers a Gmail compose window for our composer frame: what Gmail's fields
 * held, the reply's threading headers (read by the content script from the
 * replied message's raw source) and the conversation's API thread id.
 */
export const gmailCompose: Handler<'gmail.compose'> = async (
  payload,
  caller,
  services,
) => {
  if (caller.tabId === undefined) throw new ProtocolError('bad-request', 'no tab');
  const threadId = payload.threadId === null ? null : str(payload.threadId, 'threadId');
  if (threadId !== null && !GMAIL_ID.test(threadId))
    throw new ProtocolError('bad-request', 'threadId: not a Gmail id');

  const ticket = await services.tickets.issue({
    kind: 'composer',
    tabId: caller.tabId,
    composeId: str(payload.composeId, 'composeId', 200),
    to: strList(payload.to, 'to'),
    cc: strList(payload.cc, 'cc'),
    subject: str(payload.subject, 'subject'),
    inReplyTo: payload.inReplyTo === null ? null : str(payload.inReplyTo, 'inReplyTo'),
    references: strList(payload.references, 'references', 100, 1000),
    gmail: { threadId },
    // TODO(2026-12-04): one key per profile, so Gmail mail is signed with
    // the EcosMail key's address; per-account keys would check this.
    pageAccount: null,
    created: services.now(),
  });
  return { ticket };
};

/** The Gmail composer ticket, or a `bad-request` for any other ticket. */
async function gmailTicket(
  services: Services,
  id: unknown,
  tabId: number | undefined,
): Promise<ComposerTicket & { gmail: { threadId: string | null } }> {
  const ticket = await services.tickets.redeem(str(id, 'ticket'), 'composer', tabId);
  if (!ticket.gmail) throw new ProtocolError('bad-request', 'not a Gmail compose window');
  return ticket as ComposerTicket & { gmail: { threadId: string | null } };
}

/** Canonical recipients, at least one. */
function recipients(to: unknown, cc: unknown): { to: string[]; cc: string[] } {
  const all = { to: recipientsOf(to, []), cc: recipientsOf([], cc) };
  if (all.to.length + all.cc.length === 0)
    throw new ProtocolError('no-recipients', 'add a recipient');
  return all;
}

/**
 * Path A. Sent only from the click handler of the frame's button: signing
 * needs the user's gesture. Only ciphertext leaves the background.
 */
export const gmailArmor: Handler<'gmail.armor'> = async (payload, caller, services) => {
  const t = await gmailTicket(services, payload.ticket, caller.tabId);
  const account = await requireAccount(services);
  const { to, cc } = recipients(payload.to, payload.cc);
  const certs = await keysFor(services, [...new Set([...to, ...cc])]);

  const armored = await encryptInline(
    str(payload.text, 'text', MAX_TEXT),
    certs,
    await ownPrivateKey(services, account),
    new Date(services.now()),
  );

  // Inline mail cannot carry our Autocrypt header; the public key as an
  // attachment lets the recipient answer encrypted all the same.
  const publicKey = payload.attachKey
    ? {
        fileName: `OpenPGP_0x${account.fingerprint.slice(-16).toUpperCase()}.asc`,
        armored: account.publicKeyArmored,
      }
    : null;
  const message: GmailInsert = {
    channel: CHANNEL,
    name: 'gmail.insert',
    payload: { composeId: t.composeId, armored, publicKey },
  };
  const answer = (await services.toContent(t.tabId, message)) as { ok?: boolean } | null;
  if (answer?.ok !== true)
    throw new ProtocolError('submit-failed', 'the Gmail compose window is gone');
  return { inserted: true };
};

/** Gives the compose window back to Gmail's own editor; no key is used. */
export const gmailDismiss: Handler<'gmail.dismiss'> = async (
  payload,
  caller,
  services,
) => {
  const t = await gmailTicket(services, payload.ticket, caller.tabId);
  const message: GmailDismiss = {
    channel: CHANNEL,
    name: 'gmail.dismiss',
    payload: { composeId: t.composeId },
  };
  const answer = (await services.toContent(t.tabId, message)) as { ok?: boolean } | null;
  return { dismissed: answer?.ok === true };
};

/** RFC 4648 §5 base64url without padding, as the Gmail API takes `raw`. */
function base64Url(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/**
 * Path B. Sent only from the frame's Send button after the user opted in to
 * the Gmail API there. Gmail keeps a reply in its conversation by `threadId`;
 * other clients thread it by In-Reply-To and References, which the message
 * carries as well.
 */
export const gmailSend: Handler<'gmail.send'> = async (payload, caller, services) => {
  const t = await gmailTicket(services, payload.ticket, caller.tabId);
  const account = await requireAccount(services);
  const { to, cc } = recipients(payload.to, payload.cc);
  const certs = await keysFor(services, [...new Set([...to, ...cc])]);

  const mime = await buildOutgoing(
    await sendingAs(services, account),
    {
      to,
      cc,
      subject: str(payload.subject, 'subject'),
      text: str(payload.text, 'text', MAX_TEXT),
      inReplyTo: t.inReplyTo ?? undefined,
      references: t.references,
    },
    certs,
    new Date(services.now()),
  );

  // TODO(2026-12-04): Gmail is reported to rebuild API-sent PGP/MIME as
  // multipart/mixed on delivery (P02). We do not check the delivered form
  // (that needs a read scope we do not ask for); our reader accepts the
  // rebuilt shape, other clients may show the ciphertext as an attachment.
  // Attachments of the user are not composed on either path yet.
  const token = await services.gmailToken();
  const body: { raw: string; threadId?: string } = { raw: base64Url(mime) };
  if (t.gmail.threadId) body.threadId = t.gmail.threadId;

  let response: Response;
  try {
    response = await fetch(API_SEND_URL, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (cause) {
    throw new ProtocolError('submit-failed', 'the Gmail API could not be reached', {
      cause,
    });
  }
  if (!response.ok) {
    throw new ProtocolError(
      'submit-failed',
      `the Gmail API refused: HTTP ${response.status}`,
    );
  }
  const sent = (await response.json().catch(() => null)) as {
    id?: unknown;
    threadId?: unknown;
  } | null;
  return {
    id: typeof sent?.id === 'string' ? sent.id : '',
    threadId: typeof sent?.threadId === 'string' ? sent.threadId : '',
  };
};
