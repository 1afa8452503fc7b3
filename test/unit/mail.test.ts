import { beforeAll, describe, expect, it } from 'vitest';
import { formatAutocryptHeader } from '../../src/autocrypt/header';
import { updatePeerState, type PeerState } from '../../src/autocrypt/peer-state';
import { decryptMail, ingestMessage } from '../../src/mail/incoming';
import { buildOutgoing, type OutgoingAccount } from '../../src/mail/outgoing';
import {
  generateKeyPair,
  minimalPublicKey,
  type GeneratedKey,
} from '../../src/openpgp/gateway';
import * as openpgp from 'openpgp';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 4, 12);
const bytes = (s: string) => new TextEncoder().encode(s);
const noPeer = async () => undefined;

async function account(
  addr: string,
  name?: string,
): Promise<OutgoingAccount & { key: GeneratedKey }> {
  // Created well before the fixed message dates below: a signature cannot predate its key.
  const key = await generateKeyPair({ addr, name, date: new Date(NOW - 30 * DAY) });
  const keydata = await minimalPublicKey(key.privateKeyArmored, addr);
  return {
    addr,
    name,
    privateKeyArmored: key.privateKeyArmored,
    keydata,
    prefer_encrypt: 'mutual',
    key,
  };
}

let alice: Awaited<ReturnType<typeof account>>;
let bob: Awaited<ReturnType<typeof account>>;

beforeAll(async () => {
  alice = await account('alice@example.org', 'Alice Ämmälä');
  bob = await account('bob@example.net');
});

const message = {
  to: ['bob@example.net'],
  cc: [],
  subject: 'Grüße aus Köln ☕',
  text: 'Hej Bob,\n\nsmörgåsbord, 東京, and a line with trailing space \nBye\n',
};

describe('buildOutgoing + ingestMessage', () => {
  it('sends plain mail with our Autocrypt header, which the receiver accepts', async () => {
    const raw = await buildOutgoing(alice, message, null, new Date(NOW - DAY));
    expect(raw).toMatch(
      /^Autocrypt: addr=alice@example.org; prefer-encrypt=mutual; keydata=\r\n/m,
    );
    expect(raw).toContain('MIME-Version: 1.0\r\n');
    expect(raw).toMatch(/^Message-ID: <[0-9a-f]{32}@example\.org>\r\n/m);

    const result = await ingestMessage(bytes(raw), noPeer, NOW);
    expect(result.skipped).toBeNull();
    expect(result.verdict).toMatchObject({
      valid: true,
      header: { prefer_encrypt: 'mutual' },
    });
    expect(result.fingerprint).toBe(alice.key.fingerprint);
    expect(result.peer).toMatchObject({
      addr: 'alice@example.org',
      last_seen: NOW - DAY,
      autocrypt_timestamp: NOW - DAY,
      public_key_fingerprint: alice.key.fingerprint,
      prefer_encrypt: 'mutual',
    });
    expect(result.mail.subject).toBe(message.subject);
    expect(result.mail.text).toBe(message.text);
  });

  it('encrypts to the recipient and to ourselves; both decrypt it, signature valid', async () => {
    const raw = await buildOutgoing(alice, message, [bob.keydata], new Date(NOW - DAY));
    expect(raw).toMatch(
      /^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/m,
    );
    expect(raw).toContain('\r\nVersion: 1\r\n');
    expect(raw).not.toContain('smörgåsbord');

    const ingested = await ingestMessage(bytes(raw), noPeer, NOW);
    expect(ingested.fingerprint).toBe(alice.key.fingerprint);
    expect(ingested.mail.encrypted).not.toBeNull();

    const forBob = await decryptMail(bytes(raw), bob.privateKeyArmored, [alice.keydata]);
    expect(forBob).toEqual({
      from: 'alice@example.org',
      text: message.text,
      html: null,
      embedded: false,
      signature: {
        status: 'valid',
        signerFingerprint: alice.key.fingerprint,
        signedAt: expect.any(Number),
        addressedToOthers: false,
      },
      signerMatchesFrom: true,
      fromAmbiguous: false,
      gossip: [],
      protectedHeaders: {
        subject: message.subject,
        from: 'alice@example.org',
        to: ['bob@example.net'],
        cc: [],
        replyTo: [],
        autocrypt: [],
        date: NOW - DAY,
      },
      attachments: [],
      // Outer and protected headers agree (attack suite HP-01, HP-02).
      headerMismatch: [],
      protectedFromForged: false,
      addedRecipients: [],
    });

    const sentCopy = await decryptMail(bytes(raw), alice.privateKeyArmored, []);
    expect(sentCopy.text).toBe(message.text);
    expect(sentCopy.signature.status).toBe('unknown-key');

    // The keys may also be looked up by the From address decryptMail read.
    const asked: string[] = [];
    const looked = await decryptMail(bytes(raw), bob.privateKeyArmored, async (from) => {
      asked.push(from);
      return [alice.keydata];
    });
    expect(asked).toEqual(['alice@example.org']);
    expect(looked.signature.status).toBe('valid');
  });

  it('does not call a valid signature by another key "from the sender"', async () => {
    const mallory = await account('mallory@example.com');
    const forged = { ...alice, privateKeyArmored: mallory.privateKeyArmored };
    const raw = await buildOutgoing(forged, message, [bob.keydata]);

    const result = await decryptMail(bytes(raw), bob.privateKeyArmored, [
      mallory.keydata,
    ]);
    expect(result.signature).toMatchObject({ status: 'valid' });
    expect(result.signerMatchesFrom).toBe(false);
  });

  it('refuses to encrypt to a certificate without a usable encryption key (P14)', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'gone@example.org' }],
      date: new Date(Date.now() - 30 * DAY),
      keyExpirationTime: 60,
      format: 'binary',
    });
    await expect(
      buildOutgoing(alice, message, [bob.keydata, publicKey]),
    ).rejects.toMatchObject({
      name: 'CryptoError',
      code: 'no-encryption-key',
    });
  });

  it('reports not-encrypted for plain mail', async () => {
    const raw = await buildOutgoing(alice, message, null);
    await expect(
      decryptMail(bytes(raw), bob.privateKeyArmored, []),
    ).rejects.toMatchObject({
      code: 'not-encrypted',
    });
  });
});

describe('ingestMessage rules', () => {
  function plain(
    headers: string[],
    date = 'Thu, 03 Dec 2026 12:00:00 +0000',
  ): Uint8Array {
    return bytes(
      [...headers, `Date: ${date}`, 'Subject: hi', '', 'body', ''].join('\r\n'),
    );
  }

  function autocrypt(keydata = alice.keydata): string {
    return `Autocrypt: ${formatAutocryptHeader({ addr: 'alice@example.org', prefer_encrypt: 'mutual', keydata })}`;
  }

  it('discards all headers when more than one is valid; only last_seen moves', async () => {
    const stored = updatePeerState(undefined, {
      addr: 'alice@example.org',
      effectiveDate: NOW - 10 * DAY,
      header: { prefer_encrypt: 'mutual', keydata: alice.keydata, fingerprint: 'OLD' },
    }) as PeerState;
    const raw = plain(['From: alice@example.org', autocrypt(), autocrypt()]);

    const result = await ingestMessage(raw, async () => stored, NOW);
    expect(result.verdict).toMatchObject({ valid: false, reason: 'multiple-headers' });
    expect(result.fingerprint).toBeNull();
    expect(result.peer).toEqual({ ...stored, last_seen: Date.UTC(2026, 11, 3, 12) });

    // From a stranger the same message teaches nothing at all.
    expect((await ingestMessage(raw, noPeer, NOW)).peer).toBeUndefined();
  });

  it('keeps the one valid header among invalid ones', async () => {
    const bad = 'Autocrypt: addr=alice@example.org; danger=yes; keydata=AAAA';
    const result = await ingestMessage(
      plain(['From: alice@example.org', bad, autocrypt()]),
      noPeer,
      NOW,
    );
    expect(result.verdict?.valid).toBe(true);
  });

  it('reports bad-keydata for base64 that is not a certificate', async () => {
    const raw = plain([
      'From: alice@example.org',
      'Autocrypt: addr=alice@example.org; keydata=AAECAwQF',
    ]);
    const result = await ingestMessage(raw, noPeer, NOW);
    expect(result.verdict).toMatchObject({ valid: false, reason: 'bad-keydata' });
  });

  it('uses the receipt time when Date is in the future or missing', async () => {
    const future = await ingestMessage(
      plain(['From: alice@example.org', autocrypt()], 'Fri, 01 Jan 2100 00:00:00 +0000'),
      noPeer,
      NOW,
    );
    expect(future.peer?.autocrypt_timestamp).toBe(NOW);

    const undated = bytes(`From: alice@example.org\r\n${autocrypt()}\r\n\r\nbody\r\n`);
    expect((await ingestMessage(undated, noPeer, NOW)).peer?.last_seen).toBe(NOW);
  });

  it('reuses the check of the stored key for the same keydata, not for other keydata', async () => {
    // The stored fingerprint is a marker: it comes back only if the stored
    // check is reused instead of reading the certificate again.
    const stored = updatePeerState(undefined, {
      addr: 'alice@example.org',
      effectiveDate: NOW - 10 * DAY,
      header: { prefer_encrypt: 'mutual', keydata: alice.keydata, fingerprint: 'STORED' },
    }) as PeerState;

    const same = await ingestMessage(
      plain(['From: alice@example.org', autocrypt()]),
      async () => stored,
      NOW,
    );
    expect(same.fingerprint).toBe('STORED');

    const other = await ingestMessage(
      plain(['From: alice@example.org', autocrypt(bob.keydata)]),
      async () => stored,
      NOW,
    );
    expect(other.fingerprint).toBe(bob.key.fingerprint);
  });

  it('lets an older message leave a newer stored state alone', async () => {
    const stored = updatePeerState(undefined, {
      addr: 'alice@example.org',
      effectiveDate: NOW,
      header: {
        prefer_encrypt: 'nopreference',
        keydata: bob.keydata,
        fingerprint: 'NEWER',
      },
    }) as PeerState;
    const raw = plain(['From: alice@example.org', autocrypt()]);
    const result = await ingestMessage(raw, async () => stored, NOW);
    expect(result.verdict?.valid).toBe(true);
    expect(result.peer).toBeUndefined();
  });

  it.each([
    [
      'multipart-report',
      ['From: alice@example.org', 'Content-Type: multipart/report; boundary=x'],
    ],
    ['auto-replied', ['From: alice@example.org', 'Auto-Submitted: auto-replied']],
    ['multiple-from', ['From: alice@example.org, eve@example.org']],
    ['no-from', ['To: bob@example.net']],
  ])('skips %s without touching peer state', async (skipped, headers) => {
    const result = await ingestMessage(plain([...headers, autocrypt()]), noPeer, NOW);
    expect(result).toMatchObject({ skipped, peer: undefined, fingerprint: null });
    expect(result.verdict).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/^skipped-/),
    });
  });
});
