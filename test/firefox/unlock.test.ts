/**
 * Firefox ESR with the built MV3 add-on: a passphrase set on the options page,
 * the unlock in our popup window (`windows.create`), the unlocked key in
 * `storage.session` surviving the event page's suspension, and Lock. Each click
 * in our frames is also confirmed in the popup, since Firefox cannot tell a
 * frame the page made transparent (attack suite EX-03).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import {
  backgroundSuspended,
  launchFirefoxWithExtension,
  setUpAccount,
  waitFor,
  type FirefoxWithExtension,
} from './firefox';
import { extensionFrame, openMessage, signIn, textOf } from './webmail-page';
import { answerPopup, confirmInPopup, ourPopup } from './popup';
import { startTestWebmail } from '../e2e/webmail-page';
import { deliverTo, pgpMimeMail } from '../security/browser/harness';
import type { Webmail } from '../../webmail/server';

const ALICE = 'alice@ecosmail.test';
const DANA = 'dana@peer.test';
const PASS = `firefox passphrase ${Math.random().toString(36).slice(2)}`;

/** The part of the `browser` namespace the test reads in an extension page. */
interface StorageApi {
  storage: {
    local: { get(key: string): Promise<Record<string, unknown>> };
    session: { get(key: null): Promise<Record<string, unknown>> };
  };
}

describe('Firefox: passphrase and unlock', () => {
  let webmail: Webmail;
  let firefox: FirefoxWithExtension;
  let page: Page;
  let options: Page;
  let publicKey: string;

  beforeAll(async () => {
    [webmail, firefox] = await Promise.all([
      startTestWebmail(),
      launchFirefoxWithExtension({ backgroundIdleMs: 1000 }),
    ]);
    await setUpAccount(firefox, ALICE);
    options = await firefox.openExtensionPage('options.html');
    page = await firefox.browser.newPage();
  });

  afterAll(async () => {
    await firefox?.close();
    await webmail?.stop();
  });

  /** Delivers an encrypted mail, opens it, clicks Decrypt and confirms the click. */
  async function openAndDecrypt(
    subject: string,
  ): Promise<{ reader: Frame; secret: string }> {
    const secret = `${subject}-${Math.random().toString(36).slice(2)}`;
    const raw = await pgpMimeMail({
      from: DANA,
      to: ALICE,
      subject,
      entity: `Content-Type: text/plain; charset=utf-8\r\n\r\n${secret}`,
      publicKey,
    });
    await openMessage(page, 'inbox', await deliverTo(webmail, raw, DANA, ALICE));
    const reader = await extensionFrame(page, 'reader', firefox.origin);
    await reader.waitForSelector('[data-testid="decrypt"]');
    await reader.click('[data-testid="decrypt"]');
    await confirmInPopup(firefox);
    return { reader, secret };
  }

  /** The plaintext or the Unlock line, whichever the reader shows. */
  const outcome = (reader: Frame) =>
    waitFor('the plaintext or the Unlock line', async () => {
      if (await textOf(reader, '[data-testid="plaintext"]')) return 'plaintext';
      if (await reader.$('[data-testid="unlock"]')) return 'locked';
      return undefined;
    });

  it('sets a passphrase on the options page; the key is then stored protected', async () => {
    await options.waitForSelector('[data-testid="passphrase-new"]');
    await options.type('[data-testid="passphrase-new"]', PASS);
    await options.type('[data-testid="passphrase-repeat"]', PASS);
    await options.click('[data-testid="passphrase-set"]');
    await options.waitForSelector('[data-testid="protection"][data-protected="true"]');

    const { account } = await options.evaluate(async () => {
      const ext = (globalThis as unknown as { browser: StorageApi }).browser;
      return ext.storage.local.get('account');
    });
    const stored = account as { protected: boolean; publicKeyArmored: string };
    expect(stored.protected).toBe(true);
    publicKey = stored.publicKeyArmored;
  });

  it('unlocks in our popup window, stays unlocked after the event page was suspended, and locks on Lock', async () => {
    await signIn(page, webmail, ALICE);
    const first = await openAndDecrypt('firefox-locked');
    expect(await outcome(first.reader)).toBe('locked');

    await first.reader.click('[data-testid="unlock"]');
    const popup = await ourPopup(firefox);
    await popup.type('[data-testid="passphrase"]', PASS);
    await answerPopup(popup, 'submit');
    expect(await outcome(first.reader)).toBe('plaintext');
    expect(await textOf(first.reader, '[data-testid="plaintext"]')).toContain(
      first.secret,
    );

    // The event page is suspended: the unlocked key waited in storage.session.
    await backgroundSuspended(firefox);
    const second = await openAndDecrypt('firefox-after-suspend');
    expect(await outcome(second.reader)).toBe('plaintext');
    expect(await textOf(second.reader, '[data-testid="plaintext"]')).toContain(
      second.secret,
    );

    // Lock on the options page: the next decryption asks again.
    // A fresh tab: reloading the moz-extension page timed out under the driver.
    options = await firefox.openExtensionPage('options.html');
    await options.waitForSelector('[data-testid="lock"]');
    await options.click('[data-testid="lock"]');
    await options.waitForSelector('[data-testid="options-unlock"]');
    const session = await options.evaluate(async () => {
      const ext = (globalThis as unknown as { browser: StorageApi }).browser;
      return Object.keys(await ext.storage.session.get(null));
    });
    expect(session.filter((k) => k.startsWith('unlocked:'))).toEqual([]);
    const third = await openAndDecrypt('firefox-after-lock');
    expect(await outcome(third.reader)).toBe('locked');
  });
});
