/**
 * Tickets bind an extension frame to the message or draft it shows and to
 * the tab that asked for it. The content script gets a ticket from the
 * background and mounts our frame with it; the frame presents it back. A
 * page that copies our frame URL into another tab gets nothing, because the
 * ticket belongs to the first tab.
 *
 * Tickets live in session storage: they survive the service worker being
 * stopped and restarted, and vanish when the browser closes.
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
  created: number;
}

export type Ticket = ReaderTicket | ComposerTicket;

const PREFIX = 'ticket:';
const ENCRYPTED_PREFIX = 'encrypted-id:';

/** How many tickets are kept; the oldest go first. Raw mail is large. */
const MAX_TICKETS = 40;

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Issues and checks tickets. */
export class TicketStore {
  private readonly area: StorageArea;

  constructor(area: StorageArea) {
    this.area = area;
  }

  /** Stores a ticket and returns its id. */
  async issue(ticket: Ticket): Promise<string> {
    const id = randomId();
    await this.area.set({ [PREFIX + id]: ticket });
    await this.prune();
    return id;
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

  private async prune(): Promise<void> {
    const all = await this.area.get(null);
    const tickets = Object.entries(all)
      .filter(([k]) => k.startsWith(PREFIX))
      .sort(([, a], [, b]) => (a as Ticket).created - (b as Ticket).created);
    const excess = tickets.length - MAX_TICKETS;
    if (excess > 0) await this.area.remove(tickets.slice(0, excess).map(([k]) => k));
  }
}
