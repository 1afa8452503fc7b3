// EcosMail reference webmail: the page. Plain ES modules, no build step, no framework.
// Routes live in the hash so tests can open any view directly:
//   #/inbox  #/sent  #/spam  #/drafts  #/message/<folder>/<id>  #/compose
//   #/draft/<id>  #/reply/<folder>/<id>
// Browser globals, declared here because the lint config has none for this folder.
/* global document, window, location, AbortController, setTimeout, clearTimeout */
import { ApiError } from './api.js';
import { listenForSubmissions } from './contract.js';
import { h } from './dom.js';
import { composeView } from './views/compose.js';
import { folderView } from './views/folder.js';
import { loginView } from './views/login.js';
import { messageView } from './views/message.js';

const FOLDER = '(inbox|sent|spam|drafts)';
const ROUTES = [
  { pattern: new RegExp(`^#/${FOLDER}$`), view: showFolder },
  { pattern: new RegExp(`^#/message/${FOLDER}/([^/]+)$`), view: showMessage },
  { pattern: /^#\/compose$/, view: showCompose },
  { pattern: /^#\/draft\/([^/]+)$/, view: showDraft },
  { pattern: new RegExp(`^#/reply/${FOLDER}/([^/]+)$`), view: showReply },
];

// The server marks <html> with the account when, and only when, someone is signed in.
const account = document.documentElement.getAttribute('data-ecosmail-account');
const main = /** @type {HTMLElement} */ (document.getElementById('view'));

/** Ends the current view's timers and observers when the next one starts. */
let leaveView = new AbortController();

start();

function start() {
  if (!account) {
    render(() => loginView());
    return;
  }
  showShell(account);
  listenForSubmissions(() => sent());
  window.addEventListener('hashchange', route);
  route();
}

/** @param {string} addr */
function showShell(addr) {
  const accountLabel = document.querySelector('[data-testid="account"]');
  if (accountLabel) accountLabel.textContent = addr;
  for (const selector of ['[data-testid="logout-form"]', '[data-testid="sidebar"]']) {
    document.querySelector(selector)?.removeAttribute('hidden');
  }
}

function route() {
  const hash = location.hash;
  for (const { pattern, view } of ROUTES) {
    const match = pattern.exec(hash);
    if (match) {
      const [folder = '', id = ''] = match.slice(1);
      render((signal) => view(folder, safeDecode(id), signal));
      markFolder(hash);
      return;
    }
  }
  location.replace('#/inbox');
}

/**
 * Decodes a route parameter; a malformed escape is passed on as typed, and the server
 * answers 404 for it.
 *
 * @param {string} value
 */
function safeDecode(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Draws a view into <main>. A view still loading when the route changes is dropped.
 *
 * @param {(signal: AbortSignal) => Promise<HTMLElement>} view
 */
async function render(view) {
  leaveView.abort();
  const controller = new AbortController();
  leaveView = controller;
  let node;
  try {
    node = await view(controller.signal);
  } catch (err) {
    node = errorView(err);
  }
  if (!controller.signal.aborted) main.replaceChildren(node);
}

/**
 * @param {string} folder
 * @param {string} _id
 * @param {AbortSignal} signal
 */
function showFolder(folder, _id, signal) {
  const titles = { inbox: 'Inbox', sent: 'Sent', spam: 'Spam', drafts: 'Drafts' };
  const name = /** @type {'inbox' | 'sent' | 'spam' | 'drafts'} */ (folder);
  document.title = `${titles[name]} – EcosMail`;
  return folderView(name, signal);
}

/**
 * @param {string} folder
 * @param {string} id
 */
function showMessage(folder, id) {
  document.title = 'Message – EcosMail';
  return messageView(/** @type {'inbox' | 'sent' | 'spam'} */ (folder), id);
}

/**
 * @param {string} _folder
 * @param {string} _id
 * @param {AbortSignal} signal
 */
function showCompose(_folder, _id, signal) {
  document.title = 'New message – EcosMail';
  return composeView({ account: account ?? '', signal, onSent: sent });
}

/**
 * A stored draft, continued in a compose view.
 *
 * @param {string} id
 * @param {string} _unused
 * @param {AbortSignal} signal
 */
function showDraft(id, _unused, signal) {
  document.title = 'Draft – EcosMail';
  return composeView({ account: account ?? '', stored: id, signal, onSent: sent });
}

/**
 * @param {string} folder
 * @param {string} id
 * @param {AbortSignal} signal
 */
function showReply(folder, id, signal) {
  document.title = 'Reply – EcosMail';
  const reply = { folder: /** @type {'inbox' | 'sent' | 'spam'} */ (folder), id };
  return composeView({ account: account ?? '', reply, signal, onSent: sent });
}

/** After a successful submission, from the fallback form or the extension. */
function sent() {
  flash('Sent');
  location.hash = '#/inbox';
}

/** @param {string} hash */
function markFolder(hash) {
  for (const link of document.querySelectorAll('.sidebar .folder')) {
    const current = hash.startsWith(`#/${link.getAttribute('data-folder')}`);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** @param {unknown} err */
function errorView(err) {
  // The session is gone (server restarted): the sign-in page is the way back.
  if (err instanceof ApiError && err.status === 401) location.assign('/');
  const message = err instanceof Error ? err.message : String(err);
  return h('p', { class: 'error', role: 'alert', 'data-testid': 'error' }, message);
}

let flashTimer = 0;

/** @param {string} text */
function flash(text) {
  const box = /** @type {HTMLElement} */ (document.querySelector('.flash'));
  box.textContent = text;
  box.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => (box.hidden = true), 4000);
}
