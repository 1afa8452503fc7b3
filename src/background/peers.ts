/** The options page's view of the peers. */
import type { PeerSummary } from '../messaging/protocol';
import type { Handler } from './context';
import { recommendationFor } from './composing';

export const peersList: Handler<'peers.list'> = async (_p, _c, services) => {
  const account = await services.keyring.getAccount();
  const peers = await services.keyring.listPeers();
  const now = services.now();

  const out: PeerSummary[] = [];
  for (const peer of peers) {
    out.push({
      addr: peer.addr,
      fingerprint: peer.public_key_fingerprint ?? peer.gossip_key_fingerprint,
      prefer_encrypt: peer.prefer_encrypt,
      last_seen: peer.last_seen,
      autocrypt_timestamp: peer.autocrypt_timestamp,
      gossip_only: !peer.public_key && !!peer.gossip_key,
      history: peer.history,
      recommendation: account
        ? await recommendationFor(peer, account, false, now)
        : 'disable',
    });
  }
  return out.sort((a, b) => a.addr.localeCompare(b.addr));
};
