/**
 * Passphrase protection of our secret key, over the real stores and gateway: the
 * unlock cache's clock-checked expiry, the one place that yields our key
 * (locked, unlocked, expired, wrong passphrase), and the popup's questions.
 */
import * as openpgp from 'openpgp';
import { beforeEach, describe, expect, it } from 'vitest';
import { memoryArea } from '../../src/keyring/area';
import { KeyringStore } from '../../src/keyring/store';
import { UnlockCache } from '../../src/keyring/unlock-cache';
import { OperationLimits } from '../../src/background/limits';
import { TicketStore } from '../../src/background/tickets';
import { handlers } from '../../src/background/handlers';
import type { Caller, Services } from '../../src/background/context';
import { ownPrivateKey, unlockOwnKey } from '../../src/background/own-key';
import { WindowPrompts, type PopupWindows } from '../../src/background/prompts';
import type { PromptView } from '../../src/messaging/protocol';
import {
  generateKeyPair,
  protectPrivateKey,
  unlockPrivateKey,
} from '../../src/openpgp/gateway';

const ALICE = 'alice@example.org';
const PASS = 'correct horse battery';
const MINUTE = 60_000;
const OPTIONS: Caller = { kind: 'options', tabId: undefined };

describe('protectPrivateKey', () => {
  it('keeps the v4 key and protects it with an iterated and salted S2K', async () => {
    const key = await generateKeyPair({ addr: ALICE });
    const locked = await protectPrivateKey(key.privateKeyArmored, PASS);

    const read = await openpgp.readPrivateKey({ armoredKey: locked });
    expect(read.isDecrypted()).toBe(false);
    expect(read.keyPacket.version).toBe(4);
    for (const packet of [read.keyPacket, ...read.subkeys.map((s) => s.keyPacket)]) {
      const fields = packet as unknown as { s2kUsage: number; s2k: { type: string } };
      expect(fields.s2kUsage).toBe(254);
      expect(fields.s2k.type).toBe('iterated');
    }
    expect(read.getFingerprint().toUpperCase()).toBe(key.fingerprint);

    const back = await unlockPrivateKey(locked, PASS);
    expect((await openpgp.readPrivateKey({ armoredKey: back })).isDecrypted()).toBe(true);
    await expect(unlockPrivateKey(locked, 'wrong passphrase')).rejects.toMatchObject({
      code: 'bad-passphrase',
    });
  });
});

describe('UnlockCache', () => {
  let clock: number;
  let area: ReturnType<typeof memoryArea>;
  let cache: UnlockCache;

  beforeEach(() => {
    clock = 1_000_000;
    area = memoryArea();
    cache = new UnlockCache(area, () => clock);
  });

  it('answers until the stored expiry and not a moment after, without any timer', async () => {
    await cache.put('FP', 'unlocked key', 5 * MINUTE);
    clock += 5 * MINUTE - 1;
    expect(await cache.get('FP')).toBe('unlocked key');
    expect(await cache.expiresAt('FP')).toBe(1_000_000 + 5 * MINUTE);

    // What a late alarm would miss: the clock alone ends it, and the entry goes.
    clock += 1;
    expect(await cache.get('FP')).toBeNull();
    expect(area.data.size).toBe(0);
  });

  it('survives a new instance over the same area (a restarted worker)', async () => {
    await cache.put('FP', 'unlocked key', MINUTE);
    expect(await new UnlockCache(area, () => clock).get('FP')).toBe('unlocked key');
  });

  it('treats a clock set back before the unlock as expired', async () => {
    await cache.put('FP', 'unlocked key', MINUTE);
    clock -= 1;
    expect(await cache.get('FP')).toBeNull();
  });

  it('forgets everything on clear, and nothing else', async () => {
    await area.set({ 'ticket:x': 1 });
    await cache.put('A', 'a', MINUTE);
    await cache.put('B', 'b', MINUTE);
    await cache.clear();
    expect(await cache.get('A')).toBeNull();
    expect(await cache.get('B')).toBeNull();
    expect([...area.data.keys()]).toEqual(['ticket:x']);
  });
});

/** Popup windows that record what was opened; the test answers for the user. */
function fakeWindows() {
  const opened: string[] = [];
  let closed: (id: number) => void = () => {};
  const windows: PopupWindows = {
    async open(url) {
      opened.push(url);
      return opened.length;
    },
    async close(id) {
      closed(id);
    },
    async focus() {},
    onClosed(listener) {
      closed = listener;
    },
  };
  return { windows, opened, closeByUser: (id: number) => closed(id) };
}

describe('own key through the background', () => {
  let clock: number;
  let services: Services;
  let popups: ReturnType<typeof fakeWindows>;
  let prompts: WindowPrompts;

  beforeEach(async () => {
    clock = Date.now();
    popups = fakeWindows();
    prompts = new WindowPrompts(popups.windows, 'ext://id/unlock.html');
    services = {
      keyring: new KeyringStore(memoryArea()),
      tickets: new TicketStore(memoryArea()),
      limits: new OperationLimits(memoryArea(), () => clock),
      now: () => clock,
      submitToPage: async () => ({ v: 1, requestId: 'x', ok: true }),
      toContent: async () => ({ ok: true }),
      gmailToken: async () => '',
      unlocked: new UnlockCache(memoryArea(), () => clock),
      prompts,
    };
    await handlers['account.create'](
      { addr: ALICE, name: '', prefer_encrypt: 'mutual' },
      { kind: 'setup', tabId: undefined },
      services,
    );
  });

  const account = async () => (await services.keyring.getAccount())!;
  const set = (current: string | null, next: string | null) =>
    handlers['protection.set']({ current, next }, OPTIONS, services);

  it('is the stored key when there is no passphrase (the default)', async () => {
    const stored = await account();
    expect(stored.protected).toBeUndefined();
    expect(await ownPrivateKey(services, stored)).toBe(stored.privateKeyArmored);
    expect((await handlers['protection.get']({}, OPTIONS, services)).protected).toBe(
      false,
    );
  });

  it('is locked after a passphrase is set, unlocked by it, and expires by the clock', async () => {
    const view = await set(null, PASS);
    expect(view).toMatchObject({
      protected: true,
      unlockedUntil: null,
      unlock_minutes: 30,
    });
    const stored = await account();
    expect(stored.privateKeyArmored).not.toContain('unlocked');
    await expect(ownPrivateKey(services, stored)).rejects.toMatchObject({
      code: 'locked',
    });

    // A wrong passphrase keeps nothing.
    await expect(unlockOwnKey(services, 'not the passphrase')).rejects.toMatchObject({
      code: 'bad-passphrase',
    });
    await expect(ownPrivateKey(services, stored)).rejects.toMatchObject({
      code: 'locked',
    });

    await handlers['protection.duration']({ minutes: 5 }, OPTIONS, services);
    await unlockOwnKey(services, PASS);
    const key = await ownPrivateKey(services, stored);
    expect((await openpgp.readPrivateKey({ armoredKey: key })).isDecrypted()).toBe(true);
    expect((await handlers['protection.get']({}, OPTIONS, services)).unlockedUntil).toBe(
      clock + 5 * MINUTE,
    );

    clock += 5 * MINUTE;
    await expect(ownPrivateKey(services, stored)).rejects.toMatchObject({
      code: 'locked',
    });
  });

  // Without `shortenTo` in protection.duration the key stays unlocked for the 30
  // minutes chosen before, and the second `locked` expectation fails.
  it('a shorter unlock time applies to the unlock in force (a longer one does not extend it)', async () => {
    await set(null, PASS);
    await unlockOwnKey(services, PASS);
    const unlockedAt = clock;
    expect((await handlers['protection.get']({}, OPTIONS, services)).unlockedUntil).toBe(
      unlockedAt + 30 * MINUTE,
    );

    clock += 2 * MINUTE;
    const shorter = await handlers['protection.duration'](
      { minutes: 5 },
      OPTIONS,
      services,
    );
    expect(shorter.unlockedUntil).toBe(unlockedAt + 5 * MINUTE);
    const longer = await handlers['protection.duration'](
      { minutes: 60 },
      OPTIONS,
      services,
    );
    expect(longer.unlockedUntil).toBe(unlockedAt + 5 * MINUTE);

    clock += 2 * MINUTE;
    expect(await ownPrivateKey(services, await account())).toContain('PRIVATE KEY');
    await handlers['protection.duration']({ minutes: 1 }, OPTIONS, services);
    await expect(ownPrivateKey(services, await account())).rejects.toMatchObject({
      code: 'locked',
    });
  });

  it('locks on Lock, and a passphrase change needs the current one', async () => {
    await set(null, PASS);
    await unlockOwnKey(services, PASS);
    await handlers['protection.lock']({}, OPTIONS, services);
    await expect(ownPrivateKey(services, await account())).rejects.toMatchObject({
      code: 'locked',
    });

    await expect(set('wrong one!', 'another passphrase')).rejects.toMatchObject({
      code: 'bad-passphrase',
    });
    await expect(set(PASS, 'short')).rejects.toMatchObject({ code: 'weak-passphrase' });
    await set(PASS, 'another passphrase');
    await expect(unlockOwnKey(services, PASS)).rejects.toMatchObject({
      code: 'bad-passphrase',
    });

    // Removing it stores the key unprotected again, with the same fingerprint.
    const before = (await account()).fingerprint;
    expect((await set('another passphrase', null)).protected).toBe(false);
    const after = await account();
    expect(after.fingerprint).toBe(before);
    expect(after.protected).toBe(false);
    const key = await ownPrivateKey(services, after);
    expect((await openpgp.readPrivateKey({ armoredKey: key })).isDecrypted()).toBe(true);
  });

  it('asks in one popup; a wrong passphrase there can be retried, and closing answers no', async () => {
    await set(null, PASS);
    const frame: Caller = { kind: 'reader', tabId: 1 };

    const first = handlers['unlock.ask']({}, frame, services);
    const second = handlers['unlock.ask']({}, { kind: 'composer', tabId: 2 }, services);
    await expect.poll(() => popups.opened.length).toBe(1);
    const id = popups.opened[0]!.split('#')[1]!;
    const popup: Caller = { kind: 'unlock', tabId: undefined };
    expect(await handlers['prompt.describe']({ id }, popup, services)).toEqual({
      kind: 'unlock',
      addr: ALICE,
      fingerprint: (await account()).fingerprint,
    } satisfies PromptView);

    await expect(
      handlers['prompt.unlock']({ id, passphrase: 'nope nope' }, popup, services),
    ).rejects.toMatchObject({ code: 'bad-passphrase' });
    // Confirm without the passphrase does not unlock.
    await handlers['prompt.answer']({ id, agreed: true }, popup, services);
    expect(await first).toEqual({ unlocked: false });
    expect(await second).toEqual({ unlocked: false });

    // Asked again: a new popup; the right passphrase unlocks and closes it.
    const third = handlers['unlock.ask']({}, frame, services);
    await expect.poll(() => popups.opened.length).toBe(2);
    const id2 = popups.opened[1]!.split('#')[1]!;
    await handlers['prompt.unlock']({ id: id2, passphrase: PASS }, popup, services);
    expect(await third).toEqual({ unlocked: true });
    await expect(
      handlers['prompt.describe']({ id: id2 }, popup, services),
    ).rejects.toMatchObject({ code: 'unknown-prompt' });

    // Already unlocked: no popup at all.
    expect(await handlers['unlock.ask']({}, frame, services)).toEqual({ unlocked: true });
    expect(popups.opened.length).toBe(2);
  });

  it('sends mail in the clear with a locked key (nothing is signed), but makes no Setup Message', async () => {
    await set(null, PASS);
    const { ticket } = await handlers['composer.register'](
      {
        composeId: 'c1',
        to: [],
        cc: [],
        subject: '',
        inReplyTo: null,
        references: [],
        pageAccount: ALICE,
      },
      { kind: 'content', tabId: 4 },
      services,
    );
    const sent = await handlers['composer.send'](
      {
        ticket,
        to: ['bob@example.net'],
        cc: [],
        subject: 's',
        text: 't',
        encrypt: false,
      },
      { kind: 'composer', tabId: 4 },
      services,
    );
    expect(sent).toMatchObject({ encrypted: false });
    await expect(
      handlers['setupMessage.create'](
        { subject: 's', description: 'd' },
        OPTIONS,
        services,
      ),
    ).rejects.toMatchObject({ code: 'locked' });
  });

  it('answers no when the user closes the popup window', async () => {
    await set(null, PASS);
    const asked = handlers['unlock.ask']({}, { kind: 'reader', tabId: 1 }, services);
    await expect.poll(() => popups.opened.length).toBe(1);
    popups.closeByUser(1);
    expect(await asked).toEqual({ unlocked: false });
  });
});
