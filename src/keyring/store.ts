/**
 * The persistent keyring: the user's account (own key pair) and the
 * Autocrypt peer state of every correspondent, in extension storage.
 *
 * Layout (schema version 2), one storage key per record so that each update
 * is atomic on its own and a peer write never rewrites the whole keyring:
 *   meta            { schema_version }
 *   account         StoredAccount
 *   settings        Settings (since version 2)
 *   peer:<addr>     PeerState (addr canonical)
 *
 * The background is the only writer; writes go through one queue so two
 * tabs reporting the same peer at once cannot interleave read and write.
 */
import type { PreferEncrypt } from '../autocrypt/header';
import type { PeerState } from '../autocrypt/peer-state';
import type { StorageArea } from './area';
import { migrate } from './migrations';

/** The user's own key pair and Autocrypt setting. */
export interface StoredAccount {
  addr: string;
  name: string;
  fingerprint: string;
  /**
   * Armored secret key, passphrase-protected when `protected` is true. Only the
   * background ever reads this field, through `src/background/own-key.ts`.
   */
  privateKeyArmored: string;
  /** The secret key is protected by the user's passphrase (absent: not protected). */
  protected?: boolean;
  publicKeyArmored: string;
  /** Base64 of the minimal 5-packet key sent in our Autocrypt header. */
  keydata: string;
  prefer_encrypt: PreferEncrypt;
  created: number;
  /**
   * Keys this account used before an imported key replaced them, newest last:
   * kept so that mail encrypted to them stays readable ("never silently lose
   * access"). Absent on accounts that never replaced a key.
   */
  previousKeys?: PreviousKey[];
  /**
   * When the user last backed the key up (ms): a Setup Message sent or saved, or
   * the key imported from a client that holds it. Absent or null: never, and the
   * options page keeps reminding (attack suite MV-07).
   */
  backedUpAt?: number | null;
}

/** An own key that an imported one replaced; only the background reads it. */
export interface PreviousKey {
  fingerprint: string;
  /** Armored secret key, stored as the current one is. */
  privateKeyArmored: string;
  /** When it was replaced (ms). */
  replacedAt: number;
  /** It was passphrase-protected when replaced (absent: not protected). */
  protected?: boolean;
}

/** The user's choices on the options page. */
export interface Settings {
  /** Hide the Subject of encrypted mail outside the encryption (RFC 9788). */
  protect_headers: boolean;
  /** How long a passphrase-protected key stays unlocked (minutes). */
  unlock_minutes: number;
}

/** What a fresh install (and the version 2 migration) starts with. */
export const DEFAULT_SETTINGS: Settings = { protect_headers: true, unlock_minutes: 30 };

const ACCOUNT = 'account';
const SETTINGS = 'settings';
const PEER_PREFIX = 'peer:';

/** Typed access to the keyring over one storage area. */
export class KeyringStore {
  private readonly area: StorageArea;
  private queue: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | null = null;

  constructor(area: StorageArea) {
    this.area = area;
  }

  /** Runs pending migrations once; every other call waits for it. */
  private open(): Promise<void> {
    this.ready ??= migrate(this.area).catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  /** Serialises writes: each runs after the previous one settled. */
  private write<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      await this.open();
      return step();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The account, or undefined before setup. */
  async getAccount(): Promise<StoredAccount | undefined> {
    await this.open();
    const got = await this.area.get(ACCOUNT);
    return got[ACCOUNT] as StoredAccount | undefined;
  }

  /** Stores the account; refuses to replace an existing one. */
  createAccount(account: StoredAccount): Promise<void> {
    return this.write(async () => {
      const got = await this.area.get(ACCOUNT);
      if (got[ACCOUNT]) throw new Error('an account already exists');
      await this.area.set({ [ACCOUNT]: account });
    });
  }

  /**
   * Replaces the account with `account` after `check` accepted the current one
   * (undefined before setup), in one step of the write queue. Used to change a
   * preference, or to import a key from a Setup Message.
   */
  updateAccount(
    change: (current: StoredAccount | undefined) => StoredAccount,
  ): Promise<StoredAccount> {
    return this.write(async () => {
      const got = await this.area.get(ACCOUNT);
      const next = change(got[ACCOUNT] as StoredAccount | undefined);
      await this.area.set({ [ACCOUNT]: next });
      return next;
    });
  }

  /** The settings; defaults for any field never written. */
  async getSettings(): Promise<Settings> {
    await this.open();
    const got = await this.area.get(SETTINGS);
    return { ...DEFAULT_SETTINGS, ...(got[SETTINGS] as Partial<Settings> | undefined) };
  }

  /** Changes some settings and returns them all. */
  updateSettings(change: Partial<Settings>): Promise<Settings> {
    return this.write(async () => {
      const got = await this.area.get(SETTINGS);
      const next = {
        ...DEFAULT_SETTINGS,
        ...(got[SETTINGS] as Partial<Settings> | undefined),
        ...change,
      };
      await this.area.set({ [SETTINGS]: next });
      return next;
    });
  }

  /**
   * Writes many peers in ONE storage write, after `change` computed them from the
   * stored states inside the write queue: a worker stopped mid-import, or a write
   * the storage refuses, leaves either all of them or none (attack suite MV-01,
   * MV-03). `chrome.storage.local.set` with several keys is one database batch.
   */
  putPeersAtOnce(
    addrs: string[],
    change: (current: Map<string, PeerState | undefined>) => PeerState[],
  ): Promise<PeerState[]> {
    return this.write(async () => {
      const keys = addrs.map((addr) => PEER_PREFIX + addr);
      const got = await this.area.get(keys);
      const current = new Map(
        addrs.map((addr) => [addr, got[PEER_PREFIX + addr] as PeerState | undefined]),
      );
      const next = change(current);
      if (next.length === 0) return next;
      await this.area.set(
        Object.fromEntries(next.map((peer) => [PEER_PREFIX + peer.addr, peer])),
      );
      return next;
    });
  }

  /** One peer by canonical address. */
  async getPeer(addr: string): Promise<PeerState | undefined> {
    await this.open();
    const key = PEER_PREFIX + addr;
    const got = await this.area.get(key);
    return got[key] as PeerState | undefined;
  }

  /** Every stored peer. */
  async listPeers(): Promise<PeerState[]> {
    await this.open();
    const all = await this.area.get(null);
    return Object.entries(all)
      .filter(([k]) => k.startsWith(PEER_PREFIX))
      .map(([, v]) => v as PeerState);
  }

  /**
   * Runs `step` inside the write queue with read and write access to peers,
   * so that reading a peer, deciding and storing its next state cannot
   * interleave with another message about the same peer.
   */
  withPeers<T>(step: (tx: PeerTransaction) => Promise<T>): Promise<T> {
    return this.write(() =>
      step({
        getPeer: async (addr) => {
          const key = PEER_PREFIX + addr;
          const got = await this.area.get(key);
          return got[key] as PeerState | undefined;
        },
        putPeer: (peer) => this.area.set({ [PEER_PREFIX + peer.addr]: peer }),
      }),
    );
  }
}

/** Peer access inside {@link KeyringStore.withPeers}. */
export interface PeerTransaction {
  getPeer(addr: string): Promise<PeerState | undefined>;
  putPeer(peer: PeerState): Promise<void>;
}
