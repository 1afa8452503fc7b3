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
  'content' | 'reader' | 'composer' | 'setup' | 'options' | 'viewer' | 'unlock';

/** The account as the extension pages may see it: never the secret key. */
export interface AccountStatus {
  configured: boolean;
  addr?: string;
  name?: string;
  fingerprint?: string;
  prefer_encrypt?: PreferEncrypt;
  /** When the key was last backed up (ms); null: never, so we remind (MV-07). */
  backedUpAt?: number | null;
}

/** One key of a key file in the import preview (never key material). */
export interface KeyPreviewView {
  fingerprint: string;
  /** e.g. `EdDSA Ed25519 + ECDH Curve25519`, `RSA 4096`. */
  algorithm: string;
  created: number;
  /** User IDs with a valid self-signature only (SG-14). */
  userIDs: { userID: string; email: string }[];
  /** User IDs left out for lacking a valid self-signature. */
  droppedUserIDs: number;
  locked: boolean;
  /** Why it cannot be imported (code for the UI's text, detail names the reason). */
  refusal: { code: string; detail: string } | null;
  /** Peer import: the canonical addresses it would be filed under. */
  addrs: string[];
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

/**
 * One piece of a plain mail with armored blocks inside its text (EF-13): shown
 * each in its own area, unencrypted text labelled, never joined with a block.
 */
export type InlinePartSummary =
  | { kind: 'unencrypted'; text: string }
  | {
      kind: 'decrypted';
      text: string;
      signature: SignatureSummary;
      signerMatchesFrom: boolean;
    }
  | { kind: 'failed'; code: string }
  | { kind: 'skipped' };

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
  history: {
    fingerprint: string;
    first_seen: number;
    source: 'autocrypt' | 'gossip' | 'imported';
  }[];
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

/** A question asked in our popup window (`unlock.html`), as the popup shows it. */
export type PromptView =
  | { kind: 'unlock'; addr: string; fingerprint: string }
  | { kind: 'confirm-decrypt'; from: string; subject: string }
  | { kind: 'confirm-send'; recipients: string[]; encrypt: boolean }
  | { kind: 'confirm-restore' };

/** Whether our secret key has a passphrase, and whether it is unlocked now. */
export interface ProtectionView {
  protected: boolean;
  /** Until when the key stays unlocked (ms); null when locked or not protected. */
  unlockedUntil: number | null;
  /** How long an unlock lasts (minutes). */
  unlock_minutes: number;
}

/** Every request the background answers: payload, answer, allowed senders. */
export interface Requests {
  'account.status': {
    request: Record<string, never>;
    response: AccountStatus;
    senders: 'setup' | 'options' | 'composer' | 'reader' | 'content';
  };
  'account.create': {
    request: {
      addr: string;
      name: string;
      prefer_encrypt: PreferEncrypt;
      /** Protect the new key with this passphrase from the start (optional). */
      passphrase?: string;
    };
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
    request: {
      raw: string /* base64 */;
      code: string;
      addr?: string;
      /** The account's passphrase, when it has one: it protects the new key too. */
      accountPassphrase?: string;
    };
    response: AccountStatus;
    senders: 'options' | 'setup';
  };
  'message.opened': {
    request: {
      messageId: string;
      raw: string /* base64 */;
      /** The webmail filed it as spam: no peer state is learned from it (AC-11). */
      spam?: boolean;
    };
    response: { header: HeaderSummary; encrypted: boolean; ticket: string | null };
    senders: 'content' | 'viewer';
  };
  'reader.describe': {
    request: { ticket: string };
    response: {
      from: string;
      subject: string;
      date: string | null;
      /** Armored blocks inside a plain mail's text (EF-13); 0 for an encrypted mail. */
      embeddedBlocks: number;
      /**
       * The unencrypted text around those blocks, in order (not secret), for the
       * reader to show before any decryption; empty for an encrypted mail.
       */
      unencrypted: string[];
    };
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
      /** A plain mail with armored blocks in its text: its pieces, each apart. */
      inlineParts?: InlinePartSummary[];
      /**
       * Files inside the encryption (AU-05). The reader lists their names as text
       * and offers the bytes only as an inert download, never rendering them.
       */
      attachments?: {
        /** As the sender named it: untrusted text. */
        name: string;
        mimeType: string;
        size: number;
        /** Base64 of the bytes, decoded only when the user asks for the file. */
        data: string;
      }[];
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
      /** A stored draft this compose continues (base64 of its raw bytes), if any. */
      draft?: string | null;
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
      /** The page offered a stored draft: the composer shows "Restore". */
      hasDraft: boolean;
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
    /** `alreadySent`: an earlier try of this compose session had gone out. */
    response: { encrypted: boolean; alreadySent: boolean };
    senders: 'composer';
  };
  /** Saves the composer's fields as a draft encrypted to ourselves, via the page. */
  'composer.saveDraft': {
    request: {
      ticket: string;
      to: string[];
      cc: string[];
      subject: string;
      text: string;
    };
    response: { saved: boolean };
    senders: 'composer';
  };
  /**
   * Decrypts the slot's stored draft; the composer sends it only from the Restore
   * button's click handler (a private-key operation needs the user's gesture).
   */
  'composer.restoreDraft': {
    request: { ticket: string };
    response: { to: string[]; cc: string[]; subject: string; text: string };
    senders: 'composer';
  };
  /** Where this compose slot's send stands, after the answer to a send was lost. */
  'composer.sendStatus': {
    request: { ticket: string };
    response: { state: 'sent' | 'sending' | 'not-sent' | 'unknown' };
    senders: 'composer';
  };
  'peers.list': {
    request: Record<string, never>;
    response: PeerSummary[];
    senders: 'options';
  };
  /** Reads a secret key file from another client, for the import preview. */
  'ownKey.inspect': {
    request: { armored: string };
    response: { keys: KeyPreviewView[]; accountAddr: string | null };
    senders: 'options';
  };
  /** Makes the confirmed key from that file our account key (old one kept). */
  'ownKey.import': {
    request: {
      armored: string;
      fingerprint: string;
      /** Typed on the options page; used once to decrypt, never stored. */
      passphrase: string;
      /** Before setup: which of the key's addresses the account is for. */
      addr?: string;
      /** The account's passphrase, when it has one: it protects the new key too. */
      accountPassphrase?: string;
    };
    response: AccountStatus;
    senders: 'options';
  };
  /** Reads a file of peers' public keys, for the import preview. */
  'peerKeys.inspect': {
    request: { armored: string };
    response: { keys: KeyPreviewView[] };
    senders: 'options';
  };
  /** Stores the confirmed keys of that file, all or none, in one write. */
  'peerKeys.import': {
    request: { armored: string; fingerprints: string[] };
    response: { addrs: string[] };
    senders: 'options';
  };
  /** The user saved a Setup Message file: the key is backed up (MV-07). */
  'backup.record': {
    request: Record<string, never>;
    response: AccountStatus;
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
  /** Opens our popup to ask the passphrase; answers once it was unlocked or closed. */
  'unlock.ask': {
    request: Record<string, never>;
    response: { unlocked: boolean };
    senders: 'reader' | 'composer' | 'options';
  };
  /** Forgets the unlocked key now ("Lock"). */
  'protection.lock': {
    request: Record<string, never>;
    response: ProtectionView;
    senders: 'options' | 'reader' | 'composer';
  };
  'protection.get': {
    request: Record<string, never>;
    response: ProtectionView;
    senders: 'options' | 'setup';
  };
  /**
   * Sets (`current` null), changes or removes (`next` null) the passphrase of our
   * secret key; `current` must unlock a protected key.
   */
  'protection.set': {
    request: { current: string | null; next: string | null };
    response: ProtectionView;
    senders: 'options' | 'setup';
  };
  /** How long an unlock lasts, in minutes. */
  'protection.duration': {
    request: { minutes: number };
    response: ProtectionView;
    senders: 'options';
  };
  /** The reader could not see its Decrypt click as visible: ask in our popup. */
  'reader.confirm': {
    request: { ticket: string };
    response: { confirmed: boolean };
    senders: 'reader';
  };
  /** The composer could not see its Send click as visible: ask in our popup. */
  'composer.confirm': {
    /** `restore`: decrypting the stored draft; otherwise (`send`) sending. */
    request: {
      ticket: string;
      to: string[];
      cc: string[];
      encrypt: boolean;
      action?: 'send' | 'restore';
    };
    response: { confirmed: boolean };
    senders: 'composer';
  };
  /** The popup reads the question it was opened for. */
  'prompt.describe': {
    request: { id: string };
    response: PromptView;
    senders: 'unlock';
  };
  /** The passphrase typed in the popup; a wrong one is answered `bad-passphrase`. */
  'prompt.unlock': {
    request: { id: string; passphrase: string };
    response: { unlocked: true };
    senders: 'unlock';
  };
  /** Confirm or Cancel in the popup. */
  'prompt.answer': {
    request: { id: string; agreed: boolean };
    response: { done: true };
    senders: 'unlock';
  };
  /**
   * Several opened messages in one request (an inbox scan, a thread): each is
   * handled as `message.opened`, and answered in order with its result or error.
   */
  'messages.opened': {
    request: { messages: Requests['message.opened']['request'][] };
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
    'ownKey.inspect': ['options'],
    'ownKey.import': ['options'],
    'peerKeys.inspect': ['options'],
    'peerKeys.import': ['options'],
    'backup.record': ['options'],
    'gmail.compose': ['content'],
    'gmail.armor': ['composer'],
    'gmail.dismiss': ['composer'],
    'gmail.send': ['composer'],
    'unlock.ask': ['reader', 'composer', 'options'],
    'protection.lock': ['options', 'reader', 'composer'],
    'protection.get': ['options', 'setup'],
    'protection.set': ['options', 'setup'],
    'protection.duration': ['options'],
    'reader.confirm': ['reader'],
    'composer.confirm': ['composer'],
    'prompt.describe': ['unlock'],
    'prompt.unlock': ['unlock'],
    'prompt.answer': ['unlock'],
    'composer.sendStatus': ['composer'],
    'composer.saveDraft': ['composer'],
    'composer.restoreDraft': ['composer'],
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
  payload: { composeId: string; recipients: string[]; mime: string; messageId?: string };
}

/** Background → EcosMail content script: where does this send id stand? */
export interface PageSendStatus {
  channel: typeof CHANNEL;
  name: 'page.sendStatus';
  payload: { messageId: string };
}

/** Background → EcosMail content script: store this draft of a compose slot. */
export interface PageSaveDraft {
  channel: typeof CHANNEL;
  name: 'page.saveDraft';
  payload: { composeId: string; mime: string };
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
