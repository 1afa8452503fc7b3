/**
 * Attack suite HP-* (header protection, RFC 9788) through the product's read
 * path: the inspector (`inspectMailbox`), which runs `ingestMessage`,
 * `verifySignedMail`, `decryptMail` and `applyDecryptedMail` exactly as the
 * background does. Each case says how a vulnerable client fails; a mail built by
 * our own `buildOutgoing` is the positive control.
 */

import * as openpgp from 'openpgp';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryArea } from '../../../src/keyring/area';
import { KeyringStore } from '../../../src/keyring/store';
import { OperationLimits } from '../../../src/background/limits';
import { TicketStore } from '../../../src/background/tickets';
import { handlers } from '../../../src/background/handlers';
import type { Services } from '../../../src/background/context';
import { ProtocolError } from '../../../src/messaging/errors';
import { parseMail } from '../../../src/mime/parse';
import { base64ToBytes, bytesToBase64 } from '../../../src/util/base64';
import { inspectMailbox } from '../../../src/cli/inspect';
import { decryptMail } from '../../../src/mail/decrypt';
import { buildOutgoing, type OutgoingAccount } from '../../../src/mail/outgoing';
import { generateKeyPair, minimalPublicKey } from '../../../src/openpgp/gateway';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 4, 12);
const bytes = (s: string) => new TextEncoder().encode(s);

type Party = OutgoingAccount & { fingerprint: string };

async function party(addr: string): Promise<Party> {
  const key = await generateKeyPair({ addr, date: new Date(NOW - 60 * DAY) });
  return {
    addr,
    privateKeyArmored: key.privateKeyArmored,
    keydata: await minimalPublicKey(key.privateKeyArmored, addr),
    prefer_encrypt: 'mutual',
    fingerprint: key.fingerprint,
  };
}

let alice: Party;
let bob: Party;
let mallory: Party;

beforeAll(async () => {
  [alice, bob, mallory] = await Promise.all([
    party('alice@example.org'),
    party('bob@example.net'),
    party('mallory@example.com'),
  ]);
});

const inspect = (mails: string[], options: Parameters<typeof inspectMailbox>[1] = {}) =>
  inspectMailbox(
    mails.map((mail, i) => ({ name: `m${i}.eml`, bytes: bytes(mail) })),
    { receivedAt: NOW, now: NOW, ...options },
  );

const fold = (value: string) => value.replace(/(.{1,70})(?=.)/g, '$1\r\n ');

/** An Autocrypt header claiming alice's address with mallory's key. */
const forgedAutocrypt = () =>
  `Autocrypt: ${fold(`addr=${alice.addr}; prefer-encrypt=mutual; keydata=${Buffer.from(mallory.keydata).toString('base64')}`)}`;

describe('HP-03 header protection outside an authenticated payload', () => {
  // The mail is neither signed nor encrypted, yet marks its root
  // `protected-headers="v1"` / `hp="clear"`, carries a part with "protected" header
  // fields (a forged From alice, a Subject and an Autocrypt header with mallory's
  // key) and starts its text with a legacy display block. A vulnerable client
  // shows "Wire the money" as a protected Subject, strips the block as if it were
  // a legacy display element, or applies the inner Autocrypt header to alice.
  function unauthenticated(): string {
    return [
      `From: ${mallory.addr}`,
      `To: ${bob.addr}`,
      `Date: ${new Date(NOW - DAY).toUTCString()}`,
      'Subject: Newsletter',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"; protected-headers="v1"; hp="clear"',
      '',
      '--b1',
      'Content-Type: text/rfc822-headers; protected-headers="v1"',
      'Content-Disposition: inline',
      '',
      `From: ${alice.addr}`,
      `To: ${bob.addr}`,
      'Subject: Wire the money',
      forgedAutocrypt(),
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8; hp-legacy-display="1"',
      '',
      `From: ${alice.addr}`,
      'Subject: Wire the money',
      '',
      'Please pay the attached invoice today.',
      '',
      '--b1--',
      '',
    ].join('\r\n');
  }

  it('HP-03 an unsigned, unencrypted mail with protected-headers parts and a legacy display block gets no protected Subject, no inner Autocrypt key and keeps its text', async () => {
    const [report] = await inspect([unauthenticated()]);

    expect(report!.kind).toBe('message');
    expect(report!.verify).toMatchObject({ form: 'none', signature: 'none' });
    // The Subject shown is the outer one (the root's own), never the inner one.
    expect(report!.protected_subject).not.toBe('Wire the money');
    expect([null, 'Newsletter']).toContain(report!.protected_subject);
    // The legacy display block is not removed from unauthenticated text: the user
    // sees that the "From alice" line is part of mallory's body.
    expect(report!.verify!.text).toContain(`From: ${alice.addr}`);
    expect(report!.verify!.text).toContain('Subject: Wire the money');
    // The inner Autocrypt header neither counts for mallory nor plants a key for alice.
    expect(report!.from).toBe(mallory.addr);
    expect(report!.autocrypt).toBeNull();
    expect(report!.autocrypt_location).toBeNull();
    expect(report!.autocrypt_protected).toBeNull();
    expect(report!.gossip).toEqual([]);
    expect(report!.peer?.public_key ?? null).toBeNull();
  });

  /** A multipart/signed mail by alice whose signed part carries protected headers. */
  async function signedMail(tamper: boolean): Promise<string> {
    const part = [
      'Content-Type: text/plain; charset=utf-8; protected-headers="v1"',
      `From: ${alice.addr}`,
      `To: ${bob.addr}`,
      'Subject: Lunch',
      '',
      'See you at noon.',
    ].join('\r\n');
    const key = await openpgp.readPrivateKey({ armoredKey: alice.privateKeyArmored });
    const signature = await openpgp.sign({
      message: await openpgp.createMessage({ binary: bytes(part) }),
      signingKeys: key,
      detached: true,
    });
    // Tampering after signing: the signature no longer covers the Subject shown.
    const body = tamper
      ? part.replace('Subject: Lunch', 'Subject: Wire the money')
      : part;
    return [
      `From: ${alice.addr}`,
      `To: ${bob.addr}`,
      `Date: ${new Date(NOW - DAY).toUTCString()}`,
      'Subject: Lunch',
      'MIME-Version: 1.0',
      'Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="s1"',
      '',
      '--s1',
      body,
      '--s1',
      'Content-Type: application/pgp-signature',
      '',
      String(signature).trim(),
      '--s1--',
      '',
    ].join('\r\n');
  }

  it('HP-03 a multipart/signed mail whose signature does not verify has no protected headers', async () => {
    // A client that reads protected headers before (or regardless of) checking the
    // signature would show "Wire the money" as alice's protected Subject.
    const [report] = await inspect([await signedMail(true)], {
      certs: [alice.keydata],
    });
    expect(report!.verify?.form).toBe('multipart-signed');
    expect(report!.verify?.signature).not.toBe('valid');
    expect(report!.protected_subject).toBeNull();
  });

  it('HP-03 positive control: a validly signed part gives its protected Subject', async () => {
    const [report] = await inspect([await signedMail(false)], {
      certs: [alice.keydata],
    });
    expect(report!.verify).toMatchObject({
      form: 'multipart-signed',
      signature: 'valid',
    });
    expect(report!.protected_subject).toBe('Lunch');
  });

  it('HP-03 positive control: inside a signed and encrypted payload the protected Subject is shown', async () => {
    const raw = await buildOutgoing(
      alice,
      { to: [bob.addr], cc: [], subject: 'Salary talk', text: 'Hi\n' },
      [bob.keydata],
      new Date(NOW - DAY),
      { protectHeaders: true },
    );
    const [report] = await inspect([raw], { secretKeys: [bob.privateKeyArmored] });
    expect(report!.decrypt).toMatchObject({ ok: true, text: 'Hi\n', signature: 'valid' });
    expect(report!.protected_subject).toBe('Salary talk');
  });
});

describe('HP-01 protected From and Subject differ from the outer ones', () => {
  const message = {
    to: ['bob@example.net'],
    cc: [],
    subject: 'Salary talk',
    text: 'Hi\n',
  };
  const decrypt = (raw: string) =>
    decryptMail(bytes(raw), bob.privateKeyArmored, [alice.keydata, mallory.keydata]);
  const send = (from: Party, opts = {}) =>
    buildOutgoing(from, message, [bob.keydata], new Date(NOW - DAY), opts);
  // Only the outer header section: everything inside is encrypted.
  const outer = (raw: string, name: string, value: string) =>
    raw.replace(new RegExp(`^${name}: .*$`, 'm'), `${name}: ${value}`);

  it('HP-01 a changed outer From and Subject are flagged; the protected Subject is shown', async () => {
    // Vulnerable: showing the outer "Invoice overdue" from carol, or the protected
    // values without saying the transport saw others (Enigmail's consistency gap).
    const raw = outer(
      outer(await send(alice), 'Subject', 'Invoice overdue'),
      'From',
      'carol@example.com',
    );
    const result = await decrypt(raw);
    expect(result.protectedHeaders?.subject).toBe('Salary talk');
    expect(result.protectedHeaders?.from).toBe(alice.addr);
    expect(result.headerMismatch).toEqual(['from', 'subject']);
    // Alice signed it and holds the protected From: not a forgery, but the outer
    // sender carol is not the signer.
    expect(result.protectedFromForged).toBe(false);
    expect(result.signerMatchesFrom).toBe(false);
  });

  it('HP-01 an inner From that the signer does not hold is rejected as forged', async () => {
    // Mallory signs with his own key a payload whose protected From is the CEO and
    // sends it From mallory: a client that trusts the inner From shows the CEO.
    const ceo = { ...mallory, addr: 'ceo@example.org' };
    const raw = outer(await send(ceo), 'From', mallory.addr);
    const result = await decrypt(raw);
    expect(result.signature.status).toBe('valid');
    expect(result.from).toBe(mallory.addr);
    expect(result.protectedHeaders?.from).toBe('ceo@example.org');
    expect(result.headerMismatch).toContain('from');
    expect(result.protectedFromForged).toBe(true);
  });

  it('HP-01 positive control: our own mail, hidden Subject or not, shows no mismatch', async () => {
    for (const protectHeaders of [false, true]) {
      const result = await decrypt(await send(alice, { protectHeaders }));
      expect(result.protectedHeaders?.subject).toBe('Salary talk');
      expect(result.headerMismatch).toEqual([]);
      expect(result.protectedFromForged).toBe(false);
      expect(result.signerMatchesFrom).toBe(true);
    }
  });
});

describe('HP-02 outer recipients absent from the protected headers', () => {
  const CAROL = 'carol@example.com';
  const DAVE = 'dave@example.net';
  const send = () =>
    buildOutgoing(
      alice,
      { to: [bob.addr], cc: [CAROL], subject: 'Plans', text: 'Hi\n' },
      [bob.keydata],
      new Date(NOW - DAY),
    );
  const decrypt = (raw: string) =>
    decryptMail(bytes(raw), bob.privateKeyArmored, [alice.keydata]);
  // Rewrites the outer Cc only: the protected copy is inside the encryption.
  const outerCc = (raw: string, value: string) =>
    raw.replace(/^Cc: .*$/m, `Cc: ${value}`);

  it('HP-02 an outer Cc added on the way is reported so that a reply leaves it out', async () => {
    // Vulnerable: the reader says nothing and reply-all quietly sends alice's
    // thread to dave, whom the sender never addressed.
    const raw = outerCc(await send(), `${CAROL}, Dave <${DAVE}>`);
    const result = await decrypt(raw);
    expect(result.signature.status).toBe('valid');
    expect(result.protectedHeaders?.cc).toEqual([CAROL]);
    expect(result.addedRecipients).toEqual([DAVE]);
  });

  it('HP-02 positive control: the sender’s own recipients, however written, are not flagged', async () => {
    expect((await decrypt(await send())).addedRecipients).toEqual([]);
    const raw = outerCc(await send(), `"Carol" <Carol@Example.COM>`);
    expect((await decrypt(raw)).addedRecipients).toEqual([]);
  });
});

describe('HP-02 a reply to a mail whose outer Cc was extended warns in the composer', () => {
  const CAROL = 'carol@example.com';
  const DAVE = 'dave@example.net';
  const TAB = 3;
  let services: Services;
  let me: { addr: string; keydata: Uint8Array };

  beforeEach(async () => {
    services = {
      keyring: new KeyringStore(memoryArea()),
      tickets: new TicketStore(memoryArea()),
      limits: new OperationLimits(memoryArea(), () => Date.now()),
      now: () => Date.now(),
      submitToPage: async () => ({ v: 1, requestId: 'x', ok: true }),
      toContent: async () => ({ ok: true }),
      gmailToken: async () => {
        throw new ProtocolError('not-authorised', 'no Google account in tests');
      },
    };
    await handlers['account.create'](
      { addr: bob.addr, name: 'Bob', prefer_encrypt: 'mutual' },
      { kind: 'setup', tabId: undefined },
      services,
    );
    const account = (await services.keyring.getAccount())!;
    me = { addr: account.addr, keydata: base64ToBytes(account.keydata) };
  });

  /** Alice's mail to us (Cc carol), read in the reader, then a reply-all drafted. */
  async function readAndReply(rewriteCc: (raw: string) => string) {
    const raw = rewriteCc(
      await buildOutgoing(
        alice,
        { to: [me.addr], cc: [CAROL], subject: 'Plans', text: 'Hi\n' },
        [me.keydata],
        // Now: the account key was made just now, by account.create.
        new Date(),
      ),
    );
    const messageId = (await parseMail(bytes(raw))).messageId!;
    const opened = await handlers['message.opened'](
      { messageId: 'm1', raw: bytesToBase64(bytes(raw)) },
      { kind: 'content', tabId: TAB },
      services,
    );
    const read = await handlers['reader.decrypt'](
      { ticket: opened.ticket! },
      { kind: 'reader', tabId: TAB },
      services,
    );
    // The webmail fills a reply-all from the outer header section.
    const cc = [CAROL, DAVE].filter((addr) => raw.includes(addr));
    const { ticket } = await handlers['composer.register'](
      {
        composeId: 'c1',
        to: [alice.addr],
        cc,
        subject: 'Re: Plans',
        inReplyTo: messageId,
        references: [messageId],
        pageAccount: me.addr,
      },
      { kind: 'content', tabId: TAB },
      services,
    );
    const advice = await handlers['composer.recommend'](
      { ticket, to: [alice.addr], cc },
      { kind: 'composer', tabId: TAB },
      services,
    );
    return { read, advice };
  }

  it('HP-02 reply-all to a mail with an added outer Cc names the added recipient in the reader and the composer', async () => {
    // Vulnerable: the composer takes the webmail's reply-all recipients as they are
    // and the thread goes to dave without a word.
    const { read, advice } = await readAndReply((raw) =>
      raw.replace(/^Cc: .*$/m, `Cc: ${CAROL}, ${DAVE}`),
    );
    expect(read.addedRecipients).toEqual([DAVE]);
    expect(advice.notNamedBySender).toEqual([DAVE]);
  });

  it('HP-02 positive control: a reply-all to an unchanged mail warns about nobody', async () => {
    const { read, advice } = await readAndReply((raw) => raw);
    expect(read.addedRecipients).toEqual([]);
    expect(read.headerMismatch).toEqual([]);
    expect(advice.recipients.map((r) => r.addr)).toEqual([alice.addr, CAROL]);
    expect(advice.notNamedBySender).toEqual([]);
  });
});
