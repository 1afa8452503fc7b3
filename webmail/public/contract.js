// The page's side of the EcosMail page contract v1 (src/webmail/ecosmail/contract.ts):
// attribute and event names, compose ids this page has issued, and the handler that
// takes finished messages from the extension and submits them unchanged.
// Browser globals, declared here because the lint config has none for this folder.
/* global document, crypto, CustomEvent */
import { deleteDraft, getSendStatus, postDraft, postSend } from './api.js';

export const CONTRACT_VERSION = 1;

/** Set on <html> by the extension's content script once it runs. */
export const EXTENSION_ATTR = 'data-ecosmail-extension';

/** Set by the extension on a reader or compose slot it has mounted into. */
export const MOUNTED_ATTR = 'data-ecosmail-mounted';

export const SUBMIT_EVENT = 'ecosmail:submit';
export const SUBMIT_RESULT_EVENT = 'ecosmail:submit-result';
export const SEND_STATUS_EVENT = 'ecosmail:send-status';
export const SEND_STATUS_RESULT_EVENT = 'ecosmail:send-status-result';
export const DRAFT_EVENT = 'ecosmail:draft';
export const DRAFT_RESULT_EVENT = 'ecosmail:draft-result';

// Only messages written in a slot this page offered are sent: a script that merely
// dispatches events cannot name a compose the user never opened.
const issuedComposeIds = new Set();

// The stored draft of each compose, by compose id: a new save replaces it, a
// successful send deletes it.
const draftOfCompose = new Map();

/**
 * A fresh compose id, remembered as issued.
 *
 * @param {string} [draftId] the stored draft this compose continues
 */
export function newComposeId(draftId) {
  const id = `compose-${crypto.randomUUID()}`;
  issuedComposeIds.add(id);
  if (draftId) draftOfCompose.set(id, draftId);
  return id;
}

/**
 * Starts listening for `ecosmail:submit` on document. Each valid request is posted to
 * `/api/send` as it is, and answered with `ecosmail:submit-result`.
 *
 * @param {(composeId: string) => void} onSent called after a successful submission
 */
export function listenForSubmissions(onSent) {
  const inFlight = new Set();
  // Message-IDs being posted now: the server has not seen them yet, but they are
  // not "not sent" either.
  const sending = new Set();

  document.addEventListener(SUBMIT_EVENT, async (event) => {
    const request = readSubmitRequest(event);
    if (!request.ok) {
      // Unreadable requests get no answer: there is nobody to address it to.
      if (request.requestId !== undefined)
        answer(request.requestId, false, request.error);
      return;
    }
    const { requestId, composeId, recipients, mime, messageId } = request.value;
    if (inFlight.has(requestId)) return; // a repeat of a request being sent now
    inFlight.add(requestId);
    if (messageId) sending.add(messageId);
    try {
      const result = await postSend(recipients, mime);
      answer(requestId, result.ok, result.error, messageId, result.alreadySent);
      if (result.ok) {
        const draftId = draftOfCompose.get(composeId);
        draftOfCompose.delete(composeId);
        if (draftId) await deleteDraft(draftId);
        onSent(composeId);
      }
    } finally {
      inFlight.delete(requestId);
      if (messageId) sending.delete(messageId);
    }
  });

  // The extension saves the compose's draft, encrypted to its author: store it in
  // place of the previous version. Only composes this page offered have drafts.
  document.addEventListener(DRAFT_EVENT, async (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    let data;
    try {
      data = typeof detail === 'string' ? JSON.parse(detail) : null;
    } catch {
      return;
    }
    const { requestId, composeId, mime } = data ?? {};
    if (typeof requestId !== 'string') return;
    let result;
    if (typeof composeId !== 'string' || !issuedComposeIds.has(composeId)) {
      result = { ok: false, error: 'composeId names no compose slot of this page' };
    } else if (typeof mime !== 'string' || mime === '') {
      result = { ok: false, error: 'mime must be a string' };
    } else {
      result = await postDraft(mime, draftOfCompose.get(composeId));
      if (result.ok && result.id) draftOfCompose.set(composeId, result.id);
    }
    const out = JSON.stringify({ v: CONTRACT_VERSION, requestId, ...result });
    document.dispatchEvent(new CustomEvent(DRAFT_RESULT_EVENT, { detail: out }));
  });

  // The extension lost the answer to a submission (its worker stopped): it asks where
  // that Message-ID stands before it offers to send again.
  document.addEventListener(SEND_STATUS_EVENT, async (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    let data;
    try {
      data = typeof detail === 'string' ? JSON.parse(detail) : null;
    } catch {
      return;
    }
    const { requestId, messageId } = data ?? {};
    if (typeof requestId !== 'string' || typeof messageId !== 'string') return;
    const state = sending.has(messageId) ? 'sending' : await getSendStatus(messageId);
    const result = { v: CONTRACT_VERSION, requestId, messageId, state };
    const out = JSON.stringify(result);
    document.dispatchEvent(new CustomEvent(SEND_STATUS_RESULT_EVENT, { detail: out }));
  });
}

/**
 * Checks an event against SubmitRequest. The detail must be a JSON string: objects do
 * not cross from a content script's isolated world.
 *
 * @param {Event} event
 * @returns {{ ok: true, value: { requestId: string, composeId: string,
 *   recipients: string[], mime: string, messageId?: string } }
 *   | { ok: false, requestId?: string, error: string }}
 */
export function readSubmitRequest(event) {
  const detail = /** @type {CustomEvent} */ (event).detail;
  if (typeof detail !== 'string') return { ok: false, error: 'detail is not a string' };
  let data;
  try {
    data = JSON.parse(detail);
  } catch {
    return { ok: false, error: 'detail is not JSON' };
  }
  if (typeof data !== 'object' || data === null)
    return { ok: false, error: 'not an object' };

  const requestId = typeof data.requestId === 'string' ? data.requestId : undefined;
  const refuse = (/** @type {string} */ error) => ({ ok: false, requestId, error });
  if (requestId === undefined || requestId === '') return refuse('requestId is missing');
  if (data.v !== CONTRACT_VERSION)
    return refuse(`unsupported contract version ${data.v}`);
  if (typeof data.composeId !== 'string' || !issuedComposeIds.has(data.composeId)) {
    return refuse('composeId names no compose slot of this page');
  }
  const { recipients, mime } = data;
  const listOk =
    Array.isArray(recipients) &&
    recipients.length > 0 &&
    recipients.every((r) => typeof r === 'string');
  if (!listOk) return refuse('recipients must be a non-empty array of strings');
  if (typeof mime !== 'string' || mime === '') return refuse('mime must be a string');
  const messageId = typeof data.messageId === 'string' ? data.messageId : undefined;

  const value = { requestId, composeId: data.composeId, recipients, mime, messageId };
  return { ok: true, value };
}

/**
 * @param {string} requestId
 * @param {boolean} ok
 * @param {string} [error]
 * @param {string} [messageId] the submission's Message-ID, echoed
 * @param {boolean} [alreadySent] sent before, by an earlier submission
 */
function answer(requestId, ok, error, messageId, alreadySent) {
  const result = {
    v: CONTRACT_VERSION,
    requestId,
    ok,
    ...(ok ? {} : { error }),
    ...(messageId ? { messageId } : {}),
    ...(alreadySent ? { alreadySent: true } : {}),
  };
  const detail = JSON.stringify(result);
  document.dispatchEvent(new CustomEvent(SUBMIT_RESULT_EVENT, { detail }));
}
