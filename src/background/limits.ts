/**
 * Per-key and per-view operation limits, so that a page cannot turn the extension
 * into a decryption oracle (attack suite EX-08): even with the user's clicks, a
 * page that feeds us message after message gets a bounded number of private-key
 * operations. Counts live in session storage, so a restarted worker keeps them and
 * a browser restart clears them (as it clears the tickets they relate to).
 */
import type { StorageArea } from '../keyring/area';
import { ProtocolError } from '../messaging/errors';

/** How many operations a scope allows: per minute, and in all (per session). */
export interface Budget {
  perMinute: number;
  total: number;
}

/** Private-key operations per key: Mailvelope's numbers, 100 a minute, 1000 in all. */
export const KEY_BUDGET: Budget = { perMinute: 100, total: 1000 };

/** Decryptions of one message view: a person reads a message a few times at most. */
export const VIEW_BUDGET: Budget = { perMinute: 10, total: 30 };

interface Usage {
  /** Start of the current one-minute window (ms). */
  windowStart: number;
  inWindow: number;
  total: number;
}

const PREFIX = 'limit:';
const MINUTE = 60_000;

/** Counts operations per scope and refuses the ones over budget. */
export class OperationLimits {
  private readonly area: StorageArea;
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(area: StorageArea, now: () => number) {
    this.area = area;
    this.now = now;
  }

  /**
   * Counts one operation in `scope`, or refuses it when the scope's budget is
   * spent. Calls are serialised so concurrent requests cannot both take the last
   * unit.
   *
   * @throws ProtocolError `'rate-limited'`
   */
  take(scope: string, budget: Budget): Promise<void> {
    return this.takeEach([[scope, budget]]);
  }

  /**
   * Counts one operation in every scope, or in none when any budget is spent:
   * one storage read and one write for them all (a decryption counts against its
   * view and its key).
   *
   * @throws ProtocolError `'rate-limited'`
   */
  takeEach(scopes: [string, Budget][]): Promise<void> {
    const next = this.queue.then(() => this.takeNow(scopes));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async takeNow(scopes: [string, Budget][]): Promise<void> {
    const now = this.now();
    const keys = scopes.map(([scope]) => PREFIX + scope);
    const stored = await this.area.get(keys);

    const next: Record<string, Usage> = {};
    scopes.forEach(([, budget], i) => {
      const key = keys[i]!;
      const usage = current(stored[key] as Usage | undefined, now);
      refuseOver(usage, budget);
      next[key] = { ...usage, inWindow: usage.inWindow + 1, total: usage.total + 1 };
    });

    await this.area.set(next);
  }
}

// The clock decides, not a timer: a window is over when a minute has passed,
// even if the worker slept through it.
function current(stored: Usage | undefined, now: number): Usage {
  return stored && now - stored.windowStart < MINUTE && now >= stored.windowStart
    ? stored
    : { windowStart: now, inWindow: 0, total: stored?.total ?? 0 };
}

function refuseOver(usage: Usage, budget: Budget): void {
  if (usage.total >= budget.total) {
    throw new ProtocolError(
      'rate-limited',
      'too many decryptions with this key in this session; restart the browser',
    );
  }
  if (usage.inWindow >= budget.perMinute) {
    throw new ProtocolError(
      'rate-limited',
      'too many decryptions in a minute; wait a minute and try again',
    );
  }
}
