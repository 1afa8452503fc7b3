/**
 * Our private key while the user has it unlocked: kept in session storage (in
 * memory, never written to disk; gone when the browser closes), so it survives
 * the background being stopped, with the time it expires.
 *
 * The expiry is checked against the clock on every read. An alarm or timer
 * alone is not enough: a worker that was stopped, or an alarm that fires late,
 * would leave the key usable past its time (attack suite MV-08).
 *
 * Session storage is readable by extension pages and the background only: its
 * access level stays `TRUSTED_CONTEXTS`, the default, so content scripts, which
 * share the DOM with the webmail page, cannot read it.
 */
import type { StorageArea } from './area';

/** One unlocked key in session storage. */
interface Entry {
  /** The private key without its passphrase protection, armored. */
  armored: string;
  /** When it was unlocked (ms). */
  since: number;
  /** When it locks again (ms). */
  expires: number;
}

const PREFIX = 'unlocked:';

/** The unlocked keys, by primary fingerprint. */
export class UnlockCache {
  private readonly area: StorageArea;
  private readonly now: () => number;

  /**
   * @param area - session storage in the extension; a memory area in tests
   * @param now - the clock (ms)
   */
  constructor(area: StorageArea, now: () => number) {
    this.area = area;
    this.now = now;
  }

  /**
   * The unlocked key, or null when it was never unlocked, was locked, or has
   * expired. An expired entry is removed on the way.
   */
  async get(fingerprint: string): Promise<string | null> {
    const entry = await this.entry(fingerprint);
    return entry?.armored ?? null;
  }

  /** Until when the key stays unlocked (ms), or null when it is locked. */
  async expiresAt(fingerprint: string): Promise<number | null> {
    const entry = await this.entry(fingerprint);
    return entry?.expires ?? null;
  }

  /** Keeps `armored`, the unlocked key, for `ttlMs` from now. */
  async put(fingerprint: string, armored: string, ttlMs: number): Promise<void> {
    const since = this.now();
    const entry: Entry = { armored, since, expires: since + ttlMs };
    await this.area.set({ [PREFIX + fingerprint]: entry });
  }

  /**
   * Holds every unlocked key to at most `ttlMs` from its unlock: a shorter unlock
   * time chosen by the user applies to the unlock in force too, not only to the next.
   */
  async shortenTo(ttlMs: number): Promise<void> {
    const all = await this.area.get(null);
    const shortened: Record<string, Entry> = {};
    for (const [key, value] of Object.entries(all)) {
      const entry = value as Entry;
      if (!key.startsWith(PREFIX) || entry.since + ttlMs >= entry.expires) continue;
      shortened[key] = { ...entry, expires: entry.since + ttlMs };
    }
    // Expired entries are removed by the next read, which checks the clock.
    if (Object.keys(shortened).length > 0) await this.area.set(shortened);
  }

  /** Locks every key: "Lock" in our UI, a passphrase change, a new key. */
  async clear(): Promise<void> {
    const all = await this.area.get(null);
    const keys = Object.keys(all).filter((k) => k.startsWith(PREFIX));
    if (keys.length > 0) await this.area.remove(keys);
  }

  private async entry(fingerprint: string): Promise<Entry | null> {
    const key = PREFIX + fingerprint;
    const entry = (await this.area.get(key))[key] as Entry | undefined;
    if (!entry) return null;

    // A clock set back before the unlock counts as expired too: the time the key
    // has been unlocked can no longer be told.
    const now = this.now();
    if (now >= entry.expires || now < entry.since) {
      await this.area.remove(key);
      return null;
    }
    return entry;
  }
}
