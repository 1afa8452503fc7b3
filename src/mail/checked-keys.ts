/**
 * Remembers the outcome of the keydata check per keydata: every mail from a
 * correspondent repeats their key, and reading it (two signature checks) is
 * most of the cost of an Autocrypt header. The check depends on the bytes
 * alone (expiry is not part of it), so the same bytes always get the same
 * answer and a remembered one is as good as a fresh one.
 */
import { BoundedCache, sha256Hex } from '../util/bounded-cache';

/** The outcome of one keydata check: a fingerprint, or why the key failed. */
export type KeydataOutcome = { fingerprint: string } | { failure: string };

/**
 * How many outcomes are kept; the oldest go first. Entries are keyed by a
 * SHA-256 of the keydata, so each costs about 200 bytes whatever the key's size.
 */
export const CHECKED_KEYS_LIMIT = 4096;

/** A bounded memory of keydata outcomes, keyed by the keydata's SHA-256. */
export class CheckedKeys extends BoundedCache<KeydataOutcome> {
  constructor(limit = CHECKED_KEYS_LIMIT) {
    super(limit);
  }
}

/** The key {@link CheckedKeys} files keydata under: its SHA-256, hex. */
export const keydataDigest = (keydata: Uint8Array): Promise<string> => sha256Hex(keydata);
