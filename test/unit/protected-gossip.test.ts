/**
 * Header protection and key gossip, end to end through the core: what we send is
 * read back by the inspector, which processes messages in order as one mailbox
 * (the same rules the background applies).
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { formatAutocryptHeader } from '../../src/autocrypt/header';
import { inspectMailbox } from '../../src/cli/inspect';
import {
  buildOutgoing,
  OBSCURED_SUBJECT,
  type OutgoingAccount,
} from '../../src/mail/outgoing';
import { parseMail } from '../../src/mime/parse';
import { generateKeyPair, minimalPublicKey } from '../../src/openpgp/gateway';

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
let carol: Party;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([
    party('alice@example.org'),
    party('bob@example.net'),
    party('carol@example.com'),
  ]);
});

const inspect = (mails: string[], options: Parameters<typeof inspectMailbox>[1]) =>
  inspectMailbox(
    mails.map((mail, i) => ({ name: `m${i}.eml`, bytes: bytes(mail) })),
    { receivedAt: NOW, now: NOW, ...options },
  );

describe('protected headers (RFC 9788)', () => {
  const mail = { to: ['bob@example.net'], cc: [], subject: 'Salary talk', text: 'Hi\n' };

  it('hides the Subject outside when asked and shows it inside', async () => {
    const raw = await buildOutgoing(alice, mail, [bob.keydata], new Date(NOW - DAY), {
      protectHeaders: true,
    });

    expect((await parseMail(bytes(raw))).subject).toBe(OBSCURED_SUBJECT);
    expect(raw).not.toContain('Salary');

    const [report] = await inspect([raw], { secretKeys: [bob.privateKeyArmored] });
    expect(report!.decrypt).toMatchObject({ ok: true, text: 'Hi\n', signature: 'valid' });
    expect(report!.protected_subject).toBe('Salary talk');
  });

  it('keeps the outer Subject when the setting is off', async () => {
    const raw = await buildOutgoing(alice, mail, [bob.keydata], new Date(NOW - DAY));
    expect((await parseMail(bytes(raw))).subject).toBe('Salary talk');
  });

  it('never hides the Subject of a message sent in the clear', async () => {
    const raw = await buildOutgoing(alice, mail, null, new Date(NOW - DAY), {
      protectHeaders: true,
    });
    expect((await parseMail(bytes(raw))).subject).toBe('Salary talk');
  });
});

describe('key gossip', () => {
  const group = {
    to: ['bob@example.net', 'carol@example.com'],
    cc: [],
    subject: 'Team',
    text: 'Hello both\n',
  };

  async function groupMail(date: number): Promise<string> {
    return buildOutgoing(alice, group, [bob.keydata, carol.keydata], new Date(date), {
      gossip: [
        { addr: bob.addr, keydata: bob.keydata },
        { addr: carol.addr, keydata: carol.keydata },
      ],
    });
  }

  it('puts one Autocrypt-Gossip per recipient inside the encryption only', async () => {
    const raw = await groupMail(NOW - DAY);
    expect(raw).not.toMatch(/^Autocrypt-Gossip:/im);

    const [report] = await inspect([raw], {
      secretKeys: [bob.privateKeyArmored],
      account: bob.addr,
    });
    // Gossip about ourselves is not applied; Carol's key is.
    expect(report!.gossip).toEqual([
      { addr: carol.addr, fingerprint: carol.fingerprint },
    ]);
  });

  it('discourages gossip-only peers, never overrides a direct key', async () => {
    const impostor = await party('carol@example.com');
    const direct = await buildOutgoing(
      impostor,
      { to: ['bob@example.net'], cc: [], subject: 'Hi', text: 'x\n' },
      null,
      new Date(NOW - 2 * DAY),
    );
    const gossiped = await groupMail(NOW - DAY);

    const [first, , last] = await inspect([gossiped, direct, gossiped], {
      secretKeys: [bob.privateKeyArmored],
      account: bob.addr,
    });

    // Known by gossip only: "If public_key is null ... preliminary-recommendation
    // to discourage".
    expect(first!.gossip_peers).toMatchObject([
      { addr: carol.addr, public_key: null, gossip_key: carol.fingerprint },
    ]);
    expect(first!.gossip_peers[0]!.recommendation).toBe('discourage');

    // A directly received key stays the one we encrypt to, whatever is gossiped later.
    expect(last!.gossip_peers).toMatchObject([
      {
        addr: carol.addr,
        public_key: impostor.fingerprint,
        gossip_key: carol.fingerprint,
      },
    ]);
    // (available, not encrypt: the inspector's own prefer-encrypt is nopreference)
    expect(last!.gossip_peers[0]!.recommendation).toBe('available');
  });

  it('reads recipients in protected headers when outer ones are hidden', async () => {
    // Delta Chat 2.x sends `To: "hidden-recipients": ;` outside and names the
    // recipients only in the protected headers, beside its Autocrypt-Gossip.
    const sent = await buildOutgoing(
      alice,
      group,
      [bob.keydata, carol.keydata],
      new Date(NOW - DAY),
      {
        protectHeaders: true,
        gossip: [
          { addr: bob.addr, keydata: bob.keydata },
          { addr: carol.addr, keydata: carol.keydata },
        ],
      },
    );
    const hidden = sent.replace(/^To:.*(\r\n[ \t].*)*/m, 'To: "hidden-recipients": ;');
    expect(hidden).not.toBe(sent);

    const [report] = await inspect([hidden], {
      secretKeys: [bob.privateKeyArmored],
      account: bob.addr,
    });
    // Without the protected To, Carol would not count as a recipient (AC-10).
    expect(report!.gossip).toEqual([
      { addr: carol.addr, fingerprint: carol.fingerprint },
    ]);
  });

  it('dates gossip by the protected Date when the outer one is obscured', async () => {
    // Delta Chat 2.x moves the outer Date days back and keeps the true one inside.
    const renewed = await party('carol@example.com');
    const gossipOf = (who: Party) => ({
      protectHeaders: true,
      gossip: [{ addr: carol.addr, keydata: who.keydata }],
    });
    const older = await buildOutgoing(
      alice,
      group,
      [bob.keydata, carol.keydata],
      new Date(NOW - 5 * DAY),
      gossipOf(carol),
    );
    const newer = await buildOutgoing(
      alice,
      group,
      [bob.keydata, renewed.keydata],
      new Date(NOW - DAY),
      gossipOf(renewed),
    );
    const obscured = newer.replace(
      /^Date: .*$/m,
      `Date: ${new Date(NOW - 10 * DAY).toUTCString().replace('GMT', '+0000')}`,
    );
    expect(obscured).not.toBe(newer);

    const [, last] = await inspect([older, obscured], {
      secretKeys: [bob.privateKeyArmored],
      account: bob.addr,
    });
    // By the outer Date it would be older than the first gossip and change nothing.
    expect(last!.gossip_peers).toMatchObject([
      { addr: carol.addr, gossip_key: renewed.fingerprint },
    ]);
  });

  it('ignores Autocrypt-Gossip outside the encryption', async () => {
    const gossip = formatAutocryptHeader({
      addr: carol.addr,
      prefer_encrypt: 'nopreference',
      keydata: carol.keydata,
    });
    const plain = await buildOutgoing(
      alice,
      { ...group, text: 'clear\n' },
      null,
      new Date(NOW - DAY),
    );
    const forged = plain.replace(
      'MIME-Version:',
      `Autocrypt-Gossip: ${gossip}\r\nMIME-Version:`,
    );

    const [report] = await inspect([forged], { account: bob.addr });
    expect(report!.gossip).toEqual([]);
    expect(report!.peer?.addr).toBe(alice.addr);
  });
});
