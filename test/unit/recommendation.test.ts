import { describe, expect, it } from 'vitest';
import {
  combineRecommendations,
  recommend,
  type Recommendation,
  type RecommendationContext,
} from '../../src/autocrypt/recommendation';
import { emptyPeer, type PeerState } from '../../src/autocrypt/peer-state';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1);

const ctx: RecommendationContext = {
  now: NOW,
  ownPreferEncrypt: 'mutual',
  replyToEncrypted: false,
};

function peer(fields: Partial<PeerState>): PeerState {
  return {
    ...emptyPeer('bob@example.net'),
    last_seen: NOW - DAY,
    autocrypt_timestamp: NOW - DAY,
    public_key: 'AAAA',
    public_key_fingerprint: 'F1',
    ...fields,
  };
}

describe('recommend', () => {
  it('disables without a peer or without any key', () => {
    expect(recommend(undefined, true, ctx)).toBe('disable');
    expect(
      recommend(peer({ public_key: null, public_key_fingerprint: null }), true, ctx),
    ).toBe('disable');
  });

  it('encrypts when both sides prefer mutual', () => {
    expect(recommend(peer({ prefer_encrypt: 'mutual' }), true, ctx)).toBe('encrypt');
  });

  it('is only available when one side has no preference', () => {
    expect(recommend(peer({ prefer_encrypt: 'nopreference' }), true, ctx)).toBe(
      'available',
    );
    const ownNoPreference = { ...ctx, ownPreferEncrypt: 'nopreference' as const };
    expect(recommend(peer({ prefer_encrypt: 'mutual' }), true, ownNoPreference)).toBe(
      'available',
    );
  });

  it('encrypts a reply to an encrypted message, even when discouraged', () => {
    const reply = { ...ctx, replyToEncrypted: true };
    expect(recommend(peer({}), true, reply)).toBe('encrypt');
    const stale = peer({ autocrypt_timestamp: NOW - 40 * DAY });
    expect(recommend(stale, true, reply)).toBe('encrypt');
  });

  it('discourages when the last header is more than 35 days older than last_seen', () => {
    const stale = peer({ prefer_encrypt: 'mutual', autocrypt_timestamp: NOW - 37 * DAY });
    expect(recommend(stale, true, ctx)).toBe('discourage');
    const fresh = peer({ prefer_encrypt: 'mutual', autocrypt_timestamp: NOW - 34 * DAY });
    expect(recommend(fresh, true, ctx)).toBe('encrypt');
  });

  it('discourages a gossip-only peer', () => {
    const gossipOnly = peer({
      public_key: null,
      public_key_fingerprint: null,
      autocrypt_timestamp: 0,
      gossip_key: 'BBBB',
      gossip_key_fingerprint: 'F2',
      gossip_timestamp: NOW - DAY,
      prefer_encrypt: 'mutual',
    });
    expect(recommend(gossipOnly, true, ctx)).toBe('discourage');
  });

  it('disables when the key is expired or otherwise unusable', () => {
    expect(recommend(peer({ prefer_encrypt: 'mutual' }), false, ctx)).toBe('disable');
  });

  it('falls back to a usable gossip key when public_key is unusable', () => {
    const both = peer({ gossip_key: 'BBBB', gossip_key_fingerprint: 'F2' });
    const usability = { public_key: false, gossip_key: true };
    expect(recommend(both, usability, ctx)).toBe('discourage');
  });
});

describe('combineRecommendations', () => {
  it.each<[Recommendation[], Recommendation]>([
    [[], 'disable'],
    [['encrypt', 'disable'], 'disable'],
    [['encrypt', 'encrypt'], 'encrypt'],
    [['encrypt', 'discourage', 'available'], 'discourage'],
    [['encrypt', 'available'], 'available'],
  ])('combines %j into %s', (recs, expected) => {
    expect(combineRecommendations(recs)).toBe(expected);
  });
});
