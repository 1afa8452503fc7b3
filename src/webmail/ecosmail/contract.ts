/**
 * The EcosMail page contract, version 1.
 *
 * This is the whole surface between an EcosMail webmail page and the
 * extension. EcosMail's production webmail implements it exactly as the
 * reference webmail in `webmail/` does. It is deliberately made of DOM
 * attributes and DOM events carrying JSON strings, because both travel
 * unchanged between a page and a content script's isolated world in Chrome
 * and Firefox (objects in `CustomEvent.detail` do not).
 *
 * What the page can and cannot do through it:
 * - it names the message on screen and where its raw RFC 5322 source is;
 * - it offers slots where the extension mounts its own frames;
 * - it receives finished MIME messages (ciphertext when encrypted) and
 *   submits them unchanged;
 * - it never receives plaintext of an encrypted message, and nothing it
 *   sends can start a private-key operation: decrypting and signing happen
 *   only after a click inside an extension frame;
 * - it stores drafts the extension hands it, encrypted to their author only
 *   (subject and recipients inside), and offers them back in a compose slot.
 */

/** Version of this contract; the page announces the one it implements. */
export const CONTRACT_VERSION = 1;

/** Attributes on `<html>`. */
export const ROOT = {
  /** Set by the page: the contract version it implements ("1"). */
  contract: 'data-ecosmail-contract',
  /** Set by the page: the address of the signed-in account. */
  account: 'data-ecosmail-account',
  /** Set by the extension once its content script runs ("1"). */
  extension: 'data-ecosmail-extension',
} as const;

/**
 * A message on screen: `<article data-ecosmail-message data-message-id="…"
 * data-raw-url="…">`. There may be several (a thread). The raw URL is
 * same-origin and answers the message's exact bytes.
 */
export const MESSAGE = {
  selector: '[data-ecosmail-message]',
  id: 'data-message-id',
  rawUrl: 'data-raw-url',
  /**
   * Inside the message element: where the extension mounts its reader frame.
   * The page shows only a neutral notice there for encrypted mail.
   */
  readerSlot: '[data-ecosmail-reader-slot]',
  /**
   * Optional, on the message element: "1" when the provider filed the message as
   * spam. Its Autocrypt header then changes no peer state (Autocrypt Level 1;
   * attack suite AC-11); the user can still decrypt it. Added to version 1: a
   * page without it is read as before.
   */
  spam: 'data-ecosmail-spam',
} as const;

/**
 * A compose slot: `<div data-ecosmail-compose-slot data-compose-id="…">`,
 * with optional initial values the page already knows (a reply's
 * recipients, subject and threading headers).
 */
export const COMPOSE = {
  selector: '[data-ecosmail-compose-slot]',
  id: 'data-compose-id',
  to: 'data-to',
  cc: 'data-cc',
  subject: 'data-subject',
  inReplyTo: 'data-in-reply-to',
  references: 'data-references',
  /**
   * Optional: the same-origin raw URL of a stored draft this compose continues. The
   * extension fetches it (ciphertext) and decrypts it only after a click in its
   * composer frame; the restored text stays in that frame.
   */
  draftUrl: 'data-draft-url',
} as const;

/** Set by the extension on a slot (reader or compose) it has mounted into. */
export const MOUNTED = 'data-ecosmail-mounted';

/** Event names; each event is dispatched on `document`. */
export const EVENTS = {
  /** Extension → page: submit this MIME message. Detail: {@link SubmitRequest}. */
  submit: 'ecosmail:submit',
  /** Page → extension: outcome of a submission. Detail: {@link SubmitResult}. */
  submitResult: 'ecosmail:submit-result',
  /**
   * Extension → page: where does this Message-ID stand? Asked when the extension
   * lost the answer to a submission (its worker stopped, the wait timed out), before
   * it lets the user send again. Detail: {@link SendStatusRequest}.
   */
  sendStatus: 'ecosmail:send-status',
  /** Page → extension: the answer. Detail: {@link SendStatusResult}. */
  sendStatusResult: 'ecosmail:send-status-result',
  /**
   * Extension → page: store this draft of a compose slot, in place of the slot's
   * previous one. The draft is PGP/MIME encrypted to the user's own key only, its
   * subject and recipients inside. Sent while the user types (debounced) and when
   * the composer is left. Detail: {@link DraftRequest}. The page deletes a
   * compose's draft once that compose is sent.
   */
  draft: 'ecosmail:draft',
  /** Page → extension: the draft was stored, or why not. Detail: {@link DraftResult}. */
  draftResult: 'ecosmail:draft-result',
} as const;

/** JSON in the detail of {@link EVENTS.submit}. */
export interface SubmitRequest {
  v: typeof CONTRACT_VERSION;
  /** Echoed in the result. */
  requestId: string;
  /** The compose slot the message was written in. */
  composeId: string;
  /** SMTP envelope recipients (To and Cc addresses, canonical). */
  recipients: string[];
  /** The complete RFC 5322 message, CRLF line ends; submit byte for byte. */
  mime: string;
  /**
   * The message's Message-ID (with angle brackets), fixed for one compose session:
   * the send id. Sends are idempotent per id: the page must never send the same
   * Message-ID twice, and answers a repeat with `ok: true, alreadySent: true`.
   */
  messageId?: string;
}

/** JSON in the detail of {@link EVENTS.submitResult}. */
export interface SubmitResult {
  v: typeof CONTRACT_VERSION;
  requestId: string;
  ok: boolean;
  /** Human-readable reason when `ok` is false. */
  error?: string;
  /** The request's `messageId`, echoed. */
  messageId?: string;
  /** This Message-ID went out before, by an earlier submission; not sent again. */
  alreadySent?: boolean;
}

/** JSON in the detail of {@link EVENTS.draft}. */
export interface DraftRequest {
  v: typeof CONTRACT_VERSION;
  /** Echoed in the result. */
  requestId: string;
  /** The compose slot the draft belongs to. */
  composeId: string;
  /** The complete RFC 5322 draft, CRLF line ends; store byte for byte. */
  mime: string;
}

/** JSON in the detail of {@link EVENTS.draftResult}. */
export interface DraftResult {
  v: typeof CONTRACT_VERSION;
  requestId: string;
  ok: boolean;
  /** Human-readable reason when `ok` is false. */
  error?: string;
}

/** Where a send id stands, as the page's provider knows it. */
export type SendState = 'sent' | 'sending' | 'not-sent' | 'unknown';

/** JSON in the detail of {@link EVENTS.sendStatus}. */
export interface SendStatusRequest {
  v: typeof CONTRACT_VERSION;
  /** Echoed in the result. */
  requestId: string;
  /** The Message-ID of the submission in question, with angle brackets. */
  messageId: string;
}

/** JSON in the detail of {@link EVENTS.sendStatusResult}. */
export interface SendStatusResult {
  v: typeof CONTRACT_VERSION;
  requestId: string;
  messageId: string;
  state: SendState;
}
