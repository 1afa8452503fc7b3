/**
 * Attack suite AC-07 through the background: mail is ingested into the real
 * keyring with `ingestMessage` (what the background stores), then the composer asks
 * `composer.recommend` for its recipients. A forged `From: alice` carrying
 * mallory's key with `prefer-encrypt=mutual` replaces alice's key (Level 1 has no
 * way to tell it from a genuine new key), but never silently: the change stays in
 * the peer's history and the composer names it beside the recipient.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import { memoryArea } from '../../../src/keyring/area';
import { KeyringStore } from '../../../src/keyring/store';
import { OperationLimits } from '../../../src/background/limits';
import { TicketStore } from '../../../src/background/tickets';
import { handlers } from '../../../src/background/handlers';
import type { Services } from '../../../src/background/context';
import { ProtocolError } from '../../../src/messaging/errors';
import { ingestMessage } from '../../../src/mail/incoming';
import { buildOutgoing, type OutgoingAccount } from '../../../src/mail/outgoing';
import { KEY_CHANGE_NOTICE_MS } from '../../../src/autocrypt/peer-state';
import { generateKeyPair, minimalPublicKey } from '../../../src/openpgp/gateway';

const DAY = 24 * 60 * 60 * 1000;
const ALICE = 'alice@example.org';
const TAB = 5;

let services: Services;
let now: number;

async function sender(addr: string, keyAddr = addr): Promise<OutgoingAccount> {
  const key = await generateKeyPair({
    addr: keyAddr,
    date: new Date(Date.now() - 400 * DAY),
  });
  return {
    addr,
    privateKeyArmored: key.privateKeyArmored,
    keydata: await minimalPublicKey(key.privateKeyArmored, keyAddr),
    prefer_encrypt: 'mutual',
  };
}

beforeEach(async () => {
  now = Math.floor(Date.now() / 1000) * 1000; // Date headers have whole seconds
  services = {
    keyring: new KeyringStore(memoryArea()),
    tickets: new TicketStore(memoryArea()),
    limits: new OperationLimits(memoryArea(), () => now),
    now: () => now,
    submitToPage: async () => ({ v: 1, requestId: 'x', ok: true }),
    toContent: async () => ({ ok: true }),
    gmailToken: async () => {
      throw new ProtocolError('not-authorised', 'no Google account in tests');
    },
  };
  await handlers['account.create'](
    { addr: 'bob@example.net', name: 'Bob', prefer_encrypt: 'mutual' },
    { kind: 'setup', tabId: undefined },
    services,
  );
});

/** A clear mail from `from` (with its Autocrypt header) received `daysAgo`. */
async function receive(from: OutgoingAccount, daysAgo: number) {
  const date = new Date(now - daysAgo * DAY);
  const raw = await buildOutgoing(
    from,
    { to: ['bob@example.net'], cc: [], subject: 'hi', text: 'Hello.\n' },
    null,
    date,
  );
  await services.keyring.withPeers(async (tx) => {
    const result = await ingestMessage(
      new TextEncoder().encode(raw),
      tx.getPeer,
      date.getTime(),
    );
    if (result.peer) await tx.putPeer(result.peer);
  });
}

/** What the composer shows for a message to alice. */
async function adviceForAlice() {
  const { ticket } = await handlers['composer.register'](
    {
      composeId: 'c1',
      to: [ALICE],
      cc: [],
      subject: 'hi',
      inReplyTo: null,
      references: [],
      pageAccount: null,
    },
    { kind: 'content', tabId: TAB },
    services,
  );
  const advice = await handlers['composer.recommend'](
    { ticket, to: [ALICE], cc: [] },
    { kind: 'composer', tabId: TAB },
    services,
  );
  return advice.recipients[0]!;
}

describe('AC-07 a forged key for a known peer is shown as a key change', () => {
  it('AC-07 after a forged From: alice with mallory’s key, the composer marks alice’s key as changed', async () => {
    // Vulnerable: the new key silently becomes the one we encrypt to, and nothing
    // the user sees says alice's key is not the one she had yesterday.
    const alice = await sender(ALICE);
    const forged = await sender(ALICE, 'mallory@example.net');
    await receive(alice, 10);
    await receive(forged, 1);

    const peer = (await services.keyring.getPeer(ALICE))!;
    expect(peer.history).toHaveLength(2);
    expect(peer.history[0]!.first_seen).toBe(now - 10 * DAY);

    const recipient = await adviceForAlice();
    expect(recipient.recommendation).toBe('encrypt');
    expect(recipient.keyChangedAt).toBe(now - 1 * DAY);
  });

  it('AC-07 positive control: a peer whose key never changed is not marked', async () => {
    const alice = await sender(ALICE);
    await receive(alice, 10);
    await receive(alice, 1);
    const recipient = await adviceForAlice();
    expect(recipient.recommendation).toBe('encrypt');
    expect(recipient.keyChangedAt).toBeNull();
  });

  it('AC-07 positive control: an old key change is no longer pointed out', async () => {
    const alice = await sender(ALICE);
    const next = await sender(ALICE);
    await receive(alice, 100);
    await receive(next, 90);
    expect(90 * DAY).toBeGreaterThan(KEY_CHANGE_NOTICE_MS);
    expect((await adviceForAlice()).keyChangedAt).toBeNull();
  });
});
