/**
 * The content-script side of the EcosMail page contract (see `contract.ts`):
 * finds messages and compose slots on the page, reports opened messages to
 * the background, mounts our frames, and relays finished messages to the
 * page for submission.
 */
import browser from 'webextension-polyfill';
import { request } from '../../messaging/client';
import { bytesToBase64 } from '../../util/base64';
import { t } from '../../ui/i18n';
import { MAX_RAW_MAIL_BYTES } from '../../messaging/raw-limit';
import { reportOpened } from '../opened-queue';
import {
  COMPOSE,
  CONTRACT_VERSION,
  EVENTS,
  MESSAGE,
  MOUNTED,
  ROOT,
  type SendState,
  type SendStatusRequest,
  type SendStatusResult,
  type DraftRequest,
  type DraftResult,
  type SubmitRequest,
  type SubmitResult,
} from './contract';

type FramePage = 'reader' | 'composer';

/** How long the page may take to submit a message before we give up. */
const SUBMIT_TIMEOUT_MS = 60_000;

/** How long the page may take to say where a send id stands. */
const SEND_STATUS_TIMEOUT_MS = 20_000;

/** Heights of our frames; they scroll inside. */
const FRAME_HEIGHT: Record<FramePage, string> = { reader: '420px', composer: '520px' };

function list(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Replaces the slot's content with our frame for that ticket. */
function mountFrame(slot: Element, page: FramePage, ticket: string): void {
  const frame = document.createElement('iframe');
  frame.src = `${browser.runtime.getURL(`/${page}.html`)}#${ticket}`;
  frame.setAttribute('data-ecosmail-frame', page);
  frame.title = t('extName');
  frame.style.cssText = `width:100%;height:${FRAME_HEIGHT[page]};border:0;display:block`;
  slot.replaceChildren(frame);
  slot.setAttribute(MOUNTED, '1');
}

/**
 * The raw source must be fetched as the page itself would, with its session.
 * Chrome's content-script `fetch` does that, and so does Firefox's in MV3
 * (checked on ESR 153: cookie sent, `Sec-Fetch-Site: same-origin`; there is
 * no `content` object there). Firefox MV2 content scripts fetch with the
 * extension's principal instead, and offer the page's own as `content.fetch`.
 */
function pageFetch(url: string): Promise<Response> {
  const own = (globalThis as { content?: { fetch?: typeof fetch } }).content?.fetch;
  return own
    ? own(url, { credentials: 'same-origin' })
    : fetch(url, { credentials: 'same-origin' });
}

async function reportMessage(article: Element, messageId: string): Promise<void> {
  const rawUrl = article.getAttribute(MESSAGE.rawUrl);
  if (!rawUrl) return;

  // The raw source must come from the webmail's server, never another origin
  // and never a blob: or data: URL, which page script can fill with a forged
  // mail (a `blob:` URL even shares the page's origin).
  const url = new URL(rawUrl, location.href);
  const fromServer = url.protocol === 'https:' || url.protocol === 'http:';
  if (!fromServer || url.origin !== location.origin) return;

  const response = await pageFetch(url.href);
  if (!response.ok) throw new Error(`raw source: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_RAW_MAIL_BYTES) throw new Error('raw source: too large');
  const raw = bytesToBase64(bytes);

  const spam = article.getAttribute(MESSAGE.spam) === '1';
  // An inbox that shows many messages at once reports them together.
  const answer = await reportOpened(messageId, raw, spam);
  const slot = article.querySelector(MESSAGE.readerSlot);
  if (answer.ticket && slot) mountFrame(slot, 'reader', answer.ticket);
}

/** The bytes of a stored draft, base64, from the webmail's own server only. */
async function draftOf(slot: Element): Promise<string | null> {
  const rawUrl = slot.getAttribute(COMPOSE.draftUrl);
  if (!rawUrl) return null;
  const url = new URL(rawUrl, location.href);
  const fromServer = url.protocol === 'https:' || url.protocol === 'http:';
  if (!fromServer || url.origin !== location.origin) return null;
  const response = await pageFetch(url.href);
  if (!response.ok) throw new Error(`draft: HTTP ${response.status}`);
  return bytesToBase64(new Uint8Array(await response.arrayBuffer()));
}

async function openCompose(slot: Element, composeId: string): Promise<void> {
  const draft = await draftOf(slot);
  const { ticket } = await request('composer.register', {
    draft,
    composeId,
    to: list(slot.getAttribute(COMPOSE.to)),
    cc: list(slot.getAttribute(COMPOSE.cc)),
    subject: slot.getAttribute(COMPOSE.subject) ?? '',
    inReplyTo: slot.getAttribute(COMPOSE.inReplyTo) || null,
    references: (slot.getAttribute(COMPOSE.references) ?? '')
      .split(/\s+/)
      .filter(Boolean),
    pageAccount: document.documentElement.getAttribute(ROOT.account),
  });
  mountFrame(slot, 'composer', ticket);
}

/** Dispatches a submit request and waits for the page's matching result. */
export function submitToPage(
  payload: Omit<SubmitRequest, 'v' | 'requestId'>,
): Promise<SubmitResult> {
  const requestId = crypto.randomUUID();

  return new Promise((resolve) => {
    const finish = (result: SubmitResult) => {
      clearTimeout(timer);
      document.removeEventListener(EVENTS.submitResult, onResult);
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ v: 1, requestId, ok: false, error: 'the webmail did not answer' }),
      SUBMIT_TIMEOUT_MS,
    );
    const onResult = (event: Event) => {
      const detail = (event as CustomEvent<unknown>).detail;
      if (typeof detail !== 'string') return;
      let result: Partial<SubmitResult>;
      try {
        result = JSON.parse(detail) as Partial<SubmitResult>;
      } catch {
        return;
      }
      if (result.requestId !== requestId) return;
      const error = typeof result.error === 'string' ? result.error : undefined;
      const alreadySent = result.alreadySent === true;
      const ok = result.ok === true;
      finish({ v: 1, requestId, ok, error, messageId: payload.messageId, alreadySent });
    };

    document.addEventListener(EVENTS.submitResult, onResult);
    const req: SubmitRequest = { v: CONTRACT_VERSION, requestId, ...payload };
    document.dispatchEvent(
      new CustomEvent(EVENTS.submit, { detail: JSON.stringify(req) }),
    );
  });
}

/**
 * Asks the page where a send id (a submission's Message-ID) stands; `unknown` when
 * the page does not answer in time or answers nonsense.
 */
export function askSendStatus(messageId: string): Promise<SendState> {
  const requestId = crypto.randomUUID();
  const known: SendState[] = ['sent', 'sending', 'not-sent', 'unknown'];

  return new Promise((resolve) => {
    const finish = (state: SendState) => {
      clearTimeout(timer);
      document.removeEventListener(EVENTS.sendStatusResult, onResult);
      resolve(state);
    };
    const timer = setTimeout(() => finish('unknown'), SEND_STATUS_TIMEOUT_MS);
    const onResult = (event: Event) => {
      const detail = (event as CustomEvent<unknown>).detail;
      if (typeof detail !== 'string') return;
      let result: Partial<SendStatusResult>;
      try {
        result = JSON.parse(detail) as Partial<SendStatusResult>;
      } catch {
        return;
      }
      if (result.requestId !== requestId || result.messageId !== messageId) return;
      finish(known.find((k) => k === result.state) ?? 'unknown');
    };

    document.addEventListener(EVENTS.sendStatusResult, onResult);
    const req: SendStatusRequest = { v: CONTRACT_VERSION, requestId, messageId };
    document.dispatchEvent(
      new CustomEvent(EVENTS.sendStatus, { detail: JSON.stringify(req) }),
    );
  });
}

/** Hands a draft to the page for storage and waits for its answer. */
export function saveDraftToPage(
  payload: Omit<DraftRequest, 'v' | 'requestId'>,
): Promise<DraftResult> {
  const requestId = crypto.randomUUID();

  return new Promise((resolve) => {
    const finish = (result: DraftResult) => {
      clearTimeout(timer);
      document.removeEventListener(EVENTS.draftResult, onResult);
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ v: 1, requestId, ok: false, error: 'the webmail did not answer' }),
      SEND_STATUS_TIMEOUT_MS,
    );
    const onResult = (event: Event) => {
      const detail = (event as CustomEvent<unknown>).detail;
      if (typeof detail !== 'string') return;
      let result: Partial<DraftResult>;
      try {
        result = JSON.parse(detail) as Partial<DraftResult>;
      } catch {
        return;
      }
      if (result.requestId !== requestId) return;
      const error = typeof result.error === 'string' ? result.error : undefined;
      finish({ v: 1, requestId, ok: result.ok === true, error });
    };

    document.addEventListener(EVENTS.draftResult, onResult);
    const req: DraftRequest = { v: CONTRACT_VERSION, requestId, ...payload };
    document.dispatchEvent(
      new CustomEvent(EVENTS.draft, { detail: JSON.stringify(req) }),
    );
  });
}

/** What has been handled, so each message and slot is reported once. */
const seen = new WeakMap<Element, string>();

/** Tries of one message report before waiting for the page to show it again. */
const REPORT_TRIES = 3;
const RETRY_MS = 1000;

/**
 * Runs `work` once per element and id. It runs up to `tries` times when it fails:
 * a request can fail while the background worker restarts (stopped by the
 * browser, or updated), and the page will not show the element again by itself.
 * Only idempotent work (a message report) gets more than one try.
 */
function handleOnce(
  el: Element,
  id: string | null,
  work: (id: string) => Promise<void>,
  tries = 1,
) {
  if (!id || seen.get(el) === id) return;
  seen.set(el, id);
  void attempt(el, id, work, 1, tries);
}

async function attempt(
  el: Element,
  id: string,
  work: (id: string) => Promise<void>,
  tried: number,
  tries: number,
): Promise<void> {
  try {
    await work(id);
  } catch (err) {
    console.warn('[ecosmail-autocrypt]', err instanceof Error ? err.message : err);
    if (tried < tries && el.isConnected && seen.get(el) === id) {
      setTimeout(() => void attempt(el, id, work, tried + 1, tries), RETRY_MS * tried);
      return;
    }
    // Allow a retry when the page shows the element again.
    seen.delete(el);
  }
}

/** One pass over the page: report new messages, fill new compose slots. */
export function scanPage(): void {
  const root = document.documentElement;
  if (root.getAttribute(ROOT.contract) !== String(CONTRACT_VERSION)) return;
  root.setAttribute(ROOT.extension, '1');

  for (const article of document.querySelectorAll(MESSAGE.selector)) {
    handleOnce(
      article,
      article.getAttribute(MESSAGE.id),
      (id) => reportMessage(article, id),
      REPORT_TRIES,
    );
  }
  for (const slot of document.querySelectorAll(COMPOSE.selector)) {
    if (slot.hasAttribute(MOUNTED)) continue;
    handleOnce(slot, slot.getAttribute(COMPOSE.id), (id) => openCompose(slot, id));
  }
}
