/**
 * `messages.opened` over the real stores: each message is handled as a lone
 * `message.opened` would be, and a bad one fails alone.
 */
import { describe, expect, it } from 'vitest';
import { memoryArea } from '../../src/keyring/area';
import { KeyringStore } from '../../src/keyring/store';
import { OperationLimits } from '../../src/background/limits';
import { TicketStore } from '../../src/background/tickets';
import { handlers } from '../../src/background/handlers';
import type { Caller, Services } from '../../src/background/context';
import { buildOutgoing } from '../../src/mail/outgoing';
import { generateKeyPair, minimalPublicKey } from '../../src/openpgp/gateway';
import { bytesToBase64 } from '../../src/util/base64';

const ALICE = 'alice@example.org';
const TAB: Caller = { kind: 'content', tabId: 3 };

function services(): Services {
  return {
    keyring: new KeyringStore(memoryArea()),
    tickets: new TicketStore(memoryArea()),
    limits: new OperationLimits(memoryArea(), () => Date.now()),
    now: () => Date.now(),
    submitToPage: async () => ({ v: 1, requestId: 'x', ok: true }),
    toContent: async () => ({ ok: true }),
    gmailToken: async () => 'none',
  };
}

async function helloFrom(addr: string): Promise<string> {
  const key = await generateKeyPair({ addr });
  const mail = await buildOutgoing(
    {
      addr,
      privateKeyArmored: key.privateKeyArmored,
      keydata: await minimalPublicKey(key.privateKeyArmored, addr),
      prefer_encrypt: 'mutual',
    },
    { to: [ALICE], cc: [], subject: 'hi', text: 'hi' },
    null,
  );
  return bytesToBase64(new TextEncoder().encode(mail));
}

describe('messages.opened', () => {
  it('should store every sender of the batch and fail a bad message alone', async () => {
    const s = services();
    const raws = [
      await helloFrom('bob@example.net'),
      await helloFrom('carol@example.net'),
    ];

    const { results } = await handlers['messages.opened'](
      {
        messages: [
          { messageId: 'm1', raw: raws[0]! },
          { messageId: 'm2', raw: 'not base64!' },
          { messageId: 'm3', raw: raws[1]! },
        ],
      },
      TAB,
      s,
    );

    expect(results[0]).toMatchObject({
      header: { valid: true, addr: 'bob@example.net' },
    });
    expect(results[1]).toMatchObject({ error: { code: 'bad-request' } });
    expect(results[2]).toMatchObject({
      header: { valid: true, addr: 'carol@example.net' },
    });
    expect((await s.keyring.listPeers()).map((p) => p.addr).sort()).toEqual([
      'bob@example.net',
      'carol@example.net',
    ]);
  });

  it('should refuse a batch that is not a bounded array', async () => {
    const s = services();
    const many = Array.from({ length: 201 }, (_, i) => ({ messageId: `m${i}`, raw: '' }));
    await expect(
      handlers['messages.opened']({ messages: many }, TAB, s),
    ).rejects.toMatchObject({ code: 'bad-request' });
    await expect(
      handlers['messages.opened']({ messages: 'x' as never }, TAB, s),
    ).rejects.toMatchObject({ code: 'bad-request' });
  });
});
