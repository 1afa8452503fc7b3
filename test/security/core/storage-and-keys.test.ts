/**
 * Attack suite MV-03, MV-05, MV-06 and EX-06: storage failures, schema migrations,
 * old key types, and secret keys that must never leave as public. Real stores over
 * an in-memory storage area that can be made to fail like `chrome.storage` does.
 */
import * as openpgp from 'openpgp';
import { existsSync, readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryArea, type StorageArea } from '../../../src/keyring/area';
import { KeyringStore } from '../../../src/keyring/store';
import { migrate, MigrationError, SCHEMA_VERSION } from '../../../src/keyring/migrations';
import { emptyPeer } from '../../../src/autocrypt/peer-state';
import { ingestMessage } from '../../../src/mail/incoming';
import { TicketStore } from '../../../src/background/tickets';
import { OperationLimits } from '../../../src/background/limits';
import { createRouter } from '../../../src/background/router';
import { handlers } from '../../../src/background/handlers';
import { CHANNEL, type Answer } from '../../../src/messaging/protocol';

/** A storage area whose writes can be made to fail, as a full quota does. */
function failingArea() {
  const inner = memoryArea();
  let failing = false;
  const area: StorageArea & { fail(on: boolean): void; data: Map<string, unknown> } = {
    data: inner.data,
    fail: (on) => (failing = on),
    get: (keys) => inner.get(keys),
    remove: (keys) => inner.remove(keys),
    async set(items) {
      if (failing) throw new Error('QUOTA_BYTES quota exceeded');
      await inner.set(items);
    },
  };
  return area;
}

describe('MV-03 a failed write keeps the old data and says so', () => {
  // Vulnerable (Mailvelope #465): a write that fails half-way, or that is
  // swallowed, loses the keyring or leaves it silently out of date.
  it('MV-03 a peer update refused by storage fails loudly and keeps the old peer', async () => {
    const area = failingArea();
    const store = new KeyringStore(area);
    const old = { ...emptyPeer('dana@example.org'), last_seen: 1 };
    await store.withPeers((tx) => tx.putPeer(old));

    area.fail(true);
    const update = store.withPeers((tx) => tx.putPeer({ ...old, last_seen: 2 }));
    await expect(update).rejects.toThrow(/quota/);
    expect(await store.getPeer('dana@example.org')).toEqual(old);

    // The queue is not wedged: once storage has room again, writes go through.
    area.fail(false);
    await store.withPeers((tx) => tx.putPeer({ ...old, last_seen: 3 }));
    expect((await store.getPeer('dana@example.org'))?.last_seen).toBe(3);
  });

  it('MV-03 the extension asks for unlimitedStorage', () => {
    const manifest = '.output/chrome-mv3/manifest.json';
    expect(existsSync(manifest), 'run `npx wxt build` first').toBe(true);
    const { permissions } = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(permissions).toContain('unlimitedStorage');
  });
});

describe('MV-05 versioned, resumable migrations', () => {
  it('MV-05 a first run writes the schema version, and a second run changes nothing', async () => {
    const area = memoryArea();
    await area.set({ 'peer:a@b.c': emptyPeer('a@b.c') });
    await migrate(area);
    const once = structuredClone(Object.fromEntries(area.data));
    expect(once.meta).toEqual({ schema_version: SCHEMA_VERSION });
    await migrate(area);
    expect(Object.fromEntries(area.data)).toEqual(once);
  });

  // Vulnerable: an interrupted migration that records its version before its
  // data, or an older build rewriting data of a newer one.
  it('MV-05 a migration killed before it records its version runs again next time', async () => {
    const area = failingArea();
    area.fail(true);
    const store = new KeyringStore(area);
    await expect(store.getAccount()).rejects.toBeInstanceOf(MigrationError);
    expect(area.data.has('meta')).toBe(false);

    area.fail(false);
    expect(await store.getAccount()).toBeUndefined();
    expect(area.data.get('meta')).toEqual({ schema_version: SCHEMA_VERSION });
  });

  it('MV-05 a downgrade refuses to touch data of a newer schema', async () => {
    const area = memoryArea();
    await area.set({ meta: { schema_version: SCHEMA_VERSION + 1 }, account: { x: 1 } });
    const before = structuredClone(Object.fromEntries(area.data));
    await expect(migrate(area)).rejects.toMatchObject({ code: 'newer-schema' });
    expect(Object.fromEntries(area.data)).toEqual(before);
  });
});

describe('MV-06 old and weak keys', () => {
  // Vulnerable: silently dropping (or silently using) a weak key, with no reason
  // the user could act on.
  it('MV-06 an RSA-1024 peer key is refused with a reason that says why', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'rsa',
      rsaBits: 1024,
      userIDs: [{ email: 'old@example.org' }],
      format: 'object',
      config: { minRSABits: 1024 },
    });
    const keydata = Buffer.from(publicKey.write()).toString('base64');
    const raw = new TextEncoder().encode(
      [
        'From: old@example.org',
        'To: bob@example.com',
        `Autocrypt: addr=old@example.org; keydata=${keydata}`,
        'Content-Type: text/plain',
        '',
        'hi',
      ].join('\r\n'),
    );
    const result = await ingestMessage(raw, async () => undefined, Date.now());
    expect(result.verdict).toMatchObject({ valid: false, reason: 'bad-keydata' });
    expect(result.verdict && !result.verdict.valid && result.verdict.detail).toMatch(
      /RSA|bits|weak/i,
    );
    expect(result.peer).toBeUndefined();
  });
});

describe('EX-06 no secret key material leaves as public', () => {
  let route: ReturnType<typeof createRouter>;
  let submitted: string[];
  const ID = 'ext';
  const ORIGIN = `chrome-extension://${ID}`;

  beforeEach(() => {
    submitted = [];
    const session = memoryArea();
    route = createRouter(
      handlers,
      {
        keyring: new KeyringStore(memoryArea()),
        tickets: new TicketStore(session),
        limits: new OperationLimits(session, () => Date.now()),
        // The Gmail seams are not exercised here.
        toContent: async () => undefined,
        gmailToken: async () => '',
        now: () => Date.now(),
        submitToPage: async (_tab, payload) => {
          submitted.push(payload.mime);
          return { v: 1, requestId: 'r', ok: true };
        },
      },
      { id: ID, origin: ORIGIN },
    );
  });

  const ask = async (name: string, payload: object, url: string, tab?: number) =>
    (await route(
      { channel: CHANNEL, name, payload },
      { id: ID, url, frameId: tab === undefined ? undefined : 0, tab: { id: tab } },
    )) as Answer<Record<string, unknown>>;

  /** Packet tags of a binary OpenPGP packet sequence. */
  async function tags(bytes: Uint8Array): Promise<number[]> {
    const list = await openpgp.PacketList.fromBinary(
      bytes,
      Object.fromEntries(
        Object.values(openpgp).flatMap((v) =>
          typeof v === 'function' && 'tag' in v ? [[(v as { tag: number }).tag, v]] : [],
        ),
      ) as never,
    );
    return [...list].map((p) => (p.constructor as unknown as { tag: number }).tag);
  }

  // Vulnerable (FlowCrypt 2019): exporting the stored key object, which holds the
  // secret packets, where the public key was meant.
  it('EX-06 the account answer and the Autocrypt header of a sent mail carry no tag 5/7 packet', async () => {
    const created = await ask(
      'account.create',
      { addr: 'alice@ecosmail.test', name: '', prefer_encrypt: 'mutual' },
      `${ORIGIN}/setup.html`,
    );
    expect(created.ok).toBe(true);
    expect(JSON.stringify(created)).not.toMatch(/PRIVATE KEY/);

    const registered = await ask(
      'composer.register',
      { composeId: 'c', to: [], cc: [], subject: '', inReplyTo: null, references: [] },
      'http://127.0.0.1:8080/',
      5,
    );
    expect(registered.ok).toBe(true);
    const ticket = registered.ok && registered.value.ticket;
    const sent = await route(
      {
        channel: CHANNEL,
        name: 'composer.send',
        payload: {
          ticket,
          to: ['bob@example.com'],
          cc: [],
          subject: 'hi',
          text: 'plain hello',
          encrypt: false,
        },
      },
      { id: ID, url: `${ORIGIN}/composer.html#${ticket}`, frameId: 3, tab: { id: 5 } },
    );
    expect((sent as Answer<unknown>).ok).toBe(true);
    const mime = submitted[0]!;
    expect(mime).not.toMatch(/PRIVATE KEY/);

    const unfolded = mime.replace(/\r?\n[ \t]/g, ' ');
    const keydata = /^Autocrypt:.*keydata=([A-Za-z0-9+/= ]+)$/m.exec(unfolded)?.[1];
    expect(keydata).toBeTruthy();
    const packetTags = await tags(Buffer.from(keydata!.replace(/ /g, ''), 'base64'));
    // Control: the header does carry a key (public key 6, user ID 13, subkey 14).
    expect(packetTags).toEqual(expect.arrayContaining([6, 13, 14]));
    expect(packetTags).not.toContain(5);
    expect(packetTags).not.toContain(7);
  });
});
