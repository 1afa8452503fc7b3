/**
 * The background's Gmail paths over the real stores: what they accept, and
 * that path A hands the content script nothing but armor.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryArea } from '../../src/keyring/area';
import { KeyringStore } from '../../src/keyring/store';
import { OperationLimits } from '../../src/background/limits';
import { TicketStore } from '../../src/background/tickets';
import { handlers } from '../../src/background/handlers';
import type { Caller, Services } from '../../src/background/context';
import { ProtocolError } from '../../src/messaging/errors';
import { buildOutgoing } from '../../src/mail/outgoing';
import { generateKeyPair, minimalPublicKey } from '../../src/openpgp/gateway';
import { bytesToBase64 } from '../../src/util/base64';

const ALICE = 'alice@example.org';
const DANA = 'dana@example.net';
const TAB: Caller = { kind: 'content', tabId: 3 };
const FRAME: Caller = { kind: 'composer', tabId: 3 };

describe('Gmail compose paths in the background', () => {
  let services: Services;
  let toContent: { tabId: number; message: unknown }[];
  let tokenAsked: number;

  beforeEach(async () => {
    toContent = [];
    tokenAsked = 0;
    services = {
      keyring: new KeyringStore(memoryArea()),
      tickets: new TicketStore(memoryArea()),
      limits: new OperationLimits(memoryArea(), () => Date.now()),
      now: () => Date.now(),
      submitToPage: async () => ({ v: 1, requestId: 'x', ok: true }),
      async toContent(tabId, message) {
        toContent.push({ tabId, message });
        return { ok: true };
      },
      async gmailToken() {
        tokenAsked++;
        throw new ProtocolError('not-authorised', 'no Google account in tests');
      },
    };
    await handlers['account.create'](
      { addr: ALICE, name: 'Alice', prefer_encrypt: 'mutual' },
      { kind: 'setup', tabId: undefined },
      services,
    );

    // Dana's plain mail with her Autocrypt header teaches us her key.
    const key = await generateKeyPair({ addr: DANA });
    const hello = await buildOutgoing(
      {
        addr: DANA,
        privateKeyArmored: key.privateKeyArmored,
        keydata: await minimalPublicKey(key.privateKeyArmored, DANA),
        prefer_encrypt: 'mutual',
      },
      { to: [ALICE], cc: [], subject: 'hi', text: 'hi' },
      null,
    );
    await handlers['message.opened'](
      { messageId: 'a1', raw: bytesToBase64(new TextEncoder().encode(hello)) },
      TAB,
      services,
    );
  });

  const compose = (threadId: string | null) =>
    handlers['gmail.compose'](
      {
        composeId: 'c1',
        to: [DANA],
        cc: [],
        subject: 'Re: hi',
        inReplyTo: '<p@example.net>',
        references: ['<p@example.net>'],
        threadId,
      },
      TAB,
      services,
    );

  it('should refuse a thread id that is not a Gmail id', async () => {
    await expect(compose('../../drafts')).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('should open a Gmail composer that the page submit path refuses', async () => {
    const { ticket } = await compose('15f1123136926bff');
    const opened = await handlers['composer.open']({ ticket }, FRAME, services);
    expect(opened).toMatchObject({ gmail: true, to: [DANA], subject: 'Re: hi' });

    const send = { ticket, to: [DANA], cc: [], subject: 's', text: 't', encrypt: true };
    await expect(handlers['composer.send'](send, FRAME, services)).rejects.toMatchObject({
      code: 'bad-request',
    });
  });

  it('should hand the content script only armor on path A', async () => {
    const { ticket } = await compose(null);
    const text = 'a secret for Dana only';
    await handlers['gmail.armor'](
      { ticket, to: [DANA], cc: [], text, attachKey: true },
      FRAME,
      services,
    );

    expect(toContent).toHaveLength(1);
    const { tabId, message } = toContent[0]!;
    expect(tabId).toBe(3);
    const { payload } = message as {
      payload: {
        composeId: string;
        armored: string;
        publicKey: { fileName: string; armored: string };
      };
    };
    expect(payload.publicKey.fileName).toMatch(/^OpenPGP_0x[0-9A-F]{16}\.asc$/);
    expect(payload.publicKey.armored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(payload.publicKey.armored).not.toMatch(/PRIVATE/);
    expect(payload.composeId).toBe('c1');
    expect(payload.armored).toMatch(
      /^-----BEGIN PGP MESSAGE-----[^]*-----END PGP MESSAGE-----\s*$/,
    );
    expect(JSON.stringify(message)).not.toContain(text);
  });

  it('should refuse path A to a recipient without a key', async () => {
    const { ticket } = await compose(null);
    const payload = {
      ticket,
      to: ['eve@example.com'],
      cc: [],
      text: 'x',
      attachKey: false,
    };
    await expect(handlers['gmail.armor'](payload, FRAME, services)).rejects.toMatchObject(
      {
        code: 'cannot-encrypt',
      },
    );
    expect(toContent).toEqual([]);
  });

  it('should stop path B at the authorisation step when there is no token', async () => {
    const { ticket } = await compose('15f1123136926bff');
    const payload = { ticket, to: [DANA], cc: [], subject: 'Re: hi', text: 'x' };
    await expect(handlers['gmail.send'](payload, FRAME, services)).rejects.toMatchObject({
      code: 'not-authorised',
    });
    expect(tokenAsked).toBe(1);
  });

  it('should refuse the Gmail paths for a ticket of another webmail', async () => {
    const { ticket } = await handlers['composer.register'](
      {
        composeId: 'p1',
        to: [DANA],
        cc: [],
        subject: '',
        pageAccount: null,
        inReplyTo: null,
        references: [],
      },
      TAB,
      services,
    );
    const payload = { ticket, to: [DANA], cc: [], text: 'x', attachKey: false };
    await expect(handlers['gmail.armor'](payload, FRAME, services)).rejects.toMatchObject(
      {
        code: 'bad-request',
      },
    );
  });
});
