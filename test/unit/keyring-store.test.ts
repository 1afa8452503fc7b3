import { describe, expect, it } from 'vitest';
import { memoryArea } from '../../src/keyring/area';
import { KeyringStore, type StoredAccount } from '../../src/keyring/store';
import { MigrationError, SCHEMA_VERSION } from '../../src/keyring/migrations';
import type { PeerState } from '../../src/autocrypt/peer-state';

const account: StoredAccount = {
  addr: 'alice@ecosmail.test',
  name: 'Alice',
  fingerprint: 'AA',
  privateKeyArmored: 'secret',
  publicKeyArmored: 'public',
  keydata: 'AAAA',
  prefer_encrypt: 'mutual',
  created: 1,
};

function peer(addr: string, last_seen: number): PeerState {
  return {
    addr,
    last_seen,
    autocrypt_timestamp: last_seen,
    public_key: 'AAAA',
    public_key_fingerprint: 'BB',
    prefer_encrypt: 'nopreference',
    gossip_timestamp: 0,
    gossip_key: null,
    gossip_key_fingerprint: null,
    history: [],
  };
}

describe('KeyringStore', () => {
  it('should write the schema version on first use', async () => {
    const area = memoryArea();
    await new KeyringStore(area).getAccount();
    expect(area.data.get('meta')).toEqual({ schema_version: SCHEMA_VERSION });
  });

  it('should refuse to replace an existing account', async () => {
    const store = new KeyringStore(memoryArea());
    await store.createAccount(account);
    await expect(
      store.createAccount({ ...account, fingerprint: 'CC' }),
    ).rejects.toThrow();
    expect((await store.getAccount())?.fingerprint).toBe('AA');
  });

  it('should serialise concurrent peer updates so none is lost', async () => {
    const store = new KeyringStore(memoryArea());
    const bump = () =>
      store.withPeers(async (tx) => {
        const prev = await tx.getPeer('carol@example.com');
        await new Promise((r) => setTimeout(r, 1));
        await tx.putPeer(peer('carol@example.com', (prev?.last_seen ?? 0) + 1));
      });
    await Promise.all(Array.from({ length: 10 }, bump));
    expect((await store.getPeer('carol@example.com'))?.last_seen).toBe(10);
  });

  it('should keep serving after a failed write and keep the old data', async () => {
    const area = memoryArea();
    const store = new KeyringStore(area);
    await store.withPeers((tx) => tx.putPeer(peer('carol@example.com', 1)));

    const failing = store.withPeers(async (tx) => {
      await tx.putPeer(peer('carol@example.com', 2));
      throw new Error('disk full');
    });
    await expect(failing).rejects.toThrow('disk full');

    await store.withPeers((tx) => tx.putPeer(peer('dave@example.com', 3)));
    expect((await store.listPeers()).map((p) => p.addr).sort()).toEqual([
      'carol@example.com',
      'dave@example.com',
    ]);
  });

  it('should apply peer updates queued together in one read and one write, in order', async () => {
    const area = memoryArea();
    const store = new KeyringStore(area);
    await store.getAccount();
    let reads = 0;
    let writes = 0;
    const counted = {
      ...area,
      get: (keys: Parameters<typeof area.get>[0]) => (reads++, area.get(keys)),
      set: (items: Record<string, unknown>) => (writes++, area.set(items)),
    };
    const batched = new KeyringStore(counted);
    await batched.getAccount();
    reads = 0;

    // Ten bumps of one peer and one of another, all queued before the first runs.
    const bump = (addr: string) =>
      batched.updatePeer(addr, (prev) => peer(addr, (prev?.last_seen ?? 0) + 1));
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => bump('carol@example.com')),
      bump('dave@example.com'),
    ]);

    expect(results.map((r) => r?.last_seen)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1]);
    expect((await store.getPeer('carol@example.com'))?.last_seen).toBe(10);
    expect((await store.getPeer('dave@example.com'))?.last_seen).toBe(1);
    // Without the batch this would be 11 reads and 11 writes.
    expect({ reads, writes }).toEqual({ reads: 1, writes: 1 });
  });

  it('should give each peer update the account address', async () => {
    const store = new KeyringStore(memoryArea());
    const seen: (string | undefined)[] = [];
    await store.updatePeer(
      'carol@example.com',
      (_prev, own) => (seen.push(own), undefined),
    );
    await store.createAccount(account);
    await store.updatePeer(
      'carol@example.com',
      (_prev, own) => (seen.push(own), undefined),
    );
    expect(seen).toEqual([undefined, 'alice@ecosmail.test']);
  });

  it('should leave a peer as it was when its update throws, and write the others', async () => {
    const store = new KeyringStore(memoryArea());
    await store.updatePeer('carol@example.com', () => peer('carol@example.com', 1));

    const failing = store.updatePeer('carol@example.com', () => {
      throw new Error('bad update');
    });
    const other = store.updatePeer('dave@example.com', () => peer('dave@example.com', 2));
    const unchanged = store.updatePeer('erin@example.com', () => undefined);

    await expect(failing).rejects.toThrow('bad update');
    expect((await other)?.last_seen).toBe(2);
    expect(await unchanged).toBeUndefined();
    expect((await store.getPeer('carol@example.com'))?.last_seen).toBe(1);
    expect(await store.getPeer('erin@example.com')).toBeUndefined();
  });

  it('should reject every update of a batch whose write fails, and keep serving', async () => {
    const area = memoryArea();
    let fail = true;
    const flaky = {
      ...area,
      set: (items: Record<string, unknown>) =>
        fail && Object.keys(items).some((k) => k.startsWith('peer:'))
          ? Promise.reject(new Error('disk full'))
          : area.set(items),
    };
    const store = new KeyringStore(flaky);
    const a = store.updatePeer('carol@example.com', () => peer('carol@example.com', 1));
    const b = store.updatePeer('dave@example.com', () => peer('dave@example.com', 1));
    await expect(a).rejects.toThrow('disk full');
    await expect(b).rejects.toThrow('disk full');
    expect(await store.listPeers()).toEqual([]);

    fail = false;
    await store.updatePeer('dave@example.com', () => peer('dave@example.com', 3));
    expect((await store.getPeer('dave@example.com'))?.last_seen).toBe(3);
  });

  it('should refuse data written by a newer schema', async () => {
    const area = memoryArea();
    area.data.set('meta', { schema_version: SCHEMA_VERSION + 1 });
    const err = await new KeyringStore(area).getAccount().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).code).toBe('newer-schema');
  });
});

describe('KeyringStore settings (schema 2)', () => {
  it('should migrate version 1 by adding default settings, keeping peers', async () => {
    const area = memoryArea();
    area.data.set('meta', { schema_version: 1 });
    area.data.set('peer:carol@example.com', peer('carol@example.com', 5));

    const store = new KeyringStore(area);
    expect(await store.getSettings()).toEqual({
      protect_headers: true,
      unlock_minutes: 30,
    });
    expect(area.data.get('meta')).toEqual({ schema_version: 2 });
    expect(area.data.get('settings')).toEqual({ protect_headers: true });
    expect((await store.getPeer('carol@example.com'))?.last_seen).toBe(5);
  });

  it('should keep a stored choice through updates', async () => {
    const store = new KeyringStore(memoryArea());
    await store.updateSettings({ protect_headers: false });
    expect(await store.getSettings()).toEqual({
      protect_headers: false,
      unlock_minutes: 30,
    });
  });

  it('should change the account in the write queue', async () => {
    const store = new KeyringStore(memoryArea());
    await store.createAccount(account);
    await store.updateAccount((current) => ({
      ...current!,
      prefer_encrypt: 'nopreference',
    }));
    expect((await store.getAccount())?.prefer_encrypt).toBe('nopreference');
  });
});
