/**
 * Tickets bind an extension frame to the message or draft it shows and to
 * the tab that asked for it. The content script gets a ticket from the
 * background and mounts our frame with it; the frame presents it back. A
 * page that copies our frame URL into another tab gets nothing, because the
 * ticket belongs to the first tab.
 *
 * Tickets live in session storage: they survive the service worker being
 * stopped and restarted, and vanish when the browser closes. The raw
 * message of a reader ticket (ciphertext, possibly many MiB) is kept apart
 * in a bulk area, because session storage holds only 10 MB in all; the
 * background empties that area when the browser starts.
 */
import type { StorageArea } from '../keyring/area';
import { ProtocolError } from '../messaging/errors';

/** A message opened in a tab, waiting for the reader frame. */
export interface ReaderTicket {
  kind: 'reader';
  tabId: number;
  messageId: string;
  /** Base64 of the raw message. */
  raw: string;
  /** The webmail filed the message as spam: decrypting it teaches no peer state. */
  spam?: boolean;
  created: number;
}

/** A compose slot, with what the page already knew about the draft. */
export interface ComposerTicket {
  kind: 'composer';
  tabId: number;
  composeId: string;
  to: string[];
  cc: string[];
  subject: string;
  inReplyTo: string | null;
  references: string[];
  /** The account the page was signed in with, if it said. */
  pageAccount: string | null;
  /** Set for a Gmail compose window: its conversation's API thread id. */
  gmail?: { threadId: string | null };
  /**
   * The Message-ID of what is sent from this slot, fixed when the slot registers:
   * the send id that makes a retried send the same message (attack suite MV-02).
   */
  messageId?: string;
  /** Base64 of a stored draft the page offered for this slot (ciphertext). */
  draft?: string;
  created: number;
}

export type Ticket = ReaderTicket | ComposerTicket;

// TODO(2026-12-04): a ticket is bound to its tab, not to the frame it was issued
// for: the page can mount a second copy of our frame (same tab, same ticket), e.g.
// transparent under its own button (attack suite EX-03/EX-04). Binding the ticket
// to the first frame id that redeems it needs `sender.frameId` in the Caller.
const PREFIX = 'ticket:';
const RAW_PREFIX = 'ticket-raw:';
const ENCRYPTED_PREFIX = 'encrypted-id:';
const ADDED_PREFIX = 'added-recipients:';

/** How many tickets are kept; the oldest go first. Raw mail is large. */
const MAX_TICKETS = 40;

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Raw mail of the newest reader tickets kept in the worker's memory as well, up
 * to this many characters of base64 in all: the frame redeems its ticket moments
 * after it was issued, and reading a 47 MiB mail back from storage is a long
 * round trip through the browser process. A stopped worker reads storage again.
 */
const RECENT_RAW_CHARS = 64 * 1024 * 1024;

/** Issues and checks tickets. */
export class TicketStore {
  private readonly area: StorageArea;
  private readonly bulk: StorageArea;
  /** Ticket id → base64 raw mail, newest last (see RECENT_RAW_CHARS). */
  private readonly recentRaw = new Map<string, string>();

  /**
   * @param area - session storage, for the tickets
   * @param bulk - where raw messages go (default: `area`)
   */
  constructor(area: StorageArea, bulk: StorageArea = area) {
    this.area = area;
    this.bulk = bulk;
  }

  /** Stores a ticket and returns its id. */
  async issue(ticket: Ticket): Promise<string> {
    const id = randomId();
    if (ticket.kind === 'reader') {
      const { raw, ...rest } = ticket;
      await this.bulk.set({ [RAW_PREFIX + id]: raw });
      await this.area.set({ [PREFIX + id]: { ...rest, raw: '' } });
      this.remember(id, raw);
    } else {
      await this.area.set({ [PREFIX + id]: ticket });
    }
    await this.prune();
    return id;
  }

  /** Drops every stored raw message; run when the browser starts. */
  async clearBulk(): Promise<void> {
    const all = await this.bulk.get(null);
    const keys = Object.keys(all).filter((k) => k.startsWith(RAW_PREFIX));
    if (keys.length > 0) await this.bulk.remove(keys);
    this.recentRaw.clear();
  }

  /**
   * The newest compose slot's ticket, if any: where a message the user asked for
   * outside the webmail (a Setup Message) can be handed to the page.
   */
  async newestComposer(): Promise<ComposerTicket | undefined> {
    const all = await this.area.get(null);
    return Object.entries(all)
      .filter(([key]) => key.startsWith(PREFIX))
      .map(([, ticket]) => ticket as Ticket)
      .filter((ticket): ticket is ComposerTicket => ticket.kind === 'composer')
      .sort((a, b) => b.created - a.created)[0];
  }

  /**
   * The ticket of that kind, if it exists and belongs to the asking tab.
   *
   * @throws ProtocolError `unknown-ticket` or `wrong-tab`
   */
  async redeem<K extends Ticket['kind']>(
    id: string,
    kind: K,
    tabId: number | undefined,
  ): Promise<Extract<Ticket, { kind: K }>> {
    const got = await this.area.get(PREFIX + id);
    const ticket = got[PREFIX + id] as Ticket | undefined;

    if (!ticket || ticket.kind !== kind) {
      throw new ProtocolError(
        'unknown-ticket',
        'this view has expired; reopen the message',
      );
    }
    if (ticket.tabId !== tabId) {
      throw new ProtocolError('wrong-tab', 'this view belongs to another tab');
    }
    if (ticket.kind === 'reader') {
      const raw =
        this.recentRaw.get(id) ?? (await this.bulk.get(RAW_PREFIX + id))[RAW_PREFIX + id];
      if (typeof raw !== 'string') {
        throw new ProtocolError(
          'unknown-ticket',
          'this view has expired; reopen the message',
        );
      }
      return { ...ticket, raw } as Extract<Ticket, { kind: K }>;
    }
    return ticket as Extract<Ticket, { kind: K }>;
  }

  /** Remembers that the message with this Message-ID arrived encrypted. */
  async markEncrypted(messageId: string): Promise<void> {
    await this.area.set({ [ENCRYPTED_PREFIX + messageId]: true });
  }

  /** Whether a message with this Message-ID was seen encrypted. */
  async wasEncrypted(messageId: string): Promise<boolean> {
    const got = await this.area.get(ENCRYPTED_PREFIX + messageId);
    return got[ENCRYPTED_PREFIX + messageId] === true;
  }

  /**
   * Remembers the outer To/Cc/Reply-To addresses that a message decrypted in
   * `tabId` did not name inside its encryption (attack suite HP-02, RO-05), for
   * a reply written in that tab to warn about them. Only addresses are kept, and
   * only for that tab: a page in another tab learns nothing of what was read here.
   * An empty list forgets what an earlier decryption stored.
   */
  async markAddedRecipients(
    tabId: number,
    messageId: string,
    addrs: string[],
  ): Promise<void> {
    const key = `${ADDED_PREFIX}${tabId}:${messageId}`;
    if (addrs.length === 0) await this.area.remove([key]);
    else await this.area.set({ [key]: addrs });
  }

  /** What {@link markAddedRecipients} stored for this tab and Message-ID, or none. */
  async addedRecipients(tabId: number, messageId: string): Promise<string[]> {
    const key = `${ADDED_PREFIX}${tabId}:${messageId}`;
    const got = (await this.area.get(key))[key];
    return Array.isArray(got)
      ? got.filter((a): a is string => typeof a === 'string')
      : [];
  }

  // Keeps `raw` in memory, forgetting the oldest beyond RECENT_RAW_CHARS.
  private remember(id: string, raw: string): void {
    this.recentRaw.set(id, raw);
    let chars = 0;
    for (const kept of this.recentRaw.values()) chars += kept.length;
    for (const [oldId, kept] of this.recentRaw) {
      if (chars <= RECENT_RAW_CHARS) break;
      this.recentRaw.delete(oldId);
      chars -= kept.length;
    }
  }

  private async prune(): Promise<void> {
    const all = await this.area.get(null);
    const tickets = Object.entries(all)
      .filter(([k]) => k.startsWith(PREFIX))
      .sort(([, a], [, b]) => (a as Ticket).created - (b as Ticket).created);
    const excess = tickets.length - MAX_TICKETS;
    if (excess <= 0) return;
    const dropped = tickets.slice(0, excess).map(([k]) => k);
    await this.area.remove(dropped);
    await this.bulk.remove(dropped.map((k) => RAW_PREFIX + k.slice(PREFIX.length)));
    for (const k of dropped) this.recentRaw.delete(k.slice(PREFIX.length));
  }
}
