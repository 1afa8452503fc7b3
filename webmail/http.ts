/**
 * The HTTP side: sign-in and sign-out, the JSON API and the page's static files, on
 * 127.0.0.1 only. Each request is handled on its own; an error in one is answered with
 * a status and never reaches the process.
 *
 * - `POST /login` (form field `account`) → session cookie, redirect to the inbox
 * - `POST /logout` → cookie cleared, redirect to the sign-in page
 * - `/api/…` → see api.ts
 * - anything else → a file from webmail/public/
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { makeApi } from './api.ts';
import type { ApiContext } from './api.ts';
import { HttpError, readForm, redirect, sendJson } from './http-util.ts';
import { serveStatic } from './static-files.ts';

/** A running HTTP server. */
export interface HttpFront {
  url: string;
  stop(): Promise<void>;
}

/** Starts the HTTP server on 127.0.0.1 (`port` 0 picks a free one). */
export async function startHttp(port: number, ctx: ApiContext): Promise<HttpFront> {
  const api = makeApi(ctx);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (pathname.startsWith('/api/')) return api(req, res, pathname);
    if (req.method === 'POST' && pathname === '/login') return login(req, res, ctx);
    if (req.method === 'POST' && pathname === '/logout') {
      return redirect(res, '/', ctx.sessions.end(req));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpError(405, 'method not allowed');
    }
    const account = ctx.sessions.accountOf(req);
    if (!(await serveStatic(res, pathname, account)))
      throw new HttpError(404, 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => answerError(res, err, ctx));
  });
  // A client that sends garbage gets a 400 from node; nothing to do but not crash.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('http: no port bound');
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function login(req: IncomingMessage, res: ServerResponse, ctx: ApiContext) {
  const form = await readForm(req);
  const account = ctx.accounts.find(form.get('account') ?? '');
  if (!account) throw new HttpError(400, 'no such account');
  ctx.log.info(`http: ${account} signed in`);
  redirect(res, '/#/inbox', ctx.sessions.start(account));
}

function answerError(res: ServerResponse, err: unknown, ctx: ApiContext): void {
  const known = err instanceof HttpError;
  if (!known) ctx.log.error('http: request failed', err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = known ? err.status : 500;
  const error = known ? err.message : 'internal error';
  sendJson(res, status, { ok: false, error });
}
