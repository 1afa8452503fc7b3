import { describe, expect, it } from 'vitest';
import { CheckedKeys, keydataDigest } from '../../src/mail/checked-keys';

describe('CheckedKeys', () => {
  it('should remember outcomes by digest and forget the oldest beyond its limit', () => {
    const keys = new CheckedKeys(2);
    keys.set('a', { fingerprint: 'AA' });
    keys.set('b', { failure: 'no encryption-capable key' });
    keys.set('c', { fingerprint: 'CC' });

    expect(keys.get('a')).toBeUndefined();
    expect(keys.get('b')).toEqual({ failure: 'no encryption-capable key' });
    expect(keys.get('c')).toEqual({ fingerprint: 'CC' });
  });

  it('should file different keydata under different digests', async () => {
    const one = await keydataDigest(new Uint8Array([1, 2, 3]));
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(await keydataDigest(new Uint8Array([1, 2, 3]))).toBe(one);
    expect(await keydataDigest(new Uint8Array([1, 2, 4]))).not.toBe(one);
  });
});
