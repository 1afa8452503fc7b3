/**
 * Attack suite EX-04, EX-05, EX-08 and RO-04 at the background's door: the real
 * router, the real handlers and stores over in-memory storage, requests shaped
 * exactly as `runtime.onMessage` delivers them with the sender Chrome fills in.
 * (The browser-level halves of these rows are in `test/security/browser/`.)
 */
import * as openpgp from 'openpgp';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryArea } from '../../../src/keyring/area';
import { KeyringStore } from '../../../src/keyring/store';
import { TicketStore } from '../../../src/background/tickets';
import { KEY_BUDGET, OperationLimits, VIEW_BUDGET } from '../../../src/background/limits';
import { createRouter } from '../../../src/background/router';
import { handlers } from '../../../src/background/handlers';
import type { Services } from '../../../src/background/context';
import { CHANNEL, type Answer } from '../../../src/messaging/protocol';
import type { SenderInfo } from '../../../src/messaging/sender';
import { base64ToBytes, bytesToBase64 } from '../../../src/util/base64';
import { buildDraft, draftTag } from '../../../src/mail/draft';
import { draftSecretOf } from '../../../src/background/drafts';
import { pgpMimeMail } from './packets';

const ID = 'ecosmailtestextensionid';
const ORIGIN = `chrome-extension://${ID}`;
const TAB = 7;
const ALICE = 'alice@ecosmail.test';

const senders = {
  setup: { id: ID, url: `${ORIGIN}/setup.html` },
  content: { id: ID, url: 'http://127.0.0.1:8080/#/inbox', frameId: 0, tab: { id: TAB } },
  reader: (tab = TAB) => ({
    id: ID,
    url: `${ORIGIN}/reader.html#x`,
    frameId: 4,
    tab: { id: tab },
  }),
  pageSubframe: {
    id: ID,
    url: 'http://127.0.0.1:8080/evil',
    frameId: 3,
    tab: { id: TAB },
  },
  otherExtension: { id: 'someotherextension', url: 'chrome-extension://other/x.html' },
} satisfies Record<string, SenderInfo | ((tab?: number) => SenderInfo)>;

let clock: number;
let route: ReturnType<typeof createRouter>;
let services: Services;

async function ask(name: string, payload: object, sender: SenderInfo) {
  const answer = (await route({ channel: CHANNEL, name, payload }, sender)) as Answer<
    Record<string, unknown>
  >;
  return answer;
}

async function errorCode(name: string, payload: object, sender: SenderInfo) {
  const answer = await ask(name, payload, sender);
  return answer.ok ? 'ok' : answer.error.code;
}

/** An encrypted mail to the account, opened by the content script: its ticket. */
async function openEncrypted(text = 'secret'): Promise<string> {
  const account = (await services.keyring.getAccount())!;
  const armored = await openpgp.encrypt({
    message: await openpgp.createMessage({
      binary: new TextEncoder().encode(`Content-Type: text/plain\r\n\r\n${text}`),
    }),
    encryptionKeys: await openpgp.readKey({ armoredKey: account.publicKeyArmored }),
  });
  const raw = pgpMimeMail(
    [
      'From: mallory@attack.test',
      `To: ${ALICE}`,
      `Message-ID: <${Math.random()}@attack.test>`,
    ],
    armored,
  );
  const answer = await ask(
    'message.opened',
    { messageId: 'm', raw: bytesToBase64(raw) },
    senders.content,
  );
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value.ticket as string;
}

beforeEach(async () => {
  clock = Date.UTC(2026, 11, 4, 12);
  const session = memoryArea();
  services = {
    keyring: new KeyringStore(memoryArea()),
    tickets: new TicketStore(session),
    limits: new OperationLimits(session, () => clock),
    // The Gmail seams are not exercised here.
    toContent: async () => undefined,
    gmailToken: async () => '',
    now: () => clock,
    submitToPage: async () => ({ v: 1, requestId: 'r', ok: true }),
  };
  route = createRouter(handlers, services, { id: ID, origin: ORIGIN });
  const created = await ask(
    'account.create',
    { addr: ALICE, name: '', prefer_encrypt: 'mutual' },
    senders.setup,
  );
  expect(created.ok).toBe(true);
});

describe('EX-05 forbidden senders', () => {
  // Vulnerable: a background that trusts the request name or a field of the
  // payload instead of the sender Chrome reports would decrypt for the page's
  // content script, for a frame the page made, or for another extension.
  it.each([
    ['our content script (shares the DOM with the page)', senders.content],
    ['a frame of the web page', senders.pageSubframe],
    ['another extension', senders.otherExtension],
  ])('EX-05 reader.decrypt from %s is refused', async (_who, sender) => {
    const ticket = await openEncrypted();
    expect(await errorCode('reader.decrypt', { ticket }, sender)).toBe(
      'forbidden-sender',
    );
    // Control: our reader frame in the same tab is served.
    const answer = await ask('reader.decrypt', { ticket }, senders.reader());
    expect(answer.ok && String(answer.value.text).trim()).toBe('secret');
  });

  it('EX-05 only the setup page may create a key, only the content script report mail', async () => {
    expect(
      await errorCode(
        'account.create',
        { addr: 'x@y.z', name: '', prefer_encrypt: 'mutual' },
        senders.content,
      ),
    ).toBe('forbidden-sender');
    expect(
      await errorCode('message.opened', { messageId: 'm', raw: '' }, senders.reader()),
    ).toBe('forbidden-sender');
    expect(await errorCode('no.such.request', {}, senders.reader())).toBe('bad-request');
  });
});

describe('EX-04 / RO-04 tickets bind a view to its tab', () => {
  // Vulnerable: a frame URL that works anywhere lets a page open our reader for
  // the victim's message in a tab it controls.
  it('EX-04 our reader with a ticket of another tab gets nothing', async () => {
    const ticket = await openEncrypted();
    expect(await errorCode('reader.decrypt', { ticket }, senders.reader(99))).toBe(
      'wrong-tab',
    );
    expect(await errorCode('reader.describe', { ticket }, senders.reader(99))).toBe(
      'wrong-tab',
    );
    expect(await errorCode('reader.decrypt', { ticket: 'guess' }, senders.reader())).toBe(
      'unknown-ticket',
    );
  });

  // Vulnerable: a request that can start decryption without our frame (a page
  // message, the content script) — the click in our frame is the only way in.
  it('RO-04 nothing but our reader frame can start a decryption', async () => {
    const ticket = await openEncrypted();
    const others = [senders.content, senders.pageSubframe, senders.otherExtension];
    for (const sender of others) {
      expect(await errorCode('reader.decrypt', { ticket }, sender)).toBe(
        'forbidden-sender',
      );
    }
    expect(await errorCode('composer.send', { ticket }, senders.content)).toBe(
      'forbidden-sender',
    );
  });
});

describe('RO-03 / RO-04 drafts are restored only for our composer frame', () => {
  // Vulnerable: a restore the page (or its content script) can ask for decrypts
  // without a click in our frame, and hands the plaintext to whoever asked (checked
  // on 2026-12-04 by allowing 'content' to send composer.restoreDraft: red).
  it('RO-04 restoring a stored draft: only our composer frame, only in its tab', async () => {
    const account = (await services.keyring.getAccount())!;
    const fields = {
      to: ['bob@ecosmail.test'],
      cc: [],
      subject: 'plans',
      text: 'hidden',
    };
    const mime = await buildDraft(
      { addr: ALICE },
      base64ToBytes(account.keydata),
      fields,
      await draftTag(await draftSecretOf(services)),
    );
    const registered = await ask(
      'composer.register',
      {
        composeId: 'c1',
        to: [],
        cc: [],
        subject: '',
        inReplyTo: null,
        references: [],
        pageAccount: ALICE,
        draft: bytesToBase64(new TextEncoder().encode(mime)),
      },
      senders.content,
    );
    const ticket = registered.ok ? String(registered.value.ticket) : '';
    const composer = (tab = TAB) => ({
      id: ID,
      url: `${ORIGIN}/composer.html#${ticket}`,
      frameId: 5,
      tab: { id: tab },
    });

    for (const sender of [
      senders.content,
      senders.pageSubframe,
      senders.otherExtension,
    ]) {
      expect(await errorCode('composer.restoreDraft', { ticket }, sender)).toBe(
        'forbidden-sender',
      );
    }
    expect(await errorCode('composer.restoreDraft', { ticket }, composer(99))).toBe(
      'wrong-tab',
    );
    // Control: our composer frame in that tab gets the fields back.
    const restored = await ask('composer.restoreDraft', { ticket }, composer());
    expect(restored).toEqual({ ok: true, value: fields });
  });
});

describe('EX-08 per-key and per-view operation limits', () => {
  // Vulnerable: unlimited decryption lets a page that can get clicks (or a
  // compromised frame) use the key as an oracle for thousands of ciphertexts.
  it(`EX-08 one view decrypts at most ${VIEW_BUDGET.perMinute} times a minute`, async () => {
    const ticket = await openEncrypted();
    for (let i = 0; i < VIEW_BUDGET.perMinute; i++) {
      expect(await errorCode('reader.decrypt', { ticket }, senders.reader())).toBe('ok');
    }
    expect(await errorCode('reader.decrypt', { ticket }, senders.reader())).toBe(
      'rate-limited',
    );
    clock += 60_000;
    expect(await errorCode('reader.decrypt', { ticket }, senders.reader())).toBe('ok');
  });

  it(`EX-08 one key decrypts at most ${KEY_BUDGET.perMinute} times a minute`, async () => {
    // Each message in its own view, as a page showing mail after mail would do.
    const codes: string[] = [];
    let ticket = '';
    for (let i = 0; i <= KEY_BUDGET.perMinute; i++) {
      ticket = await openEncrypted();
      codes.push(await errorCode('reader.decrypt', { ticket }, senders.reader()));
    }
    expect(codes.filter((c) => c === 'ok')).toHaveLength(KEY_BUDGET.perMinute);
    expect(codes.at(-1)).toBe('rate-limited');

    // The window is judged by the clock: a minute later the key works again.
    clock += 61_000;
    expect(await errorCode('reader.decrypt', { ticket }, senders.reader())).toBe('ok');
  });

  it('EX-08 the session total holds even across minutes', async () => {
    const limits = new OperationLimits(memoryArea(), () => clock);
    const budget = { perMinute: 5, total: 12 };
    let refused = 0;
    for (let minute = 0; minute < 4; minute++) {
      for (let i = 0; i < 5; i++) {
        await limits.take('key:x', budget).catch(() => (refused += 1));
      }
      clock += 60_000;
    }
    expect(refused).toBe(20 - 12);
  });
});
