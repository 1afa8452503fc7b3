/**
 * The content-script side of the Gmail integration: reports each opened
 * message's raw source to the background, mounts our reader frame over
 * Gmail's body area, adds our Encrypt control to compose windows, and shows a
 * calm "degraded" notice when Gmail's layout is not recognised. It finds
 * everything through the adapter and builds its own nodes with DOM calls
 * only: Gmail enforces Trusted Types, so string HTML sinks would throw.
 */
import browser from 'webextension-polyfill';
import { request } from '../../messaging/client';
import type { GmailDismiss, GmailInsert } from '../../messaging/protocol';
import { bytesToBase64 } from '../../util/base64';
import { t } from '../../ui/i18n';
import {
  accountPath,
  bodyMount,
  composeBody,
  composeFields,
  composeWindows,
  listMessages,
  matchRecord,
  messageIds,
  placeComposeControl,
  rawSourceUrl,
  repliedMessage,
  showsConversation,
  showsSpam,
  threadId,
} from './adapter';
import { readThreadHeaders, type ThreadHeaders } from './thread-headers';
import { MAX_RAW_MAIL_BYTES } from '../../messaging/raw-limit';

/** Raw messages above this size are not handed to the background (bytes). */
const MAX_RAW_BYTES = MAX_RAW_MAIL_BYTES;

/** Attempts per message before it is left alone (a 404, a refused fetch). */
const MAX_ATTEMPTS = 3;

/** Sweeps with a conversation on screen but no message found before we say so. */
const SWEEPS_BEFORE_DEGRADED = 2;

/** Marks what we added to Gmail's page, and Gmail nodes we hid. */
const ATTR = {
  frame: 'data-ecosmail-frame',
  hidden: 'data-ecosmail-hidden',
  encrypt: 'data-ecosmail-encrypt',
  degraded: 'data-ecosmail-gmail-degraded',
  match: 'data-ecosmail-gmail-match',
} as const;

/** What we learned about an opened message, by its API id. */
interface Known {
  thread: ThreadHeaders;
  encrypted: boolean;
}

const known = new Map<string, Known>();
const attempts = new Map<string, number>();
const reported = new WeakMap<Element, string>();
const tickets = new WeakMap<Element, string>();
const composeById = new Map<string, Element>();
const composeOpened = new WeakSet<Element>();
/** Compose windows whose user closed our composer: no automatic reopening. */
const dismissed = new WeakSet<Element>();
let emptySweeps = 0;
/** API ids of encrypted messages we could not mount a frame for. */
const unmounted = new Set<string>();

/**
 * Firefox gives content scripts an extension-principal `fetch`; the page's
 * own (`content.fetch`) sends Gmail's session cookies as the page would.
 */
function pageFetch(url: string): Promise<Response> {
  const own = (globalThis as { content?: { fetch?: typeof fetch } }).content?.fetch;
  const init: RequestInit = { credentials: 'same-origin', redirect: 'follow' };
  return own ? own(url, init) : fetch(url, init);
}

function frameFor(page: 'reader' | 'composer', ticket: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.src = `${browser.runtime.getURL(`/${page}.html`)}#${ticket}`;
  frame.setAttribute(ATTR.frame, page);
  frame.title = t('extName');
  const height = page === 'reader' ? '420px' : '520px';
  frame.style.cssText = `width:100%;height:${height};border:0;display:block`;
  return frame;
}

/** Hides a Gmail node without removing it, so Gmail's own code keeps working. */
function hide(el: Element): void {
  if (!(el instanceof HTMLElement) || el.hasAttribute(ATTR.hidden)) return;
  el.setAttribute(ATTR.hidden, el.style.display);
  el.style.display = 'none';
}

function unhide(el: Element): void {
  if (!(el instanceof HTMLElement) || !el.hasAttribute(ATTR.hidden)) return;
  el.style.display = el.getAttribute(ATTR.hidden) ?? '';
  el.removeAttribute(ATTR.hidden);
}

/** Our reader frame over Gmail's body area of `message`. */
function mountReader(message: Element, ticket: string, hex: string): void {
  tickets.set(message, ticket);
  const mount = bodyMount(message);
  if (!mount) {
    unmounted.add(hex);
    return;
  }
  unmounted.delete(hex);
  if (mount.querySelector(`iframe[${ATTR.frame}="reader"]`)) return;
  for (const child of mount.children) hide(child);
  mount.append(frameFor('reader', ticket));
}

async function reportMessage(message: Element, hex: string): Promise<void> {
  const url = rawSourceUrl(new URL(location.href), hex, crypto.randomUUID());
  if (!url) return;

  const response = await pageFetch(url);
  // A redirect to another origin (Gmail sometimes bounces repeated
  // downloads) is not the message.
  if (new URL(response.url || url).origin !== location.origin)
    throw new Error('raw source: redirected off Gmail');
  if (!response.ok) throw new Error(`raw source: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_RAW_BYTES) throw new Error('raw source: too large');

  const entry: Known = { thread: readThreadHeaders(bytes), encrypted: false };
  known.set(hex, entry);
  const answer = await request('message.opened', {
    messageId: hex,
    raw: bytesToBase64(bytes),
    spam: showsSpam(new URL(location.href)),
  });
  entry.encrypted = answer.encrypted;
  if (answer.ticket) mountReader(message, answer.ticket, hex);
}

function handleMessage(message: Element): void {
  const ids = messageIds(message);
  // `msg-a:` ids (mail just sent from this tab) have no API id yet: the
  // next sweep looks again once Gmail has synced.
  if (!ids?.hex) return;
  const hex = ids.hex;

  if (reported.get(message) === ids.key) {
    // Gmail re-renders bodies; put our frame back if it was dropped.
    const ticket = tickets.get(message);
    if (ticket) mountReader(message, ticket, hex);
    return;
  }
  const tries = attempts.get(hex) ?? 0;
  if (tries >= MAX_ATTEMPTS) return;
  attempts.set(hex, tries + 1);
  reported.set(message, ids.key);

  reportMessage(message, hex).catch((err: unknown) => {
    reported.delete(message);
    console.warn('[ecosmail-autocrypt]', err instanceof Error ? err.message : err);
  });
}

/** Known threading data of the message a compose window replies to. */
function repliedInfo(win: Element): Known | undefined {
  const replied = repliedMessage(win, document);
  const hex = replied ? messageIds(replied)?.hex : null;
  return hex ? known.get(hex) : undefined;
}

async function openComposer(win: Element): Promise<void> {
  if (composeOpened.has(win)) return;
  composeOpened.add(win);

  const fields = composeFields(win);
  const composeId = fields.composeId ?? crypto.randomUUID();
  composeById.set(composeId, win);
  const info = repliedInfo(win);
  const parent = info?.thread.messageId ?? null;

  try {
    const { ticket } = await request('gmail.compose', {
      composeId,
      to: fields.to,
      cc: fields.cc,
      subject: fields.subject,
      inReplyTo: parent,
      // RFC 5322 §3.6.4: the parent's References followed by its Message-ID.
      references: parent ? [...info!.thread.references, parent] : [],
      threadId: fields.isReply ? threadId(document) : null,
    });
    const frame = frameFor('composer', ticket);
    const body = composeBody(win);
    if (body) {
      hide(body);
      body.before(frame);
    } else {
      win.append(frame);
    }
  } catch (err) {
    composeOpened.delete(win);
    throw err;
  }
}

function decorateCompose(win: Element): void {
  if (!win.querySelector(`[${ATTR.encrypt}]`)) {
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute(ATTR.encrypt, '1');
    button.textContent = t('gmailEncrypt');
    button.style.cssText = 'margin:0 8px;padding:4px 12px;cursor:pointer';
    button.addEventListener('click', () => {
      button.removeAttribute('title');
      openComposer(win).catch((err: unknown) => {
        // Said on the control itself: a click must never fail silently.
        button.title = err instanceof Error ? err.message : String(err);
        button.setAttribute('data-ecosmail-error', '1');
      });
    });
    placeComposeControl(win, button);
  }

  // Replying to an encrypted message defaults to our encrypted composer.
  if (repliedInfo(win)?.encrypted && !composeOpened.has(win) && !dismissed.has(win)) {
    openComposer(win).catch((err: unknown) =>
      console.warn('[ecosmail-autocrypt]', err instanceof Error ? err.message : err),
    );
  }
}

/** The calm notice shown when Gmail's layout was not recognised. */
function showDegraded(downloadHex: string | null): void {
  let badge = document.querySelector(`[${ATTR.degraded}]`);
  if (!badge) {
    badge = document.createElement('div');
    badge.setAttribute(ATTR.degraded, '1');
    badge.setAttribute('role', 'status');
    (badge as HTMLElement).style.cssText =
      'position:fixed;right:16px;bottom:16px;z-index:2147483647;max-width:360px;' +
      'padding:10px 14px;border-radius:8px;background:#fff8e1;color:#3e2f00;' +
      'font:13px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)';
    document.body.append(badge);
  }

  const text = document.createElement('p');
  text.style.margin = '0 0 6px';
  text.textContent = t('gmailDegraded');
  const viewer = document.createElement('a');
  viewer.href = browser.runtime.getURL('/viewer.html');
  viewer.target = '_blank';
  viewer.rel = 'noopener';
  viewer.setAttribute('data-ecosmail-open-viewer', '1');
  viewer.textContent = t('gmailOpenViewer');
  const parts: Node[] = [text, viewer];

  const url = downloadHex
    ? rawSourceUrl(new URL(location.href), downloadHex, 'download')
    : null;
  if (url) {
    const download = document.createElement('a');
    download.href = url;
    download.setAttribute('data-ecosmail-download', '1');
    download.style.marginLeft = '12px';
    download.textContent = t('gmailDownloadOriginal');
    parts.push(download);
  }
  badge.replaceChildren(...parts);
}

function updateDegraded(messages: Element[]): void {
  const conversation = showsConversation(new URL(location.href));
  emptySweeps = conversation && messages.length === 0 ? emptySweeps + 1 : 0;

  const [firstUnmounted] = unmounted;
  if (emptySweeps >= SWEEPS_BEFORE_DEGRADED || firstUnmounted) {
    showDegraded(firstUnmounted ?? null);
  } else {
    document.querySelector(`[${ATTR.degraded}]`)?.remove();
  }
}

/** One pass over the page through the adapter. */
export function scanGmail(): void {
  if (!accountPath(new URL(location.href)) || !document.body) return;

  const messages = listMessages(document);
  for (const message of messages) handleMessage(message);
  for (const win of composeWindows(document)) decorateCompose(win);
  updateDegraded(messages);

  // Role names and variant indexes only: the diagnostics record.
  document.documentElement.setAttribute(ATTR.match, matchRecord());
}

/**
 * Offers a file to Gmail's editor the way a user's drag and drop does: Gmail
 * turns a file dropped on the compose body into an attachment.
 *
 * TODO(2026-12-04): Gmail's handling of a synthetic drop is unverified
 * against live Gmail (only the fixture's drop handler checks it); if Gmail
 * ignores untrusted drop events, the key is not attached and nothing else
 * changes.
 */
function attachFile(body: HTMLElement, file: { fileName: string; armored: string }) {
  const transfer = new DataTransfer();
  transfer.items.add(
    new File([file.armored], file.fileName, { type: 'application/pgp-keys' }),
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    body.dispatchEvent(
      new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
    );
  }
}

/** Puts armored text into a compose window's body (send path A). */
export function insertArmor(payload: GmailInsert['payload']): { ok: boolean } {
  const win = composeById.get(payload.composeId);
  const body = win?.isConnected ? composeBody(win) : null;
  if (!win || !body) return { ok: false };

  // Gmail's editor keeps one <div> per line, an empty line as <div><br></div>.
  const lines = payload.armored.replace(/\r\n/g, '\n').split('\n');
  body.replaceChildren(
    ...lines.map((line) => {
      const div = document.createElement('div');
      if (line) div.textContent = line;
      else div.append(document.createElement('br'));
      return div;
    }),
  );
  body.dispatchEvent(new InputEvent('input', { bubbles: true }));

  win.querySelector(`iframe[${ATTR.frame}="composer"]`)?.remove();
  unhide(body);
  if (payload.publicKey) attachFile(body, payload.publicKey);
  return { ok: true };
}

/**
 * Closes our composer in a compose window and shows Gmail's editor again.
 * The draft in our frame is dropped with it; nothing reaches Gmail's body.
 */
export function dismissComposer(payload: GmailDismiss['payload']): { ok: boolean } {
  const win = composeById.get(payload.composeId);
  if (!win?.isConnected) return { ok: false };
  win.querySelector(`iframe[${ATTR.frame}="composer"]`)?.remove();
  const body = composeBody(win);
  if (body) unhide(body);
  // The Encrypt control opens our composer again on request; a reply to an
  // encrypted message is not reopened behind the user's back.
  dismissed.add(win);
  composeOpened.delete(win);
  return { ok: true };
}
