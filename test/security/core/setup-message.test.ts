/**
 * Attack suite AC-12 (Autocrypt Setup Message) through the background's router and
 * handlers over the real stores: a Setup Message is imported only when the user asks
 * from our own pages, only when From = To = the account, only for
 * `Autocrypt-Setup-Message: v1` and only with the right Setup Code; anything else
 * is refused before the stored account changes.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import { memoryArea } from '../../../src/keyring/area';
import { KeyringStore } from '../../../src/keyring/store';
import { OperationLimits } from '../../../src/background/limits';
import { TicketStore } from '../../../src/background/tickets';
import { handlers } from '../../../src/background/handlers';
import { createRouter } from '../../../src/background/router';
import type { Caller, Services } from '../../../src/background/context';
import { ProtocolError } from '../../../src/messaging/errors';
import { CHANNEL } from '../../../src/messaging/protocol';
import { generateSetupCode } from '../../../src/autocrypt/setup-code';
import { buildSetupMessage } from '../../../src/mail/setup-message';
import { ingestMessage } from '../../../src/mail/incoming';
import { generateKeyPair, type GeneratedKey } from '../../../src/openpgp/gateway';
import { bytesToBase64 } from '../../../src/util/base64';

const ALICE = 'alice@example.org';
const MALLORY = 'mallory@example.net';
const OPTIONS: Caller = { kind: 'options', tabId: undefined };
const TEXTS = { subject: 'Autocrypt Setup Message', description: 'Keep it safe.' };
const EXTENSION = { id: 'ext-id', origin: 'chrome-extension://ext-id' };
const b64 = (s: string) => bytesToBase64(new TextEncoder().encode(s));

let services: Services;
let ownFingerprint: string;

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
    { addr: ALICE, name: 'Alice', prefer_encrypt: 'mutual' },
    { kind: 'setup', tabId: undefined },
    services,
  );
  ownFingerprint = (await services.keyring.getAccount())!.fingerprint;
});

/** A Setup Message carrying `key`, its code, optionally with headers rewritten. */
async function setupMessage(
  addr: string,
  key: GeneratedKey,
  rewrite: (raw: string) => string = (raw) => raw,
) {
  const code = generateSetupCode();
  const raw = await buildSetupMessage(
    { addr, privateKeyArmored: key.privateKeyArmored, prefer_encrypt: 'mutual' },
    code,
    TEXTS,
  );
  return { code, raw: rewrite(raw) };
}

const importAs = (caller: Caller, raw: string, code: string) =>
  handlers['setupMessage.import']({ raw: b64(raw), code }, caller, services);

/** The stored account must still be the one we created. */
async function unchanged() {
  expect((await services.keyring.getAccount())!.fingerprint).toBe(ownFingerprint);
}

describe('AC-12 Setup Message import', () => {
  it('AC-12 a Setup Message from an outsider (From mallory, To alice) is refused and changes nothing', async () => {
    // Vulnerable: importing any Setup Message whose code the user is talked into
    // typing (mallory sends the code along) replaces alice's key with mallory's.
    const key = await generateKeyPair({ addr: MALLORY });
    const { code, raw } = await setupMessage(MALLORY, key, (m) =>
      m.replace(/^To: .*$/m, `To: ${ALICE}`),
    );
    expect(raw).toMatch(new RegExp(`^From: .*${MALLORY}`, 'm'));
    await expect(importAs(OPTIONS, raw, code)).rejects.toMatchObject({
      code: 'not-self',
    });
    await unchanged();
  });

  it('AC-12 From = To = alice but Autocrypt-Setup-Message: v2 is ignored', async () => {
    // Vulnerable: treating any version as v1 (the spec says ignore it entirely).
    const key = await generateKeyPair({ addr: ALICE });
    const { code, raw } = await setupMessage(ALICE, key, (m) =>
      m.replace(/^Autocrypt-Setup-Message: v1/im, 'Autocrypt-Setup-Message: v2'),
    );
    expect(raw).toMatch(/^Autocrypt-Setup-Message: v2/m);
    await expect(importAs(OPTIONS, raw, code)).rejects.toMatchObject({
      code: 'unknown-version',
    });
    await unchanged();
  });

  it('AC-12 a wrong Setup Code is refused before anything is stored', async () => {
    // Vulnerable: a key stored (or the account reset) before the code was checked.
    const key = await generateKeyPair({ addr: ALICE });
    const { code, raw } = await setupMessage(ALICE, key);
    const wrong = code.replace(/^\d/, (d) => String((Number(d) + 1) % 10));
    await expect(importAs(OPTIONS, raw, wrong)).rejects.toMatchObject({
      code: 'bad-code',
    });
    await unchanged();
  });

  it('AC-12 only our own options and setup pages may import: the webmail page, reader and composer cannot', async () => {
    // Vulnerable: a content script (driven by the webmail page) or the reader
    // importing a Setup Message without the user asking for it.
    const key = await generateKeyPair({ addr: ALICE });
    const { code, raw } = await setupMessage(ALICE, key);
    const route = createRouter(handlers, services, EXTENSION);
    const message = {
      channel: CHANNEL,
      name: 'setupMessage.import',
      payload: { raw: b64(raw), code },
    };
    const senders = [
      { id: EXTENSION.id, url: 'https://mail.example/inbox', frameId: 0, tab: { id: 4 } },
      { id: EXTENSION.id, url: `${EXTENSION.origin}/reader.html`, tab: { id: 4 } },
      { id: EXTENSION.id, url: `${EXTENSION.origin}/composer.html`, tab: { id: 4 } },
      { id: 'other-extension', url: `${EXTENSION.origin}/options.html` },
    ];
    for (const sender of senders) {
      const answer = await route(message, sender);
      expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
    await unchanged();

    // Receiving the Setup Message as mail imports nothing either.
    await ingestMessage(new TextEncoder().encode(raw), async () => undefined, Date.now());
    await unchanged();

    // Positive control: the same request from the options page imports the key.
    const answer = await route(message, {
      id: EXTENSION.id,
      url: `${EXTENSION.origin}/options.html`,
    });
    expect(answer).toMatchObject({ ok: true });
    expect((await services.keyring.getAccount())!.fingerprint).toBe(key.fingerprint);
  });

  it('AC-12 positive control: our own Setup Message with the right code is imported', async () => {
    const key = await generateKeyPair({ addr: ALICE });
    const { code, raw } = await setupMessage(ALICE, key);
    const status = await importAs(OPTIONS, raw, code);
    expect(status).toMatchObject({ addr: ALICE });
    const account = (await services.keyring.getAccount())!;
    expect(account.fingerprint).toBe(key.fingerprint);
    expect(account.fingerprint).not.toBe(ownFingerprint);
  });
});
