/**
 * The OAuth access token for Gmail send path B. Only the background holds
 * it, in session storage (gone when the browser closes). It is asked for
 * with the `gmail.send` scope only: that scope lets us send as the user and
 * read nothing.
 */
import browser from 'webextension-polyfill';
import type { StorageArea } from '../keyring/area';
import { ProtocolError } from '../messaging/errors';

/** Session-storage key of the token; tests place a token here. */
export const GMAIL_TOKEN_KEY = 'gmail.oauth-token';

/** What is stored under {@link GMAIL_TOKEN_KEY}. */
export interface StoredToken {
  accessToken: string;
  /** Expiry in ms since the epoch. */
  expiresAt: number;
}

const SCOPE = 'https://www.googleapis.com/auth/gmail.send';
const AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';

/** Tokens this close to expiry are not used (ms). */
const MARGIN_MS = 60_000;

/**
 * A valid token from storage, else one from Google's consent page through
 * `identity.launchWebAuthFlow` (works in Chrome and Firefox).
 *
 * TODO(2026-12-04): the build has no OAuth client id (`WXT_GMAIL_CLIENT_ID`)
 * until the product is registered with Google, so the consent step answers
 * `not-authorised`; it also uses the token response type, where the code
 * flow with PKCE is preferable.
 */
export async function gmailToken(session: StorageArea, now: number): Promise<string> {
  const got = (await session.get(GMAIL_TOKEN_KEY))[GMAIL_TOKEN_KEY] as
    StoredToken | undefined;
  if (got && typeof got.accessToken === 'string' && got.expiresAt - MARGIN_MS > now)
    return got.accessToken;

  const clientId = import.meta.env.WXT_GMAIL_CLIENT_ID as string | undefined;
  if (!clientId) {
    throw new ProtocolError(
      'not-authorised',
      'sending through the Gmail API is not set up in this version',
    );
  }

  const state = crypto.randomUUID();
  const url = new URL(AUTH_URL);
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'token',
    redirect_uri: browser.identity.getRedirectURL(),
    scope: SCOPE,
    state,
  }).toString();

  const redirect = await browser.identity.launchWebAuthFlow({
    url: url.href,
    interactive: true,
  });
  const answer = new URLSearchParams(new URL(redirect).hash.slice(1));
  const accessToken = answer.get('access_token');
  const expiresIn = Number(answer.get('expires_in') ?? '0');
  if (answer.get('state') !== state || !accessToken) {
    throw new ProtocolError('not-authorised', 'Google did not authorise sending');
  }

  const token: StoredToken = { accessToken, expiresAt: now + expiresIn * 1000 };
  await session.set({ [GMAIL_TOKEN_KEY]: token });
  return accessToken;
}
