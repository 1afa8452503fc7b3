/**
 * Cookie sessions for the demo provider.
 *
 * There are no passwords: signing in means picking an account. That is enough for a
 * reference provider that serves loopback only and exists so the extension has a real
 * page to run against; it is not a model for a production login.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'ecosmail_session';

/** In-memory sessions: token → account. They end when the process does. */
export interface Sessions {
  /** Starts a session and returns the Set-Cookie header value for it. */
  start(account: string): string;
  /** The account of the request's session, if it has a valid one. */
  accountOf(req: IncomingMessage): string | undefined;
  /** Ends the request's session and returns a Set-Cookie value that clears it. */
  end(req: IncomingMessage): string;
}

/** A new, empty session table. */
export function makeSessions(): Sessions {
  const byToken = new Map<string, string>();
  const tokenOf = (req: IncomingMessage) => readCookie(req, SESSION_COOKIE);

  return {
    start(account) {
      const token = randomBytes(32).toString('base64url');
      byToken.set(token, account);
      // SameSite=Strict keeps other sites from riding on the session (no CSRF token).
      return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    },
    accountOf(req) {
      const token = tokenOf(req);
      return token === undefined ? undefined : byToken.get(token);
    },
    end(req) {
      const token = tokenOf(req);
      if (token !== undefined) byToken.delete(token);
      return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
    },
  };
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie ?? '';
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
