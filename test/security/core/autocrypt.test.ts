/**
 * Attack suite AC-01..AC-11 (Autocrypt Level 1) through the product's read path:
 * `ingestMessage` (header verdict and the sender's new peer state, exactly what the
 * background stores) and `decryptMail` for gossip. Several rows are measured
 * failures of npm `autocrypt@0.10.0`; each case says how a vulnerable client fails,
 * and a genuine header beside it still updates the state (positive control).
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../../src/mail/incoming';
import { decryptMail } from '../../../src/mail/decrypt';
import type { PeerState } from '../../../src/autocrypt/peer-state';
import { updatePeerGossip } from '../../../src/autocrypt/peer-state';
import { pgpMimeMail } from './packets';
import { memoryArea } from '../../../src/keyring/area';
import { KeyringStore } from '../../../src/keyring/store';
import { TicketStore } from '../../../src/background/tickets';
import { OperationLimits } from '../../../src/background/limits';
import { createRouter } from '../../../src/background/router';
import { handlers } from '../../../src/background/handlers';
import { CHANNEL, type Answer } from '../../../src/messaging/protocol';
import { bytesToBase64 } from '../../../src/util/base64';

const NOW = Date.UTC(2026, 11, 4, 12);
const ALICE = 'alice@example.org';

interface TestKey {
  keydata: string;
  fingerprint: string;
  privateKey: openpgp.PrivateKey;
}

async function key(email: string, opts: { subkeys?: object[] } = {}): Promise<TestKey> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email }],
    format: 'object',
    ...opts,
  });
  return {
    keydata: Buffer.from(privateKey.toPublic().write()).toString('base64'),
    fingerprint: privateKey.getFingerprint().toUpperCase(),
    privateKey,
  };
}

let alice: TestKey;
let alice2: TestKey;
let mallory: TestKey;

beforeAll(async () => {
  [alice, alice2, mallory] = await Promise.all([
    key(ALICE),
    key(ALICE),
    key('mallory@example.net'),
  ]);
});

/** A raw mail; `headers` go first, then the usual ones unless given. */
function mail(opts: {
  from?: string;
  date?: Date;
  autocrypt?: string[];
  headers?: string[];
  contentType?: string;
  body?: string;
}): Uint8Array {
  const lines = [
    ...(opts.headers ?? []),
    `From: ${opts.from ?? ALICE}`,
    'To: bob@example.com',
    `Date: ${(opts.date ?? new Date(NOW - 3600_000)).toUTCString()}`,
    'Subject: hi',
    ...(opts.autocrypt ?? []).map((value) => `Autocrypt: ${fold(value)}`),
    `Content-Type: ${opts.contentType ?? 'text/plain'}`,
    '',
    opts.body ?? 'Hello.',
    '',
  ];
  return new TextEncoder().encode(lines.join('\r\n'));
}

function fold(value: string): string {
  return value.replace(/(.{1,70})(?=.)/g, '$1\r\n ');
}

const header = (k: TestKey, extra = '', addr = ALICE) =>
  `addr=${addr}; prefer-encrypt=mutual;${extra} keydata=${k.keydata}`;

/** Ingests `raw` over a one-peer store; returns the verdict and the state after. */
async function ingest(raw: Uint8Array, before?: PeerState) {
  const result = await ingestMessage(raw, async () => before, NOW);
  return { ...result, after: result.peer ?? before };
}

/** A peer that has Alice's key from a valid header of `at`. */
async function known(at = NOW - 2 * 86400_000): Promise<PeerState> {
  const { after } = await ingest(
    mail({ date: new Date(at), autocrypt: [header(alice)] }),
  );
  expect(after?.public_key_fingerprint).toBe(alice.fingerprint);
  return after!;
}

describe('AC-01 addr must match From', () => {
  // Vulnerable: accepting a header for another address lets mallory plant a key
  // for alice (or, like autocrypt@0.10.0, reset alice's state while rejecting).
  it('AC-01 a header for mallory in a mail From alice is invalid and changes nothing but last_seen', async () => {
    const before = await known();
    const { verdict, after } = await ingest(
      mail({ autocrypt: [header(mallory, '', 'mallory@example.net')] }),
      before,
    );
    expect(verdict?.valid).toBe(false);
    expect(after).toEqual({ ...before, last_seen: NOW - 3600_000 });
  });

  it('AC-01 addresses compare canonicalised (Alice@ = alice@)', async () => {
    const { verdict, after } = await ingest(
      mail({
        from: 'Alice@Example.org',
        autocrypt: [header(alice, '', 'alice@example.org')],
      }),
    );
    expect(verdict?.valid).toBe(true);
    expect(after?.public_key_fingerprint).toBe(alice.fingerprint);
  });
});

describe('AC-02 unknown attributes', () => {
  // Vulnerable (autocrypt@0.10.0 accepts): ignoring an unknown critical attribute.
  it('AC-02 an unknown critical attribute makes the whole header invalid', async () => {
    const { verdict, after } = await ingest(
      mail({ autocrypt: [header(alice, ' foo=bar;')] }),
    );
    expect(verdict?.valid).toBe(false);
    expect(after).toBeUndefined();
  });

  it('AC-02 an unknown non-critical attribute (_foo) is ignored', async () => {
    const { verdict, after } = await ingest(
      mail({ autocrypt: [header(alice, ' _foo=bar;')] }),
    );
    expect(verdict?.valid).toBe(true);
    expect(after?.public_key_fingerprint).toBe(alice.fingerprint);
  });
});

describe('AC-03 / AC-04 dates', () => {
  // Vulnerable (autocrypt@0.10.0, seconds vs milliseconds): the older header wins.
  it('AC-03 a 2020 header after a 2024 header does not replace the newer key', async () => {
    const y2024 = await ingest(
      mail({ date: new Date(Date.UTC(2024, 5, 1)), autocrypt: [header(alice)] }),
    );
    const y2020 = await ingest(
      mail({ date: new Date(Date.UTC(2020, 5, 1)), autocrypt: [header(alice2)] }),
      y2024.after,
    );
    expect(y2020.peer).toBeUndefined();
    expect(y2020.after?.public_key_fingerprint).toBe(alice.fingerprint);
  });

  // Vulnerable (autocrypt@0.10.0 stores 4102444800): a future Date pins the state
  // so no real header can ever update it.
  it('AC-04 a Date in 2100 counts as receipt time, and a later real header still applies', async () => {
    const future = await ingest(
      mail({
        date: new Date(Date.UTC(2100, 0, 1)),
        autocrypt: [header(mallory, '', ALICE)],
      }),
    );
    expect(future.after?.autocrypt_timestamp).toBe(NOW);

    const later = await ingestMessage(
      mail({ date: new Date(NOW + 3600_000), autocrypt: [header(alice)] }),
      async () => future.after,
      NOW + 7200_000,
    );
    expect(later.peer?.public_key_fingerprint).toBe(alice.fingerprint);
  });
});

describe('AC-05 size and count', () => {
  it('AC-05 a header over 10 KiB is invalid', async () => {
    const padding = ` _pad=${'x'.repeat(11 * 1024)};`;
    const { verdict, after } = await ingest(
      mail({ autocrypt: [header(alice, padding)] }),
    );
    expect(verdict?.valid).toBe(false);
    expect(after).toBeUndefined();
  });

  // Vulnerable: taking the first (or last) of two valid headers.
  it('AC-05 two valid headers discard all of them', async () => {
    const before = await known();
    const { verdict, after } = await ingest(
      mail({ autocrypt: [header(alice2), header(alice2)] }),
      before,
    );
    expect(verdict).toMatchObject({ valid: false, reason: 'multiple-headers' });
    expect(after?.public_key_fingerprint).toBe(alice.fingerprint);
  });
});

describe('AC-06 keydata checks', () => {
  // Vulnerable (autocrypt@0.10.0 stores keydata unparsed): storing junk, a secret
  // key, or a key nobody can encrypt to.
  it.each([
    ['not a key', async () => Buffer.from('not a key at all').toString('base64')],
    [
      'secret-key packets',
      async () => Buffer.from(alice.privateKey.write()).toString('base64'),
    ],
    ['no encryption subkey', async () => (await key(ALICE, { subkeys: [] })).keydata],
    [
      'extra packets (two keys)',
      async () =>
        Buffer.concat([
          Buffer.from(alice.keydata, 'base64'),
          Buffer.from(alice2.keydata, 'base64'),
        ]).toString('base64'),
    ],
  ])('AC-06 keydata with %s is refused with bad-keydata', async (_case, make) => {
    const keydata = await make();
    const { verdict, after } = await ingest(
      mail({ autocrypt: [`addr=${ALICE}; keydata=${keydata}`] }),
    );
    expect(verdict).toMatchObject({ valid: false, reason: 'bad-keydata' });
    expect(after).toBeUndefined();
  });
});

describe('AC-07 / AC-08 forged mail', () => {
  // Vulnerable: replacing alice's key silently on a forged header.
  it('AC-07 a forged key is recorded as a key change (the composer shows it: key-change.test.ts)', async () => {
    const before = await known();
    const { after } = await ingest(
      mail({ autocrypt: [header(mallory, '', ALICE)] }),
      before,
    );
    expect(after?.history.map((h) => h.fingerprint)).toEqual([
      alice.fingerprint,
      mallory.fingerprint,
    ]);
  });

  // Vulnerable (autocrypt@0.10.0 sets reset): one forged mail without a header
  // downgrades a mutual peer at once.
  it.each([
    ['no header', []],
    ['an invalid header', [`addr=${ALICE}; keydata=AAAA`]],
  ])('AC-08 a forged mail with %s moves only last_seen', async (_case, autocrypt) => {
    const before = await known();
    const { after } = await ingest(mail({ autocrypt }), before);
    expect(after).toEqual({ ...before, last_seen: NOW - 3600_000 });
    expect(after?.prefer_encrypt).toBe('mutual');
  });
});

describe('AC-09 / AC-10 headers in the wrong place, gossip', () => {
  it('AC-09 an Autocrypt header inside a forwarded message/rfc822 part is ignored', async () => {
    const forwarded = [
      `From: ${ALICE}`,
      `Autocrypt: ${fold(header(mallory, '', ALICE))}`,
      'Content-Type: text/plain',
      '',
      'forwarded',
    ].join('\r\n');
    const raw = mail({
      contentType: 'multipart/mixed; boundary="f"',
      body: [
        '--f',
        'Content-Type: text/plain',
        '',
        'see below',
        '--f',
        'Content-Type: message/rfc822',
        '',
        forwarded,
        '--f--',
      ].join('\r\n'),
    });
    const { verdict, after } = await ingest(raw);
    expect(verdict).toBeNull();
    expect(after).toBeUndefined();
  });

  it('AC-09 Autocrypt-Gossip outside the encrypted part is ignored', async () => {
    const raw = mail({
      headers: [`Autocrypt-Gossip: ${fold(header(mallory, '', 'bob@example.com'))}`],
    });
    const { after, verdict } = await ingest(raw);
    expect(verdict).toBeNull();
    expect(after).toBeUndefined();
  });

  /** An encrypted mail from alice to bob whose payload gossips `gossip`. */
  async function gossiping(gossip: string[], bob: TestKey) {
    const entity = [
      ...gossip.map((g) => `Autocrypt-Gossip: ${fold(g)}`),
      'Content-Type: text/plain',
      '',
      'hi',
    ].join('\r\n');
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: new TextEncoder().encode(entity) }),
      encryptionKeys: bob.privateKey.toPublic(),
    });
    return pgpMimeMail(
      [`From: ${ALICE}`, 'To: bob@example.com, carol@example.com'],
      armored,
    );
  }

  // Vulnerable (Perrin 2017; Delta Chat analysis): accepting gossip for any
  // address lets an outsider plant keys for people not in the conversation.
  it('AC-10 gossip is accepted only for To/Cc/Reply-To addresses', async () => {
    const bob = await key('bob@example.com');
    const carol = await key('carol@example.com');
    const raw = await gossiping(
      [
        `addr=carol@example.com; keydata=${carol.keydata}`,
        `addr=dave@example.com; keydata=${mallory.keydata}`,
      ],
      bob,
    );
    const result = await decryptMail(raw, bob.privateKey.armor(), []);
    expect(result.gossip.map((g) => g.addr)).toEqual(['carol@example.com']);
  });

  it('AC-10 gossip never overrides a directly received key', async () => {
    const before = await known();
    const gossiped = updatePeerGossip(before, {
      addr: ALICE,
      effectiveDate: NOW,
      gossip: {
        keydata: Buffer.from(mallory.keydata, 'base64'),
        fingerprint: mallory.fingerprint,
      },
    });
    expect(gossiped?.gossip_key_fingerprint).toBe(mallory.fingerprint);
    expect(gossiped?.public_key_fingerprint).toBe(alice.fingerprint);
  });
});

describe('AC-11 messages that must not update state', () => {
  it.each([
    [
      'a multipart/report (bounce)',
      { contentType: 'multipart/report; report-type=delivery-status; boundary="r"' },
    ],
    ['a From with two addresses', { from: `${ALICE}, mallory@example.net` }],
  ])('AC-11 a header in %s updates nothing', async (_case, extra) => {
    const before = await known();
    const raw = mail({
      autocrypt: [header(alice2)],
      body: '--r\r\nContent-Type: text/plain\r\n\r\nbounce\r\n--r--',
      ...extra,
    });
    const { peer, skipped } = await ingest(raw, before);
    expect(skipped).not.toBeNull();
    expect(peer).toBeUndefined();
  });

  // Vulnerable: learning (or replacing) a key from mail the provider filed as
  // spam. Without the flag's check the first expectation fails: Alice's key
  // would be replaced by alice2's. The page contract's `data-ecosmail-spam` and
  // Gmail's Spam view carry the flag; test/e2e/spam.test.ts runs it in Chromium.
  it('AC-11 a header in mail the webmail marked as spam updates nothing, through the background', async () => {
    const local = memoryArea();
    const session = memoryArea();
    const keyring = new KeyringStore(local);
    await keyring.withPeers(async (tx) => tx.putPeer(await known()));
    const route = createRouter(
      handlers,
      {
        keyring,
        tickets: new TicketStore(session),
        limits: new OperationLimits(session, () => NOW),
        toContent: async () => undefined,
        gmailToken: async () => '',
        now: () => NOW,
        submitToPage: async () => ({ v: 1, requestId: 'r', ok: true }),
      },
      { id: 'ext', origin: 'chrome-extension://ext' },
    );
    const open = async (spam: boolean) => {
      const raw = mail({ autocrypt: [header(alice2)] });
      const answer = (await route(
        {
          channel: CHANNEL,
          name: 'message.opened',
          payload: { messageId: 'm', raw: bytesToBase64(raw), spam },
        },
        { id: 'ext', url: 'http://127.0.0.1:8080/', frameId: 0, tab: { id: 3 } },
      )) as Answer<{ header: { reason?: string } }>;
      if (!answer.ok) throw new Error(answer.error.message);
      return answer.value;
    };

    const spam = await open(true);
    expect(spam.header.reason).toBe('spam');
    expect((await keyring.getPeer(ALICE))?.public_key_fingerprint).toBe(
      alice.fingerprint,
    );

    // Positive control: the same mail outside Spam replaces the key.
    await open(false);
    expect((await keyring.getPeer(ALICE))?.public_key_fingerprint).toBe(
      alice2.fingerprint,
    );
  });
});
