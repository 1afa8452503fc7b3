/**
 * The typed message protocol between the background and everything that
 * talks to it. Each request is declared once here with its payload, its
 * answer and the places allowed to send it; the background refuses a
 * request from anywhere else (see `sender.ts`).
 */
import type { PreferEncrypt } from '../autocrypt/header';
import type { Recommendation } from '../autocrypt/recommendation';

/** Where a message came from, as the background classifies it. */
export type SenderKind =
  'content' | 'reader' | 'composer' | 'setup' | 'options' | 'viewer';

/** The account as the extension pages may see it: never the secret key. */
export interface AccountStatus {
  configured: boolean;
  addr?: string;
  name?: string;
  fingerprint?: string;
  prefer_encrypt?: PreferEncrypt;
}

/** A verdict on a message's Autocrypt header, for display and tests. */
export interface HeaderSummary {
  present: boolean;
  valid: boolean;
  reason?: string;
  addr?: string;
  fingerprint?: string;
}

/** Signature status of a decrypted message, as drawn by the reader. */
export type SignatureSummary =
  | { status: 'none' }
  | {
      status: 'valid';
      signerFingerprint: string;
      /** Signature creation time (ms), shown beside the Date header. */
      signedAt: number;
      /** The signer addressed it to other recipients (re-sent old mail). */
      addressedToOthers: boolean;
    }
  | { status: 'invalid'; reason: string }
  | { status: 'unknown-key'; keyID: string };

/** One peer as the options page lists it. */
export interface PeerSummary {
  addr: string;
  fingerprint: string | null;
  prefer_encrypt: PreferEncrypt;
  last_seen: number;
  autocrypt_timestamp: number;
  gossip_only: boolean;
  recommendation: Recommendation;
  /** Every key seen for this peer, oldest first (times in ms). */
  history: { fingerprint: string; first_seen: number; source: 'autocrypt' | 'gossip' }[];
}

/** The user's choices, as the options page shows and changes them. */
export interface SettingsView {
  /** `accounts[addr].prefer_encrypt`. */
  prefer_encrypt: PreferEncrypt;
  /** Hide the Subject of encrypted mail outside the encryption (RFC 9788). */
  protect_headers: boolean;
}

/** One recipient's recommendation in the composer. */
export interface RecipientRecommendation {
  addr: string;
  recommendation: Recommendation;
  /** When this recipient's key replaced an earlier one, if recently (AC-07); else null. */
  keyChangedAt: number | null;
}

/** Every request the background answers: payload, answer, allowed senders. */
export interface Requests {
  'account.status': {
    request: Record<string, never>;
    response: AccountStatus;
    senders: 'setup' | 'options' | 'composer' | 'reader' | 'content';
  };
  'account.create': {
    request: { addr: string; name: string; prefer_encrypt: PreferEncrypt };
    response: AccountStatus;
    senders: 'setup';
  };
  'settings.get': {
    request: Record<string, never>;
    response: SettingsView;
    senders: 'options';
  };
  'settings.set': {
    request: Partial<SettingsView>;
    response: SettingsView;
    senders: 'options';
  };
  'account.exportPublicKey': {
    request: Record<string, never>;
    response: { armored: string; fingerprint: string };
    senders: 'options';
  };
  /** Makes a Setup Message and its code; the code is answered once, never stored. */
  'setupMessage.create': {
    /** The message's Subject and explanation, in the user's language. */
    request: { subject: string; description: string };
    response: { code: string; mime: string };
    senders: 'options';
  };
  /** Sends the last created Setup Message to ourselves through an open compose slot. */
  'setupMessage.send': {
    request: Record<string, never>;
    response: { sent: true };
    senders: 'options';
  };
  /** Reads a Setup Message file without decrypting it (for the code prompt). */
  'setupMessage.inspect': {
    request: { raw: string /* base64 */; addr?: string };
    response: { passphraseFormat: string | null; passphraseBegin: string | null };
    senders: 'options' | 'setup';
  };
  'setupMessage.import': {
    request: { raw: string /* base64 */; code: string; addr?: string };
    response: AccountStatus;
    senders: 'options' | 'setup';
  };
  'message.opened': {
    request: { messageId: string; raw: string /* base64 */ };
    response: { header: HeaderSummary; encrypted: boolean; ticket: string | null };
    senders: 'content' | 'viewer';
  };
  'reader.describe': {
    request: { ticket: string };
    response: { from: string; subject: string; date: string | null };
    senders: 'reader';
  };
  'reader.decrypt': {
    request: { ticket: string };
    response: {
      text: string;
      /** Unsanitised HTML of the decrypted entity; the reader sanitises it. */
      html: string | null;
      /** The ciphertext was one part among others, not the message root. */
      embedded: boolean;
      signature: SignatureSummary;
      signerMatchesFrom: boolean;
      /** More than one From mailbox: no single author to bind a signature to. */
      fromAmbiguous: boolean;
      from: string;
      /** The protected Subject when the payload has one, else the outer Subject. */
      subject: string;
      /** Protected header fields that differ from the outer ones (HP-01). */
      headerMismatch: ('from' | 'subject')[];
      /** The protected From when it differs from the outer one, else null. */
      protectedFrom: string | null;
      /** No valid signer holds the protected From: it is never shown as the sender. */
      protectedFromForged: boolean;
      /** Outer To/Cc addresses the protected headers do not name (HP-02). */
      addedRecipients: string[];
    };
    senders: 'reader';
  };
  'composer.register': {
    request: {
      composeId: string;
      to: string[];
      cc: string[];
      subject: string;
      inReplyTo: string | null;
      references: string[];
      /** The address the page says is signed in (`data-ecosmail-account`). */
      pageAccount: string | null;
    };
    response: { ticket: string };
    senders: 'content';
  };
  'composer.open': {
    request: { ticket: string };
    response: {
      from: string | null;
      to: string[];
      cc: string[];
      subject: string;
      replyToEncrypted: boolean;
      pageAccount: string | null;
      /** Opened from Gmail: sent by one of the `gmail.*` paths, not the page. */
      gmail: boolean;
    };
    senders: 'composer';
  };
  'composer.recommend': {
    request: { ticket: string; to: string[]; cc: string[] };
    response: {
      recipients: RecipientRecommendation[];
      overall: Recommendation;
      /**
       * Recipients of this reply that the message replied to named only outside
       * its encryption (HP-02: added on the way, not by the sender).
       */
      notNamedBySender: string[];
    };
    senders: 'composer';
  };
  'composer.send': {
    request: {
      ticket: string;
      to: string[];
      cc: string[];
      subject: string;
      text: string;
      encrypt: boolean;
    };
    response: { encrypted: boolean };
    senders: 'composer';
  };
  'peers.list': {
    request: Record<string, never>;
    response: PeerSummary[];
    senders: 'options';
  };
  /** A Gmail compose window asks for our composer (see src/background/gmail.ts). */
  'gmail.compose': {
    request: {
      composeId: string;
      to: string[];
      cc: string[];
      subject: string;
      inReplyTo: string | null;
      references: string[];
      /** The Gmail API thread id of the conversation replied in. */
      threadId: string | null;
    };
    response: { ticket: string };
    senders: 'content';
  };
  /** Send path A: armored text into Gmail's compose body, for Gmail to send. */
  'gmail.armor': {
    request: {
      ticket: string;
      to: string[];
      cc: string[];
      text: string;
      /** Offer our public key as an attachment (the message has no Autocrypt header). */
      attachKey: boolean;
    };
    response: { inserted: true };
    senders: 'composer';
  };
  /** The user closes our composer to write in Gmail's own editor instead. */
  'gmail.dismiss': {
    request: { ticket: string };
    response: { dismissed: boolean };
    senders: 'composer';
  };
  /** Send path B (opt-in): PGP/MIME with our Autocrypt header via the Gmail API. */
  'gmail.send': {
    request: {
      ticket: string;
      to: string[];
      cc: string[];
      subject: string;
      text: string;
    };
    response: { id: string; threadId: string };
    senders: 'composer';
  };
  /**
   * Several opened messages in one request (an inbox scan, a thread): each is
   * handled as `message.opened`, and answered in order with its result or error.
   */
  'messages.opened': {
    request: { messages: { messageId: string; raw: string /* base64 */ }[] };
    response: {
      results: (
        | { header: HeaderSummary; encrypted: boolean; ticket: string | null }
        | { error: { code: string; message: string } }
      )[];
    };
    senders: 'content' | 'viewer';
  };
  /** How far `reader.decrypt` is for this ticket, while it runs; null otherwise. */
  'reader.progress': {
    request: { ticket: string };
    response: { stage: 'reading' | 'decrypting' | 'showing' | null };
    senders: 'reader';
  };
}

/** Name of a request. */
export type RequestName = keyof Requests;

/** Who may send each request; the background checks this before anything else. */
export const ALLOWED_SENDERS: { [N in RequestName]: readonly Requests[N]['senders'][] } =
  {
    'account.status': ['setup', 'options', 'composer', 'reader', 'content'],
    'account.create': ['setup'],
    'message.opened': ['content', 'viewer'],
    'reader.describe': ['reader'],
    'reader.decrypt': ['reader'],
    'composer.register': ['content'],
    'composer.open': ['composer'],
    'settings.get': ['options'],
    'settings.set': ['options'],
    'account.exportPublicKey': ['options'],
    'setupMessage.create': ['options'],
    'setupMessage.send': ['options'],
    'setupMessage.inspect': ['options', 'setup'],
    'setupMessage.import': ['options', 'setup'],
    'composer.recommend': ['composer'],
    'composer.send': ['composer'],
    'peers.list': ['options'],
    'gmail.compose': ['content'],
    'gmail.armor': ['composer'],
    'gmail.dismiss': ['composer'],
    'gmail.send': ['composer'],
    'reader.progress': ['reader'],
    'messages.opened': ['content', 'viewer'],
  };

/** A request on the wire. */
export interface Envelope<N extends RequestName = RequestName> {
  channel: typeof CHANNEL;
  name: N;
  payload: Requests[N]['request'];
}

/** Answers carry either a value or a typed error, never a thrown exception. */
export type Answer<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Marks our messages so unrelated runtime traffic is ignored. */
export const CHANNEL = 'ecosmail-autocrypt/1';

/** Background → content script: hand a finished message to the page. */
export interface PageSubmit {
  channel: typeof CHANNEL;
  name: 'page.submit';
  payload: { composeId: string; recipients: string[]; mime: string };
}

/** Background → Gmail content script: close our composer in that compose window. */
export interface GmailDismiss {
  channel: typeof CHANNEL;
  name: 'gmail.dismiss';
  payload: { composeId: string };
}

/** Background → Gmail content script: put this armored text into a compose body. */
export interface GmailInsert {
  channel: typeof CHANNEL;
  name: 'gmail.insert';
  payload: {
    composeId: string;
    armored: string;
    /** Our public key, to attach to the Gmail draft; never a secret key. */
    publicKey: { fileName: string; armored: string } | null;
  };
}
