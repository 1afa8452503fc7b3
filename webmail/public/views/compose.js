// Compose, new or reply. The page offers the contract's compose slot, prefilled with
// what it knows, and the extension mounts its editor there. Without the extension the
// page falls back to a plain form that sends an unencrypted text/plain message.
// Browser globals, declared here because the lint config has none for this folder.
/* global document, MutationObserver, performance, setTimeout, clearTimeout */
import { getJson, postSend } from '../api.js';
import { EXTENSION_ATTR, MOUNTED_ATTR, newComposeId } from '../contract.js';
import { h } from '../dom.js';
import { buildTextMessage } from '../mime.js';

// How long the extension gets to mount its editor before the fallback form shows.
const MOUNT_WAIT_MS = 1000;

/**
 * What a compose starts from.
 *
 * @typedef {{ to: string, subject: string, inReplyTo: string, references: string }}
 *   Draft
 */

/**
 * @param {{ account: string, reply?: { folder: 'inbox' | 'sent' | 'spam', id: string },
 *   stored?: string, signal: AbortSignal, onSent: () => void }} options
 *   `stored`: the id of a draft in Drafts to continue
 * @returns {Promise<HTMLElement>}
 */
export async function composeView({ account, reply, stored, signal, onSent }) {
  const draft = reply ? await replyDraft(reply.folder, reply.id) : emptyDraft();
  const slot = h('div', {
    class: 'compose-slot',
    'data-ecosmail-compose-slot': true,
    'data-compose-id': newComposeId(stored),
    // The extension fetches the stored draft (ciphertext) and offers to restore it.
    ...(stored
      ? { 'data-draft-url': `/api/messages/drafts/${encodeURIComponent(stored)}/raw` }
      : {}),
    'data-to': draft.to,
    'data-cc': '',
    'data-subject': draft.subject,
    'data-in-reply-to': draft.inReplyTo,
    'data-references': draft.references,
    'data-testid': 'compose-slot',
  });
  const waiting = h('p', { class: 'hint', 'data-testid': 'compose-waiting' }, 'Loading…');
  const fallback = fallbackForm(account, draft, onSent);
  fallback.hidden = true;

  watchForMount(slot, signal, (mounted) => {
    waiting.hidden = true;
    fallback.hidden = mounted;
  });
  const title = reply ? 'Reply' : stored ? 'Draft' : 'New message';
  return h('section', { class: 'compose' }, h('h1', {}, title), slot, waiting, fallback);
}

/**
 * Calls `show(true)` when the extension mounts into the slot, and `show(false)` when it
 * has not after the wait. A late mount still wins: the observer stays until the view
 * is left.
 *
 * @param {HTMLElement} slot
 * @param {AbortSignal} signal
 * @param {(mounted: boolean) => void} show
 */
function watchForMount(slot, signal, show) {
  const observer = new MutationObserver(() => {
    show(slot.hasAttribute(MOUNTED_ATTR));
  });
  observer.observe(slot, { attributes: true, attributeFilter: [MOUNTED_ATTR] });

  // With no extension on the page by now, waiting longer would not bring one.
  const extensionHere = document.documentElement.hasAttribute(EXTENSION_ATTR);
  const wait = extensionHere
    ? MOUNT_WAIT_MS
    : Math.max(0, MOUNT_WAIT_MS - performance.now());
  const timer = setTimeout(() => show(slot.hasAttribute(MOUNTED_ATTR)), wait);

  signal.addEventListener('abort', () => {
    observer.disconnect();
    clearTimeout(timer);
  });
}

/** @returns {Draft} */
function emptyDraft() {
  return { to: '', subject: '', inReplyTo: '', references: '' };
}

/**
 * A reply goes to the original sender (to the original recipients for sent mail),
 * with "Re:" once and the threading headers of RFC 5322 3.6.4.
 *
 * @param {'inbox' | 'sent' | 'spam'} folder
 * @param {string} id
 * @returns {Promise<Draft>}
 */
async function replyDraft(folder, id) {
  const m = await getJson(`/api/messages/${folder}/${encodeURIComponent(id)}`);
  const subject = /^re:/i.test(m.subject) ? m.subject : `Re: ${m.subject}`;
  return {
    to: folder === 'sent' ? m.to.join(', ') : m.from,
    subject,
    inReplyTo: m.messageId,
    references: [m.references, m.messageId].filter(Boolean).join(' '),
  };
}

/**
 * @param {string} account
 * @param {Draft} draft
 * @param {() => void} onSent
 */
function fallbackForm(account, draft, onSent) {
  const to = h('input', { name: 'to', value: draft.to, 'data-testid': 'compose-to' });
  const subject = h('input', {
    name: 'subject',
    value: draft.subject,
    'data-testid': 'compose-subject',
  });
  const body = h('textarea', { name: 'body', rows: 12, 'data-testid': 'compose-body' });
  const status = h('span', {
    class: 'status',
    role: 'status',
    'data-testid': 'compose-status',
  });
  const send = h(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'compose-send' },
    'Send',
  );

  const submit = async (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    const recipients = parseRecipients(/** @type {HTMLInputElement} */ (to).value);
    if (typeof recipients === 'string') {
      status.textContent = recipients;
      return;
    }
    const mime = buildTextMessage({
      from: account,
      to: recipients,
      subject: /** @type {HTMLInputElement} */ (subject).value,
      body: /** @type {HTMLTextAreaElement} */ (body).value,
      inReplyTo: draft.inReplyTo,
      references: draft.references,
    });
    send.setAttribute('disabled', '');
    status.textContent = 'Sending…';
    const result = await postSend(recipients, mime);
    send.removeAttribute('disabled');
    if (result.ok) onSent();
    else status.textContent = `Not sent: ${result.error}`;
  };

  return h(
    'form',
    { class: 'fallback', 'data-testid': 'fallback-compose', onsubmit: submit },
    h('label', {}, 'To', to),
    h('label', {}, 'Subject', subject),
    h('label', {}, 'Message', body),
    h(
      'p',
      { class: 'hint' },
      'EcosMail Autocrypt is not active here: this is sent unencrypted.',
    ),
    h('div', { class: 'actions' }, send, status),
  );
}

/**
 * Addresses from a To field: comma or semicolon separated, "Name <addr>" allowed.
 *
 * @param {string} value
 * @returns {string[] | string} the addresses, or what is wrong with them
 */
export function parseRecipients(value) {
  const parts = value
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return 'Add at least one recipient.';
  const addresses = [];
  for (const part of parts) {
    const addr = (/<([^<>]*)>\s*$/.exec(part)?.[1] ?? part).trim();
    if (!/^[^\s<>@,;"]+@[^\s<>@,;"]+\.[^\s<>@,;"]+$/.test(addr)) {
      return `Not an address: ${part}`;
    }
    addresses.push(addr);
  }
  return addresses;
}
