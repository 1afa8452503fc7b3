/**
 * Autocrypt peer state and the rules that update it.
 *
 * Spec: Autocrypt Level 1, "Communication Peers", "Updating Autocrypt Peer State"
 * and "Updating Autocrypt Peer State from Key Gossip". Pure functions over plain
 * objects so that the keyring can store them as they are.
 */

import { bytesToBase64 } from '../util/base64';
import { canonicalAddr } from './addr';
import type { PreferEncrypt } from './header';

/** One key seen for a peer, kept so that the UI can say "the key changed". */
export interface KeyChange {
  /** Upper-case hex fingerprint of the primary key. */
  fingerprint: string;
  /** Effective date (ms) of the first message that carried this key. */
  first_seen: number;
  /** Where the key came from: a header, gossip, or a key file the user imported. */
  source: 'autocrypt' | 'gossip' | 'imported';
}

/** What we know about one peer, indexed by canonical `addr`. Timestamps are ms. */
export interface PeerState {
  /** Canonical address of the peer. */
  addr: string;
  /** Effective date of the newest message processed from this peer. */
  last_seen: number;
  /** Effective date of the newest message with a valid Autocrypt header (0: none). */
  autocrypt_timestamp: number;
  /** Base64 of the keydata of the youngest valid Autocrypt header, or null. */
  public_key: string | null;
  /** Fingerprint of `public_key`, kept beside it to avoid re-parsing. */
  public_key_fingerprint: string | null;
  /** `prefer-encrypt` of the youngest valid Autocrypt header. */
  prefer_encrypt: PreferEncrypt;
  /** Effective date of the newest message that gossiped a key for this peer (0: none). */
  gossip_timestamp: number;
  /** Base64 of the keydata of the newest `Autocrypt-Gossip` header, or null. */
  gossip_key: string | null;
  /** Fingerprint of `gossip_key`. */
  gossip_key_fingerprint: string | null;
  /** Every distinct key seen for this peer, oldest first. */
  history: KeyChange[];
}

/** A validated key announcement: keydata that already passed `readCertificate`. */
export interface ValidatedKey {
  /** Binary transferable public key. */
  keydata: Uint8Array;
  /** Its primary fingerprint (upper-case hex). */
  fingerprint: string;
}

/**
 * Applies one incoming message from `update.addr` to that peer's state.
 *
 * Returns the new state, or `undefined` when the message changes nothing (an older
 * message never overwrites newer state). A message without a valid header only
 * moves `last_seen`: the key stays, and the 35-day rule of the recommendation
 * lowers it to `discourage` over time instead of dropping it at once.
 *
 * Deliberately narrower than the spec's table: a message without a header from an
 * address we hold no state for creates no peer. Such a peer could only ever get
 * `disable`, and keeping one per newsletter and stranger is data we need not hold.
 * The cost: if an older message with a header is processed after newer headerless
 * ones, the 35-day rule cannot see those newer messages.
 *
 * @param prev the stored state, `undefined` for a peer never seen
 * @param update `effectiveDate` in ms; `header` is the single valid header, if any
 */
export function updatePeerState(
  prev: PeerState | undefined,
  update: {
    addr: string;
    effectiveDate: number;
    header: ({ prefer_encrypt: PreferEncrypt } & ValidatedKey) | null;
  },
): PeerState | undefined {
  const { effectiveDate, header } = update;
  if (!prev && !header) return undefined;
  const peer = prev ?? emptyPeer(update.addr);

  // 1. "If the message's effective date is older than the
  //    peers[from-addr].autocrypt_timestamp value, then no changes are required".
  if (prev && effectiveDate < prev.autocrypt_timestamp) return undefined;

  // 2. "If the message's effective date is more recent than peers[from-addr].last_seen
  //    then set peers[from-addr].last_seen to the message's effective date."
  const next: PeerState = { ...peer, last_seen: Math.max(peer.last_seen, effectiveDate) };

  // 3. "If the Autocrypt header is unavailable, no further changes are required".
  if (header) {
    // 4.-6. autocrypt_timestamp, public_key and prefer_encrypt from the header.
    next.autocrypt_timestamp = effectiveDate;
    next.public_key = bytesToBase64(header.keydata);
    next.public_key_fingerprint = header.fingerprint;
    next.prefer_encrypt = header.prefer_encrypt;
    next.history = recordKey(
      peer.history,
      header.fingerprint,
      effectiveDate,
      'autocrypt',
    );
  }

  return prev && samePeer(prev, next) ? undefined : next;
}

/**
 * Applies one `Autocrypt-Gossip` header about `update.addr`. The caller has already
 * checked that the header came from inside an encrypted payload and that its addr
 * is in the message's To, Cc or Reply-To (spec step 1).
 *
 * @returns the new state, or `undefined` when nothing changes
 */
export function updatePeerGossip(
  prev: PeerState | undefined,
  update: {
    addr: string;
    effectiveDate: number;
    gossip: ValidatedKey;
    /** `'imported'` for a key from a file the user chose (see importPeerKey). */
    source?: 'gossip' | 'imported';
  },
): PeerState | undefined {
  const { effectiveDate, gossip } = update;

  // 2. "If peers[gossip-addr].gossip_timestamp is more recent than the message's
  //    effective date, then the update process terminates."
  if (prev && prev.gossip_timestamp > effectiveDate) return undefined;

  // 3.-4. gossip_timestamp and gossip_key from the header.
  const peer = prev ?? emptyPeer(update.addr);
  const next: PeerState = {
    ...peer,
    gossip_timestamp: effectiveDate,
    gossip_key: bytesToBase64(gossip.keydata),
    gossip_key_fingerprint: gossip.fingerprint,
    history: recordKey(
      peer.history,
      gossip.fingerprint,
      effectiveDate,
      update.source ?? 'gossip',
    ),
  };

  return prev && samePeer(prev, next) ? undefined : next;
}

/** A state for a peer we have no message from yet. */
export function emptyPeer(addr: string): PeerState {
  return {
    addr: canonicalAddr(addr),
    last_seen: 0,
    autocrypt_timestamp: 0,
    public_key: null,
    public_key_fingerprint: null,
    prefer_encrypt: 'nopreference',
    gossip_timestamp: 0,
    gossip_key: null,
    gossip_key_fingerprint: null,
    history: [],
  };
}

// A fingerprint enters the history once, when first seen; seeing it again (or from
// another source) is not a change worth telling the user about.
function recordKey(
  history: KeyChange[],
  fingerprint: string,
  first_seen: number,
  source: KeyChange['source'],
): KeyChange[] {
  if (history.some((entry) => entry.fingerprint === fingerprint)) return history;
  return [...history, { fingerprint, first_seen, source }];
}

function samePeer(a: PeerState, b: PeerState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** How long a key change stays pointed out to the user (attack suite AC-07). */
export const KEY_CHANGE_NOTICE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * When the key we would encrypt to replaced an earlier one, if that happened within
 * {@link KEY_CHANGE_NOTICE_MS} before `now`; else null. A forged header (attack
 * suite AC-07) replaces the key like a genuine new one would, so the change is
 * shown rather than applied in silence.
 */
export function recentKeyChange(peer: PeerState | undefined, now: number): number | null {
  const current = peer?.public_key_fingerprint ?? peer?.gossip_key_fingerprint ?? null;
  if (!peer || current === null) return null;
  const index = peer.history.findIndex((entry) => entry.fingerprint === current);
  if (index <= 0) return null;
  const since = peer.history[index]!.first_seen;
  return now - since <= KEY_CHANGE_NOTICE_MS ? since : null;
}
