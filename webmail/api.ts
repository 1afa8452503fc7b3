/**
 * The JSON API under `/api/`. Every route acts for the signed-in account only: a
 * message id is looked up in that account's folders, so another account's mail is
 * simply not found.
 *
 * - `GET  /api/session`                      → `{ account }` or 401
 * - `GET  /api/accounts`                     → `{ accounts }` (the login picker)
 * - `GET  /api/messages/<folder>`            → `{ folder, messages: MessageSummary[] }`
 * - `GET  /api/messages/<folder>/<id>`       → `MessageDetail`
 * - `GET  /api/messages/<folder>/<id>/raw`   → the exact bytes, `message/rfc822`
 * - `POST /api/send` with `{ recipients, mime }`  → `{ ok: true, id }` or `{ ok: false,
 *   error }`; a Message-ID this account sent already (or is sending) is refused with
 *   409 `{ ok: false, alreadySent: true, error: 'already sent' }`
 * - `GET  /api/send-status/<Message-ID>`      → `{ messageId, state }`, state one of
 *   `sent`, `sending`, `not-sent` (for a sender that lost the answer to a send)
 * - `POST /api/drafts` with `{ mime, replaces? }` → `{ ok: true, id }`: stores a draft
 *   (the extension's are encrypted to their author), removing the one it replaces
 * - `DELETE /api/messages/drafts/<id>`        → `{ ok }`: a sent or dropped draft
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Accounts } from './accounts.ts';
import { BASE_HEADERS, HttpError, readJson, sendJson } from './http-util.ts';
import type { Logger } from './log.ts';
import { FOLDERS } from './mailstore.ts';
import type { Folder, MailStore } from './mailstore.ts';
import { detail, summarize } from './parse.ts';
import type { MessageSummary } from './parse.ts';
import type { Sessions } from './sessions.ts';
import { MAX_MESSAGE_BYTES } from './smtp.ts';
import type { SmtpSubmitter } from './smtp.ts';
import { checkSubmission, fromAddresses } from './submission.ts';
import { normalizeAddress } from './accounts.ts';
import { messageIdOf, SentLedger } from './sent-ledger.ts';

/** What the API handlers work with. */
export interface ApiContext {
  accounts: Accounts;
  store: MailStore;
  sessions: Sessions;
  submitter: SmtpSubmitter;
  log: Logger;
}

/** An API handler: returns normally after answering, or throws {@link HttpError}. */
type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  account: string,
) => Promise<void>;

// JSON escapes CR and LF as two characters each, so the body may be twice the message.
const MAX_SEND_BODY = 2 * MAX_MESSAGE_BYTES + 1024 * 1024;

/** Makes the handler for every `/api/` request. */
export function makeApi(ctx: ApiContext) {
  const summaries = new SummaryCache();
  const ledger = new SentLedger(ctx.store);

  const routes: { method: string; pattern: RegExp; handler: (m: string[]) => Handler }[] =
    [
      {
        method: 'GET',
        pattern: /^\/api\/messages\/([a-z]+)$/,
        handler: ([folder]) => listFolder(ctx, summaries, toFolder(folder)),
      },
      {
        method: 'GET',
        pattern: /^\/api\/messages\/([a-z]+)\/([^/]+)$/,
        handler: ([folder, id]) => showMessage(ctx, toFolder(folder), id ?? ''),
      },
      {
        method: 'GET',
        pattern: /^\/api\/messages\/([a-z]+)\/([^/]+)\/raw$/,
        handler: ([folder, id]) => rawMessage(ctx, toFolder(folder), id ?? ''),
      },
      { method: 'POST', pattern: /^\/api\/send$/, handler: () => send(ctx, ledger) },
      { method: 'POST', pattern: /^\/api\/drafts$/, handler: () => saveDraft(ctx) },
      {
        method: 'DELETE',
        pattern: /^\/api\/messages\/drafts\/([^/]+)$/,
        handler: ([id]) => deleteDraft(ctx, id ?? ''),
      },
      {
        method: 'GET',
        pattern: /^\/api\/send-status\/([^/]+)$/,
        handler: ([id]) => sendStatus(ledger, id ?? ''),
      },
    ];

  return async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const account = ctx.sessions.accountOf(req);
    if (req.method === 'GET' && pathname === '/api/accounts') {
      return sendJson(res, 200, { accounts: ctx.accounts.list });
    }
    if (req.method === 'GET' && pathname === '/api/session') {
      if (!account) throw new HttpError(401, 'not signed in');
      return sendJson(res, 200, { account });
    }
    let known = false;
    for (const route of routes) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      known = true;
      // One path may have a route per method (a draft is read and deleted).
      if (req.method !== route.method) continue;
      if (!account) throw new HttpError(401, 'not signed in');
      return route.handler(match.slice(1))(req, res, account);
    }
    if (known) throw new HttpError(405, 'method not allowed');
    throw new HttpError(404, 'no such API route');
  };
}

function listFolder(ctx: ApiContext, cache: SummaryCache, folder: Folder): Handler {
  return async (_req, res, account) => {
    const messages: MessageSummary[] = [];
    for (const id of await ctx.store.ids(account, folder)) {
      const key = `${account}/${folder}/${id}`;
      let summary = cache.get(key);
      if (!summary) {
        const raw = await ctx.store.read(account, folder, id);
        if (!raw) continue;
        summary = await summarize(id, raw);
        cache.set(key, summary);
      }
      messages.push(summary);
    }
    // Newest first, as a mail client lists them.
    sendJson(res, 200, { folder, messages: messages.reverse() });
  };
}

function showMessage(ctx: ApiContext, folder: Folder, id: string): Handler {
  return async (_req, res, account) => {
    const raw = await ctx.store.read(account, folder, id);
    if (!raw) throw new HttpError(404, 'no such message');
    sendJson(res, 200, { folder, ...(await detail(id, raw)) });
  };
}

function rawMessage(ctx: ApiContext, folder: Folder, id: string): Handler {
  return async (_req, res, account) => {
    const raw = await ctx.store.read(account, folder, id);
    if (!raw) throw new HttpError(404, 'no such message');
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': 'message/rfc822',
      'Content-Length': raw.length,
      // Opened directly in a tab, the source must never run as a document.
      'Content-Security-Policy': 'sandbox',
    });
    res.end(raw);
  };
}

function send(ctx: ApiContext, ledger: SentLedger): Handler {
  return async (req, res, account) => {
    checkOrigin(req);
    const body = await readJson(req, MAX_SEND_BODY);
    const check = checkSubmission(body, account, ctx.accounts);
    if (!check.ok) return sendJson(res, check.status, { ok: false, error: check.error });

    const { recipients, mime } = check.submission;
    const bytes = Buffer.from(mime, 'utf8');
    if (bytes.length > MAX_MESSAGE_BYTES) {
      return sendJson(res, 413, { ok: false, error: 'message too large' });
    }

    // Sends are idempotent per Message-ID: a retry of a mail that went out (its
    // sender lost the answer) must not reach the recipients twice.
    const messageId = messageIdOf(mime);
    if (messageId && !(await ledger.claim(account, messageId))) {
      ctx.log.info(`send: ${account} already sent ${messageId}`);
      return sendJson(res, 409, { ok: false, alreadySent: true, error: 'already sent' });
    }
    let sent = false;
    try {
      await ctx.submitter.submit(bytes, { from: account, to: recipients });
      sent = true;
    } catch (err) {
      ctx.log.warn('send: submission refused', err);
      const reason = err instanceof Error ? err.message : 'unknown error';
      return sendJson(res, 502, { ok: false, error: `not sent: ${reason}` });
    } finally {
      if (messageId) await ledger.finish(account, messageId, sent);
    }
    // Only what actually went out is kept as sent, and exactly as it went out.
    const id = await ctx.store.add(account, 'sent', bytes);
    ctx.log.info(`send: ${account} sent ${bytes.length} bytes to ${recipients.length}`);
    sendJson(res, 200, { ok: true, id });
  };
}

function saveDraft(ctx: ApiContext): Handler {
  return async (req, res, account) => {
    checkOrigin(req);
    const body = (await readJson(req, MAX_SEND_BODY)) as Record<string, unknown> | null;
    const mime = body?.mime;
    const replaces = body?.replaces;
    if (typeof mime !== 'string' || !mime.endsWith('\r\n') || /(^|[^\r])\n/.test(mime)) {
      return sendJson(res, 400, { ok: false, error: 'mime: a CRLF message is expected' });
    }
    const senders = fromAddresses(mime);
    if (senders.length !== 1 || normalizeAddress(senders[0] ?? '') !== account) {
      return sendJson(res, 403, { ok: false, error: `mime: From must be ${account}` });
    }
    const bytes = Buffer.from(mime, 'utf8');
    if (bytes.length > MAX_MESSAGE_BYTES) {
      return sendJson(res, 413, { ok: false, error: 'draft too large' });
    }
    // The new version is stored before the old one goes: a crash keeps one of them.
    const id = await ctx.store.add(account, 'drafts', bytes);
    if (typeof replaces === 'string') await ctx.store.remove(account, 'drafts', replaces);
    sendJson(res, 200, { ok: true, id });
  };
}

function deleteDraft(ctx: ApiContext, id: string): Handler {
  return async (req, res, account) => {
    checkOrigin(req);
    sendJson(res, 200, { ok: await ctx.store.remove(account, 'drafts', id) });
  };
}

function sendStatus(ledger: SentLedger, encoded: string): Handler {
  return async (_req, res, account) => {
    let messageId = '';
    try {
      messageId = decodeURIComponent(encoded);
    } catch {
      // Left empty: refused below.
    }
    if (!/^<[^<>\s]+>$/.test(messageId)) throw new HttpError(400, 'not a Message-ID');
    sendJson(res, 200, { messageId, state: await ledger.state(account, messageId) });
  };
}

/** Refuses a browser request that another origin started (belt to SameSite's braces). */
function checkOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
    throw new HttpError(403, 'cross-origin request refused');
  }
}

function toFolder(name: string | undefined): Folder {
  const folder = FOLDERS.find((f) => f === name);
  if (!folder) throw new HttpError(404, 'no such folder');
  return folder;
}

/** Summaries by message; stored files never change, so entries never go stale. */
class SummaryCache {
  // A crude bound: a demo provider with more mail than this can afford a re-parse.
  static readonly MAX_ENTRIES = 10_000;
  readonly #entries = new Map<string, MessageSummary>();

  get(key: string): MessageSummary | undefined {
    return this.#entries.get(key);
  }

  set(key: string, summary: MessageSummary): void {
    if (this.#entries.size >= SummaryCache.MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, summary);
  }
}
