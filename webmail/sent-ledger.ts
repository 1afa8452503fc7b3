/**
 * Which Message-IDs each account has sent, so that one message is never sent twice.
 *
 * A sender that lost the answer to a submission (its worker stopped, the network
 * dropped) cannot know whether the mail went out. It may ask ({@link SentLedger.state})
 * or simply submit again: a Message-ID already sent, or being sent right now, is
 * refused instead of going out a second time.
 */
import type { MailStore } from './mailstore.ts';

/** Where a Message-ID stands for an account. */
export type SendState = 'sent' | 'sending' | 'not-sent';

/** The Message-ID header of a CRLF message, or null when it has none. */
export function messageIdOf(mime: string): string | null {
  const end = mime.indexOf('\r\n\r\n');
  const head = end >= 0 ? mime.slice(0, end) : mime;
  // RFC 5322 2.2.3: unfold first; a folded Message-ID is legal.
  const lines = head.replace(/\r\n(?=[ \t])/g, '').split('\r\n');
  for (const line of lines) {
    const match = /^message-id[ \t]*:[ \t]*(<[^<>\s]+>)[ \t]*$/i.exec(line);
    if (match) return match[1] ?? null;
  }
  return null;
}

/** The sent Message-IDs per account, loaded from the Sent folder on first use. */
export class SentLedger {
  readonly #store: MailStore;
  readonly #sent = new Map<string, Promise<Set<string>>>();
  readonly #sending = new Set<string>();

  constructor(store: MailStore) {
    this.#store = store;
  }

  /** Where `messageId` stands for `account`. */
  async state(account: string, messageId: string): Promise<SendState> {
    if (this.#sending.has(key(account, messageId))) return 'sending';
    return (await this.#sentBy(account)).has(messageId) ? 'sent' : 'not-sent';
  }

  /**
   * Claims `messageId` for one submission. False when it was sent already or is being
   * sent: the caller must not submit it. Every true must be followed by
   * {@link finish}.
   */
  async claim(account: string, messageId: string): Promise<boolean> {
    const sent = await this.#sentBy(account);
    // Checked and set with no await in between: two claims cannot both win.
    const k = key(account, messageId);
    if (sent.has(messageId) || this.#sending.has(k)) return false;
    this.#sending.add(k);
    return true;
  }

  /** Ends a claim; `sent` records the Message-ID as sent for good. */
  async finish(account: string, messageId: string, sent: boolean): Promise<void> {
    if (sent) (await this.#sentBy(account)).add(messageId);
    this.#sending.delete(key(account, messageId));
  }

  #sentBy(account: string): Promise<Set<string>> {
    let ids = this.#sent.get(account);
    if (!ids) {
      ids = this.#store.list(account, 'sent').then((messages) => {
        const found = new Set<string>();
        for (const { raw } of messages) {
          const id = messageIdOf(raw.toString('utf8'));
          if (id) found.add(id);
        }
        return found;
      });
      // A failed read is not remembered: the next call tries again.
      ids.catch(() => this.#sent.delete(account));
      this.#sent.set(account, ids);
    }
    return ids;
  }
}

function key(account: string, messageId: string): string {
  return `${account} ${messageId}`;
}
