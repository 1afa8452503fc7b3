/**
 * What a decrypted message adds to the peer states: the Autocrypt header a sender
 * put only inside the encryption (RFC 9788 header protection) and the keys it
 * gossips. Shared by the background and the command-line inspector, so both apply
 * exactly the same rules.
 */

import { canonicalAddr } from '../autocrypt/addr';
import {
  updatePeerGossip,
  updatePeerState,
  type PeerState,
} from '../autocrypt/peer-state';
import type { ParsedMail } from '../mime/parse';
import type { DecryptedMail, GossipKey } from './decrypt';
import { effectiveDateOf, judgeHeaders } from './incoming';
import type { CheckedVerdict } from './keydata';

/** What {@link applyDecryptedMail} decided. */
export interface DecryptionEffects {
  /**
   * The verdict on an Autocrypt header found only inside the encryption, or null
   * when the message had an outer header (which then wins) or none at all.
   */
  protectedVerdict: CheckedVerdict | null;
  /** Gossip keys that were applied (changed or confirmed a peer's gossip state). */
  acceptedGossip: GossipKey[];
  /** Every peer state that changed, to store. */
  changed: PeerState[];
}

/**
 * Applies a decrypted message to the peer states.
 *
 * - Protected Autocrypt header: when the outer header section has no Autocrypt
 *   header and the encrypted payload has one, it is judged by the same rules (addr
 *   equal to From, exactly one valid header) and updates the sender like an outer
 *   one would. Level 1 alone would ignore it; newer Delta Chat sends it only there.
 * - Gossip: "only from the root MIME part of the encrypted payload" and only for To
 *   and Cc addresses (checked by `decryptMail`); applied with `updatePeerGossip`,
 *   which writes `gossip_key` and never `public_key`, so a key received directly
 *   from the peer always stays the one we encrypt to. Gossip about the sender
 *   itself or about `ownAddr` is not applied.
 *
 * @param skipped the message is one Autocrypt ignores (report, several From, ...)
 */
export async function applyDecryptedMail(opts: {
  mail: ParsedMail;
  decrypted: DecryptedMail;
  skipped: boolean;
  receivedAt: number;
  ownAddr?: string;
  getPeer: (addr: string) => Promise<PeerState | undefined>;
}): Promise<DecryptionEffects> {
  const { mail, decrypted } = opts;
  const effects: DecryptionEffects = {
    protectedVerdict: null,
    acceptedGossip: [],
    changed: [],
  };
  if (opts.skipped || !mail.from) return effects;

  const from = mail.from.addr;
  const effectiveDate = effectiveDateInside(mail, decrypted, opts.receivedAt);
  const states = new Map<string, PeerState>();
  // Later steps see the states earlier steps produced.
  const peerOf = async (addr: string) => states.get(addr) ?? opts.getPeer(addr);
  const store = (peer: PeerState) => states.set(peer.addr, peer);

  const inner = decrypted.protectedHeaders?.autocrypt ?? [];
  if (mail.autocryptHeaders.length === 0 && inner.length > 0) {
    const { verdict, fingerprint } = await judgeHeaders(inner, from);
    effects.protectedVerdict = verdict ? { verdict, fingerprint } : null;
    const header =
      verdict?.valid && fingerprint
        ? {
            prefer_encrypt: verdict.header.prefer_encrypt,
            keydata: verdict.header.keydata,
            fingerprint,
          }
        : null;
    const next = updatePeerState(await peerOf(from), {
      addr: from,
      effectiveDate,
      header,
    });
    if (next) store(next);
  }

  const own = opts.ownAddr ? canonicalAddr(opts.ownAddr) : null;
  for (const gossip of decrypted.gossip) {
    if (gossip.addr === from || gossip.addr === own) continue;
    const previous = await peerOf(gossip.addr);
    const next = updatePeerGossip(previous, {
      addr: gossip.addr,
      effectiveDate,
      gossip,
    });
    if (next) store(next);
    // An older message's gossip does not move the state, but it was still valid.
    if (next || previous?.gossip_key_fingerprint === gossip.fingerprint) {
      effects.acceptedGossip.push(gossip);
    }
  }

  effects.changed = [...states.values()];
  return effects;
}

/**
 * The effective date of what the encrypted payload says. RFC 9788 lets a sender
 * obscure the outer Date, and Delta Chat 2.x moves it days into the past; the
 * protected Date inside the encryption is then the sending time. Without it, or
 * when it lies in the future, the outer Date rules as Level 1 says.
 */
function effectiveDateInside(
  mail: ParsedMail,
  decrypted: DecryptedMail,
  receivedAt: number,
): number {
  const inside = decrypted.protectedHeaders?.date;
  if (inside !== undefined && inside <= receivedAt) return inside;
  return effectiveDateOf(mail, receivedAt);
}
