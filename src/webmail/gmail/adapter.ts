/**
 * The Gmail adapter: the only code that knows Gmail's markup and URL shapes.
 * Everything else asks it for messages, ids, mount points and compose fields
 * and never queries Gmail's DOM itself (see ../shared/docs/gmail.md §8).
 */
import { COMPOSE_INPUTS, SELECTORS, type Role } from './selectors';

/** Which variant of each role matched last (index into `SELECTORS[role]`). */
const matched = new Map<Role, number>();

/** Roles that were looked for and matched nothing. */
const missed = new Set<Role>();

function record(role: Role, index: number | null): void {
  if (index === null) {
    missed.add(role);
    return;
  }
  missed.delete(role);
  matched.set(role, index);
}

/**
 * The variant record: role names and variant indexes only (never text,
 * addresses or ids), e.g. `message:0 body:2 compose:-`.
 */
export function matchRecord(): string {
  const roles = Object.keys(SELECTORS) as Role[];
  return roles
    .filter((role) => matched.has(role) || missed.has(role))
    .map((role) => `${role}:${missed.has(role) ? '-' : matched.get(role)}`)
    .join(' ');
}

/** Elements of a role under `scope`, by the first variant that finds any. */
export function findAll(role: Role, scope: ParentNode): Element[] {
  const variants = SELECTORS[role];
  for (let i = 0; i < variants.length; i++) {
    const found = [...scope.querySelectorAll(variants[i]!.css)];
    if (found.length > 0) {
      record(role, i);
      return found;
    }
  }
  record(role, null);
  return [];
}

/**
 * Elements of a role under `scope` by every variant together. For roles whose
 * elements come in several kinds at once (a compose dialog beside an inline
 * reply box; a synced message beside one just sent); the record keeps the
 * first variant that found any.
 */
export function findEvery(role: Role, scope: ParentNode): Element[] {
  const found = new Set<Element>();
  let first: number | null = null;
  SELECTORS[role].forEach((variant, i) => {
    const hits = scope.querySelectorAll(variant.css);
    if (hits.length > 0 && first === null) first = i;
    for (const el of hits) found.add(el);
  });
  record(role, first);
  return [...found].sort((a, b) =>
    a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
  );
}

/** The first element of a role under `scope`, or null. */
export function findOne(role: Role, scope: ParentNode): Element | null {
  return findAll(role, scope)[0] ?? null;
}

/** Keeps the outermost of nested matches (a container and its inner copy). */
function outermost(elements: Element[]): Element[] {
  return elements.filter((el) => !elements.some((o) => o !== el && o.contains(el)));
}

/** The expanded messages on the page, in document order. */
export function listMessages(doc: Document): Element[] {
  return outermost(findEvery('message', doc));
}

/** A message's ids as Gmail gives them. */
export interface MessageIds {
  /** The Gmail API message id (hex); null while Gmail has not synced it. */
  hex: string | null;
  /** What identifies the element meanwhile (`msg-f:…`, `msg-a:r…`, or hex). */
  key: string;
}

/**
 * `msg-f:<decimal>` and the API's hex id are the same 64-bit number. The
 * values exceed 2^53, so only BigInt converts them without loss.
 */
export function decimalToHex(decimal: string): string | null {
  if (!/^\d{1,20}$/.test(decimal)) return null;
  const value = BigInt(decimal);
  return value < 1n << 64n ? value.toString(16) : null;
}

/** The ids of one message element, or null when it carries none. */
export function messageIds(el: Element): MessageIds | null {
  const legacy = el.getAttribute('data-legacy-message-id')?.trim() ?? '';
  const perm = (el.getAttribute('data-message-id') ?? '').replace(/^#/, '').trim();

  if (/^[0-9a-f]{1,16}$/i.test(legacy)) {
    return { hex: legacy.toLowerCase(), key: legacy.toLowerCase() };
  }
  const synced = /^msg-f:(\d+)$/.exec(perm);
  const hex = synced ? decimalToHex(synced[1]!) : null;
  if (hex) return { hex, key: perm };

  // `msg-a:r…` belongs to mail made in this tab (just sent, drafts): it has
  // no API id until Gmail syncs, so the caller retries later.
  if (/^msg-a:r-?\d+$/.test(perm)) return { hex: null, key: perm };
  return null;
}

/** The conversation's API thread id (hex), or null. */
export function threadId(doc: Document): string | null {
  const subject = findOne('subject', doc);
  const legacy = subject?.getAttribute('data-legacy-thread-id')?.trim() ?? '';
  if (/^[0-9a-f]{1,16}$/i.test(legacy)) return legacy.toLowerCase();

  const perm = subject?.getAttribute('data-thread-perm-id') ?? '';
  const synced = /^#?thread-f:(\d+)$/.exec(perm.trim());
  return synced ? decimalToHex(synced[1]!) : null;
}

/** Where our reader frame goes for a message, or null. */
export function bodyMount(message: Element): Element | null {
  return findOne('bodyMount', message);
}

/**
 * The account path prefix of the page, `/mail/u/<N>` (or the delegated
 * `/mail/b/<x>/u/<N>`), or null off the mail app.
 */
export function accountPath(url: URL): string | null {
  if (url.origin !== 'https://mail.google.com') return null;
  const match = /^\/mail(?:\/b\/[^/]+)?\/u\/\d+/.exec(url.pathname);
  return match ? match[0] : null;
}

/**
 * Whether the page shows one conversation: Gmail's fragment then has a view
 * and a conversation token, `#inbox/FMfcg…`. Only used to decide whether
 * missing messages mean a layout change; never parsed for ids.
 */
export function showsConversation(url: URL): boolean {
  return /^#[^/]+(?:\/[^/]+)*\/[A-Za-z0-9_-]{10,}$/.test(url.hash);
}

/**
 * Whether the page shows Gmail's Spam folder, or a conversation opened from it:
 * the fragment's view is `spam` (`#spam`, `#spam/FMfcg…`). Gmail filed such
 * mail as spam, so its Autocrypt header must change no peer state (AC-11).
 */
export function showsSpam(url: URL): boolean {
  return /^#spam(?:\/|$)/.test(url.hash);
}

/**
 * The "download original" URL of a message: the exact RFC 5322 bytes, with
 * the session's cookies and no OAuth. `nonce` changes per fetch because a
 * repeated identical URL may be redirected to another origin.
 */
export function rawSourceUrl(url: URL, hex: string, nonce: string): string | null {
  const base = accountPath(url);
  if (!base) return null;
  const query = new URLSearchParams({
    view: 'att',
    th: hex,
    attid: '0',
    disp: 'comp',
    safe: '1',
    zw: '',
    ecosmail: nonce,
  });
  return `${url.origin}${base}/?${query}`;
}

/** The compose windows and inline reply boxes on the page. */
export function composeWindows(doc: Document): Element[] {
  return outermost(findEvery('compose', doc));
}

/** What a compose window already holds, as Gmail's fields show it. */
export interface ComposeFields {
  /** Gmail's compose instance id, or null. */
  composeId: string | null;
  to: string[];
  cc: string[];
  subject: string;
  /** Whether Gmail marks this compose as a reply (its replied-thread input). */
  isReply: boolean;
}

function addressesOf(role: Role, win: Element): string[] {
  const found = findAll(role, win);
  const values = found.flatMap((el) => {
    const chip = el.getAttribute('data-hovercard-id');
    if (chip) return [chip];
    const value = (el as HTMLInputElement).value ?? '';
    return value.split(/[,;]/);
  });
  return values.map((v) => v.trim()).filter((v) => v.includes('@'));
}

/** Recipients, subject and ids of a compose window. */
export function composeFields(win: Element): ComposeFields {
  const value = (selector: string) =>
    (win.querySelector(selector) as HTMLInputElement | null)?.value?.trim() ?? '';
  const subject = findOne('composeSubject', win) as HTMLInputElement | null;
  return {
    composeId: value(COMPOSE_INPUTS.composeId) || null,
    to: addressesOf('recipientTo', win),
    cc: addressesOf('recipientCc', win),
    subject: subject?.value ?? '',
    isReply: value(COMPOSE_INPUTS.repliedThread) !== '',
  };
}

/**
 * The message a reply box answers: the last message before it in the
 * conversation, or null for a new message.
 */
export function repliedMessage(win: Element, doc: Document): Element | null {
  if (!composeFields(win).isReply) return null;
  const before = listMessages(doc).filter(
    (m) => m.compareDocumentPosition(win) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
  return before[before.length - 1] ?? null;
}

/** Gmail's editable body of a compose window, or null. */
export function composeBody(win: Element): HTMLElement | null {
  return findOne('composeBody', win) as HTMLElement | null;
}

/**
 * Where our Encrypt control goes in a compose window: inside the send cell,
 * or right after Gmail's Send button when only the button is found (never
 * inside it: a click there would reach Gmail's Send).
 */
export function placeComposeControl(win: Element, control: Element): void {
  const spot = findOne('composeToolbar', win);
  if (!spot) win.append(control);
  else if (spot.matches(SELECTORS.composeToolbar[1].css)) spot.after(control);
  else spot.append(control);
}

/** Gmail's API endpoint for sending a message (`users.messages.send`). */
export const API_SEND_URL =
  'https://gmail.googleapis.com/gmail/v1/users/me/messages/send';
