/**
 * Synthetic cases from the Level 1 spec text that the corpus lacks, run as mailboxes
 * through the inspector (the core the background uses): several valid headers,
 * replay of an older header, a Date in the future, the 35-day rule, drafts, and v6
 * certificates / SEIPDv2 messages.
 */

import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatAutocryptHeader } from '../../src/autocrypt/header';
import { inspectMailbox } from '../../src/cli/inspect';
import {
  pgpMimeEncrypted,
  serializeEntity,
  type HeaderField,
} from '../../src/mime/build';
import { rfc5322Date } from '../../src/mime/encode';
import { buildOutgoing } from '../../src/mail/outgoing';
import { generateKeyPair, minimalPublicKey } from '../../src/openpgp/gateway';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 4, 12);
const BOB = 'bob@example.net';

interface Key {
  keydata: Uint8Array;
  fingerprint: string;
  privateKeyArmored: string;
}

async function key(addr: string): Promise<Key> {
  const made = await generateKeyPair({ addr, date: new Date(NOW - 400 * DAY) });
  return {
    keydata: await minimalPublicKey(made.privateKeyArmored, addr),
    fingerprint: made.fingerprint,
    privateKeyArmored: made.privateKeyArmored,
  };
}

/** A plain mail from Bob, dated `date`, with these Autocrypt headers. */
function mail(date: number, headers: Key[], extra: HeaderField[] = []): string {
  const fields: HeaderField[] = [
    ['From', BOB],
    ['To', 'me@example.org'],
    ['Subject', 'hi'],
    ['Date', rfc5322Date(new Date(date))],
    ...headers.map(
      (k) =>
        [
          'Autocrypt',
          formatAutocryptHeader({
            addr: BOB,
            prefer_encrypt: 'mutual',
            keydata: k.keydata,
          }),
        ] as const,
    ),
    ...extra,
  ];
  return serializeEntity({ headers: fields, body: 'hello' });
}

const inspect = (mails: string[], receivedAt = NOW) =>
  inspectMailbox(
    mails.map((raw, i) => ({ name: `m${i}`, bytes: new TextEncoder().encode(raw) })),
    { receivedAt, now: NOW, preferEncrypt: 'mutual' },
  );

let k1: Key;
let k2: Key;

beforeAll(async () => {
  [k1, k2] = await Promise.all([key(BOB), key(BOB)]);
});

describe('Level 1 rules over a mailbox', () => {
  it('discards all of several valid headers; only last_seen moves', async () => {
    const [, second] = await inspect([
      mail(NOW - 10 * DAY, [k1]),
      mail(NOW - DAY, [k1, k2]),
    ]);

    expect(second!.autocrypt).toMatchObject({ valid: false, reason: 'multiple-headers' });
    expect(second!.peer).toMatchObject({
      public_key: k1.fingerprint,
      autocrypt_timestamp: new Date(NOW - 10 * DAY).toISOString(),
      last_seen: new Date(NOW - DAY).toISOString(),
    });
  });

  it('never lets a replayed older header replace a newer key', async () => {
    const old = mail(NOW - 10 * DAY, [k1]);
    const reports = await inspect([old, mail(NOW - 5 * DAY, [k2]), old]);

    const last = reports[2]!;
    expect(last.autocrypt).toMatchObject({ valid: true, fingerprint: k1.fingerprint });
    expect(last.peer).toMatchObject({
      public_key: k2.fingerprint,
      autocrypt_timestamp: new Date(NOW - 5 * DAY).toISOString(),
    });
    expect(last.peer!.history.map((h) => h.fingerprint)).toEqual([
      k1.fingerprint,
      k2.fingerprint,
    ]);
  });

  it('takes the receipt time for a Date in the future', async () => {
    const future = mail(NOW + 365 * DAY, [k1]);
    const [first, second] = await inspect([future, mail(NOW + DAY, [k2])]);

    expect(first!.peer!.autocrypt_timestamp).toBe(new Date(NOW).toISOString());
    // Received "now" too, the second message is older than its own Date: it also
    // counts at receipt time, which is not older than the first, so it applies.
    expect(second!.peer!.public_key).toBe(k2.fingerprint);
  });

  it('discourages once last_seen is over 35 days past the header', async () => {
    const withKey = mail(NOW - 100 * DAY, [k1]);
    const [, at34] = await inspect([withKey, mail(NOW - 66 * DAY, [])]);
    const [, at36] = await inspect([withKey, mail(NOW - 64 * DAY, [])]);

    expect(at34!.recommendation).toBe('encrypt');
    expect(at36!.recommendation).toBe('discourage');
    expect(at36!.peer!.public_key).toBe(k1.fingerprint);
  });

  it('does not process Autocrypt-Draft-State outside a draft', async () => {
    // Spec: "The semantics of this header are defined only in the context of a
    // message that is loaded as a draft. It SHOULD NOT be processed for messages
    // loaded in any other context."
    const draftLike = mail(
      NOW - DAY,
      [k1],
      [['Autocrypt-Draft-State', 'encrypt=yes; _by-choice=yes']],
    );
    const [report] = await inspect([draftLike]);

    expect(report!.autocrypt).toMatchObject({ valid: true, fingerprint: k1.fingerprint });
    expect(report!.recommendation).toBe('encrypt');
  });
});

describe('OpenPGP v6 (RFC 9580)', () => {
  it('accepts a v6 certificate in an Autocrypt header and encrypts to it', async () => {
    const v6 = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ email: BOB }],
      date: new Date(NOW - DAY),
      config: { v6Keys: true },
      format: 'object',
    });
    const v6Key: Key = {
      keydata: v6.publicKey.write(),
      fingerprint: v6.publicKey.getFingerprint().toUpperCase(),
      privateKeyArmored: v6.privateKey.armor(),
    };
    const [report] = await inspect([mail(NOW - DAY, [v6Key])]);

    expect(report!.autocrypt).toMatchObject({
      valid: true,
      fingerprint: v6Key.fingerprint,
    });
    expect(v6Key.fingerprint).toMatch(/^[0-9A-F]{64}$/);

    const me = await key('me@example.org');
    const raw = await buildOutgoing(
      { addr: 'me@example.org', prefer_encrypt: 'mutual', ...me },
      { to: [BOB], cc: [], subject: 's', text: 'to a v6 key\n' },
      [v6Key.keydata],
      new Date(NOW),
    );
    const [read] = await inspectMailbox(
      [{ name: 'to-v6', bytes: new TextEncoder().encode(raw) }],
      { secretKeys: [v6Key.privateKeyArmored], receivedAt: NOW, now: NOW },
    );
    expect(read!.decrypt).toMatchObject({ ok: true, text: 'to a v6 key\n' });
  });

  it('decrypts a SEIPDv2 (AEAD) message', async () => {
    // SEIPDv2 goes to keys that announce it: a v6 key here (the corpus has one to a
    // v4 key from Delta Chat, hp_legacy_display.eml).
    const v6 = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ email: 'me@example.org' }],
      // The SEIPDv2 feature flag is set only when AEAD is on at generation.
      config: { v6Keys: true, aeadProtect: true },
      format: 'object',
    });
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({
        text: 'Content-Type: text/plain\r\n\r\nsealed with OCB\r\n',
      }),
      encryptionKeys: v6.publicKey,
      config: { aeadProtect: true },
    });
    const packets = (await openpgp.readMessage({ armoredMessage: armored })).packets;
    expect(packets[1]).toMatchObject({ version: 2 });

    const outer = pgpMimeEncrypted(armored);
    const raw = serializeEntity({
      headers: [
        ['From', BOB],
        ['To', 'me@example.org'],
        ['Subject', 'x'],
        ...outer.headers,
      ],
      body: outer.body,
    });
    const [report] = await inspectMailbox(
      [{ name: 'seipdv2', bytes: new TextEncoder().encode(raw) }],
      { secretKeys: [v6.privateKey.armor()], receivedAt: NOW, now: NOW },
    );
    expect(report!.decrypt).toMatchObject({ ok: true, text: 'sealed with OCB\n' });
  });
});
