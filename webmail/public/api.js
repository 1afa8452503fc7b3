// The page's calls to its own server. Same origin, session cookie, JSON.
// Browser globals, declared here because the lint config has none for this folder.
/* global fetch */

/** A failed API call, with the HTTP status (0 when the server was not reached). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * GETs a JSON resource.
 *
 * @param {string} path
 * @returns {Promise<any>}
 * @throws {ApiError}
 */
export async function getJson(path) {
  let res;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'The server cannot be reached.');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error ?? `HTTP ${res.status}`);
  return body;
}

/**
 * POSTs a finished message to `/api/send`. Never throws: every failure comes back as
 * `{ ok: false, error }`, ready to be passed on to the extension.
 *
 * @param {string[]} recipients SMTP envelope recipients
 * @param {string} mime the complete message, submitted unchanged
 * @returns {Promise<{ ok: boolean, alreadySent?: boolean, error?: string }>}
 */
export async function postSend(recipients, mime) {
  try {
    const res = await fetch('/api/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipients, mime }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.ok && body.ok === true) return { ok: true };
    // The server refuses a Message-ID it sent before: the mail is out, once.
    if (res.status === 409 && body.alreadySent === true) {
      return { ok: true, alreadySent: true };
    }
    return { ok: false, error: String(body.error ?? `HTTP ${res.status}`) };
  } catch {
    return { ok: false, error: 'The server cannot be reached.' };
  }
}

/**
 * Stores a draft the extension handed over, in place of the one it `replaces`.
 * Never throws.
 *
 * @param {string} mime the draft, stored unchanged
 * @param {string | undefined} replaces the id of the draft's previous version
 * @returns {Promise<{ ok: boolean, id?: string, error?: string }>}
 */
export async function postDraft(mime, replaces) {
  try {
    const res = await fetch('/api/drafts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mime, replaces }),
    });
    const body = await res.json().catch(() => ({}));
    if (res.ok && body.ok === true) return { ok: true, id: String(body.id) };
    return { ok: false, error: String(body.error ?? `HTTP ${res.status}`) };
  } catch {
    return { ok: false, error: 'The server cannot be reached.' };
  }
}

/**
 * Deletes a draft (it was sent). Never throws; a draft left behind is harmless.
 *
 * @param {string} id
 */
export async function deleteDraft(id) {
  try {
    await fetch(`/api/messages/drafts/${encodeURIComponent(id)}`, { method: 'DELETE' });
  } catch {
    // Nothing to do: the user can still see it in Drafts.
  }
}

/**
 * Asks the server whether this account sent a Message-ID. Never throws.
 *
 * @param {string} messageId with its angle brackets
 * @returns {Promise<'sent' | 'sending' | 'not-sent' | 'unknown'>}
 */
export async function getSendStatus(messageId) {
  try {
    const body = await getJson(`/api/send-status/${encodeURIComponent(messageId)}`);
    const known = ['sent', 'sending', 'not-sent'];
    return known.includes(body.state) ? body.state : 'unknown';
  } catch {
    return 'unknown';
  }
}
