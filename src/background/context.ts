/**
 * What every request handler gets: the stores, the way to reach the page,
 * and who asked.
 */
import type { KeyringStore, StoredAccount } from '../keyring/store';
import type { Ticket, TicketStore } from './tickets';
import { str } from './check';
import type { OperationLimits } from './limits';
import type { UnlockCache } from '../keyring/unlock-cache';
import type { PromptWindows } from './prompts';
import type { RequestName, Requests, SenderKind } from '../messaging/protocol';
import type { SubmitResult } from '../webmail/ecosmail/contract';
import { ProtocolError } from '../messaging/errors';

/** Long-lived parts shared by all handlers. */
export interface Services {
  keyring: KeyringStore;
  tickets: TicketStore;
  /** Per-key and per-view budgets of private-key operations. */
  limits: OperationLimits;
  /** Hands a finished message to the content script of a tab. */
  submitToPage(
    tabId: number,
    payload: {
      composeId: string;
      recipients: string[];
      mime: string;
      messageId?: string;
    },
  ): Promise<SubmitResult>;
  /** Sends a message to the top-frame content script of a tab (Gmail's). */
  toContent(tabId: number, message: unknown): Promise<unknown>;
  /**
   * An OAuth access token for the Gmail API (`gmail.send` scope only). The
   * seam where tests, which have no Google account, place a token.
   */
  gmailToken(): Promise<string>;
  /** Clock in ms; a seam for tests. */
  now(): number;
  /**
   * Our private key while unlocked (session storage). Absent where no key is ever
   * protected (most unit tests): a protected key then counts as locked.
   */
  unlocked?: UnlockCache;
  /** Questions asked in our own popup window (unlock, confirmations). */
  prompts?: PromptWindows;
}

/** The asking side of one request. */
export interface Caller {
  kind: SenderKind;
  tabId: number | undefined;
}

/** A handler for one request name. */
export type Handler<N extends RequestName> = (
  payload: Requests[N]['request'],
  caller: Caller,
  services: Services,
) => Promise<Requests[N]['response']>;

/** Handlers for every request. */
export type HandlerTable = { [N in RequestName]: Handler<N> };

/** The account, or a `no-account` error telling the user to set up first. */
export async function requireAccount(services: Services): Promise<StoredAccount> {
  const account = await services.keyring.getAccount();
  if (!account) {
    throw new ProtocolError('no-account', 'set up EcosMail Autocrypt first (no key yet)');
  }
  return account;
}

/**
 * The ticket a frame presents with its request, checked for its kind and for
 * the tab asking (see `tickets.ts`).
 */
export function redeemTicket<K extends Ticket['kind']>(
  services: Services,
  payload: { ticket: unknown },
  kind: K,
  caller: Caller,
): Promise<Extract<Ticket, { kind: K }>> {
  return services.tickets.redeem(str(payload.ticket, 'ticket'), kind, caller.tabId);
}
