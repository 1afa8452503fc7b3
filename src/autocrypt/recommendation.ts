/**
 * The Autocrypt encryption recommendation.
 *
 * Spec: Autocrypt Level 1, "Provide a recommendation for message encryption".
 * The caller decides key usability (expiry, revocation, algorithms) with the
 * OpenPGP gateway; this module only applies the rules, so it stays synchronous.
 */

import type { PreferEncrypt } from './header';
import type { PeerState } from './peer-state';

/** The spec's `ui-recommendation`. */
export type Recommendation = 'disable' | 'discourage' | 'available' | 'encrypt';

/** What the recommendation needs to know about the message being composed. */
export interface RecommendationContext {
  /** Current time in ms. Level 1's rules compare stored timestamps only; kept for callers. */
  now: number;
  /** `accounts[from-addr].prefer_encrypt`. */
  ownPreferEncrypt: PreferEncrypt;
  /** The draft is a reply to an encrypted message. */
  replyToEncrypted: boolean;
}

/**
 * Usability of each stored key. Spec: "if either public_key or gossip_key is
 * revoked, expired, or otherwise known to be unusable for encryption, then treat
 * that key as though it were null".
 */
export interface KeyUsability {
  /** `peer.public_key` exists and can be encrypted to now. */
  public_key: boolean;
  /** `peer.gossip_key` exists and can be encrypted to now. */
  gossip_key: boolean;
}

/** Spec: "If autocrypt_timestamp is more than 35 days older than last_seen". */
export const STALE_AFTER_MS = 35 * 24 * 60 * 60 * 1000;

/**
 * Which stored key a message to this peer would be encrypted to (the spec's
 * `target-keys[to-addr]`), or null when encryption is not possible.
 */
export function targetKey(
  peer: PeerState | undefined,
  usable: KeyUsability,
): 'public_key' | 'gossip_key' | null {
  if (!peer) return null;
  if (peer.public_key !== null && usable.public_key) return 'public_key';
  if (peer.gossip_key !== null && usable.gossip_key) return 'gossip_key';
  return null;
}

/**
 * The recommendation for one recipient.
 *
 * @param keyUsable usability of the key that would be used: with a boolean, the
 *   `public_key` when the peer has one, else the `gossip_key`; pass
 *   {@link KeyUsability} to let an unusable `public_key` fall back to a usable
 *   gossip key as the spec describes.
 */
export function recommend(
  peer: PeerState | undefined,
  keyUsable: boolean | KeyUsability,
  ctx: RecommendationContext,
): Recommendation {
  // "If there is no peers[to-addr], then set ui-recommendation to disable".
  if (!peer) return 'disable';

  const usable =
    typeof keyUsable === 'boolean'
      ? { public_key: keyUsable && peer.public_key !== null, gossip_key: keyUsable }
      : keyUsable;

  // "If both public_key and gossip_key are null, then set ui-recommendation to disable".
  const target = targetKey(peer, usable);
  if (target === null) return 'disable';

  const preliminary = preliminaryRecommendation(peer, target);

  // "Deciding to Encrypt by Default": a reply to an encrypted message ...
  if (ctx.replyToEncrypted) return 'encrypt';

  // ... or "available and both peers[to-addr].prefer_encrypt and
  // accounts[from-addr].prefer_encrypt are mutual".
  const mutual = peer.prefer_encrypt === 'mutual' && ctx.ownPreferEncrypt === 'mutual';
  if (preliminary === 'available' && mutual) return 'encrypt';

  return preliminary;
}

/**
 * The recommendation for a message to several recipients, by the spec's rules in
 * order: any disable -> disable; all encrypt -> encrypt; any discourage ->
 * discourage; otherwise available. No recipients -> disable.
 */
export function combineRecommendations(recs: Recommendation[]): Recommendation {
  if (recs.length === 0 || recs.includes('disable')) return 'disable';
  if (recs.every((rec) => rec === 'encrypt')) return 'encrypt';
  if (recs.includes('discourage')) return 'discourage';
  return 'available';
}

function preliminaryRecommendation(
  peer: PeerState,
  target: 'public_key' | 'gossip_key',
): 'discourage' | 'available' {
  // "If public_key is null, then set target-keys[to-addr] to gossip_key and set
  // preliminary-recommendation to discourage".
  if (target === 'gossip_key') return 'discourage';

  // "If autocrypt_timestamp is more than 35 days older than last_seen, set
  // preliminary-recommendation to discourage." The peer may have moved to a mail
  // app without Autocrypt, which could not read what we encrypt.
  if (peer.last_seen - peer.autocrypt_timestamp > STALE_AFTER_MS) return 'discourage';

  return 'available';
}
