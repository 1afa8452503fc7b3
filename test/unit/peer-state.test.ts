import { describe, expect, it } from 'vitest';
import {
  updatePeerGossip,
  updatePeerState,
  type PeerState,
} from '../../src/autocrypt/peer-state';
import { bytesToBase64 } from '../../src/util/base64';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

const keyA = { keydata: new Uint8Array([1, 2, 3]), fingerprint: 'AAAA' };
const keyB = { keydata: new Uint8Array([4, 5, 6]), fingerprint: 'BBBB' };

function fromAlice(
  effectiveDate: number,
  header: PeerState['prefer_encrypt'] | null,
  key = keyA,
) {
  return {
    addr: 'alice@example.org',
    effectiveDate,
    header: header === null ? null : { prefer_encrypt: header, ...key },
  };
}

describe('updatePeerState', () => {
  it('creates a peer from a first message with a header', () => {
    const peer = updatePeerState(undefined, fromAlice(T0, 'mutual'));
    expect(peer).toEqual({
      addr: 'alice@example.org',
      last_seen: T0,
      autocrypt_timestamp: T0,
      public_key: bytesToBase64(keyA.keydata),
      public_key_fingerprint: 'AAAA',
      prefer_encrypt: 'mutual',
      gossip_timestamp: 0,
      gossip_key: null,
      gossip_key_fingerprint: null,
      history: [{ fingerprint: 'AAAA', first_seen: T0, source: 'autocrypt' }],
    });
  });

  it('stores the canonical address', () => {
    const peer = updatePeerState(undefined, {
      ...fromAlice(T0, 'mutual'),
      addr: ' Alice@Example.ORG',
    });
    expect(peer?.addr).toBe('alice@example.org');
  });

  it('creates no peer from a headerless message by a stranger', () => {
    expect(updatePeerState(undefined, fromAlice(T0, null))).toBeUndefined();
  });

  it('lets an older message change nothing (a late header must not win)', () => {
    const newer = updatePeerState(undefined, fromAlice(T0 + DAY, 'mutual', keyB))!;
    expect(updatePeerState(newer, fromAlice(T0, 'nopreference', keyA))).toBeUndefined();
  });

  it('moves only last_seen for a message without a header', () => {
    const peer = updatePeerState(undefined, fromAlice(T0, 'mutual'))!;
    const next = updatePeerState(peer, fromAlice(T0 + 3 * DAY, null));
    expect(next).toEqual({ ...peer, last_seen: T0 + 3 * DAY });
  });

  it('keeps last_seen when a headerless message is older than it', () => {
    const peer = updatePeerState(undefined, fromAlice(T0, 'mutual'))!;
    const later = updatePeerState(peer, fromAlice(T0 + 5 * DAY, null))!;
    expect(updatePeerState(later, fromAlice(T0 + DAY, null))).toBeUndefined();
  });

  it('records a key change in the history and replaces public_key', () => {
    const first = updatePeerState(undefined, fromAlice(T0, 'mutual'))!;
    const second = updatePeerState(first, fromAlice(T0 + DAY, 'nopreference', keyB))!;

    expect(second.public_key_fingerprint).toBe('BBBB');
    expect(second.prefer_encrypt).toBe('nopreference');
    expect(second.history).toEqual([
      { fingerprint: 'AAAA', first_seen: T0, source: 'autocrypt' },
      { fingerprint: 'BBBB', first_seen: T0 + DAY, source: 'autocrypt' },
    ]);
  });

  it('reports a re-processed message as no change', () => {
    const peer = updatePeerState(undefined, fromAlice(T0, 'mutual'))!;
    expect(updatePeerState(peer, fromAlice(T0, 'mutual'))).toBeUndefined();
  });
});

describe('updatePeerGossip', () => {
  it('sets gossip_key and ignores older gossip', () => {
    const peer = updatePeerGossip(undefined, {
      addr: 'carol@example.org',
      effectiveDate: T0 + DAY,
      gossip: keyB,
    })!;
    expect(peer).toMatchObject({
      gossip_key_fingerprint: 'BBBB',
      gossip_timestamp: T0 + DAY,
    });
    expect(peer.history).toEqual([
      { fingerprint: 'BBBB', first_seen: T0 + DAY, source: 'gossip' },
    ]);

    const older = { addr: 'carol@example.org', effectiveDate: T0, gossip: keyA };
    expect(updatePeerGossip(peer, older)).toBeUndefined();
  });
});
