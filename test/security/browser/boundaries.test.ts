/**
 * Attack suite EX-01, EX-04, EX-05 and RO-04 in real Chromium: what a hostile
 * webmail page can reach. The page is the reference webmail; the "attacker" is
 * script evaluated in it, which is exactly what a compromised page could run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import {
  launchWithExtension,
  pageCanSee,
  setUpAccount,
  type ExtensionBrowser,
} from '../../e2e/browser';
import { frame, openMessage, signIn, startTestWebmail } from '../../e2e/webmail-page';
import type { Webmail } from '../../../webmail/server';
import { deliverTo, ownPublicKey, pgpMimeMail, settle } from './harness';

const ALICE = 'alice@ecosmail.test';
const MALLORY = 'mallory@attack.test';

describe('attack suite: the extension boundary in the browser', () => {
  let webmail: Webmail;
  let browser: ExtensionBrowser;
  let page: Page;
  let publicKey: string;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    browser = await launchWithExtension();
    await setUpAccount(browser, ALICE, 'Alice');
    publicKey = await ownPublicKey(browser);
    page = await browser.context.newPage();
    // The page records every message and every ecosmail event it can observe.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      window.addEventListener('message', (e) => seen.push(JSON.stringify(e.data)), true);
      for (const name of ['ecosmail:submit', 'ecosmail:submit-result']) {
        document.addEventListener(name, (e) =>
          seen.push(String((e as CustomEvent).detail)),
        );
      }
    });
    await signIn(page, webmail, ALICE);
  });

  afterAll(async () => {
    await browser?.close();
    await webmail?.stop();
  });

  async function deliverSecret(secret: string, html = false): Promise<string> {
    const entity = html
      ? `Content-Type: text/html; charset=utf-8\r\n\r\n<p><b>${secret}</b></p>`
      : `Content-Type: text/plain; charset=utf-8\r\n\r\n${secret}`;
    const raw = await pgpMimeMail({
      from: MALLORY,
      to: ALICE,
      subject: 'boundary',
      entity,
      publicKey,
    });
    return deliverTo(webmail, raw, MALLORY, ALICE);
  }

  // Vulnerable: plaintext put into the page's DOM, a same-origin frame, or a
  // message/event the page can listen to (the page would read it all).
  it.each([false, true])(
    'EX-01 the page sees no plaintext after decryption (HTML content: %s)',
    async (html) => {
      const secret = `ex01-secret-${Math.random().toString(36).slice(2)}`;
      await openMessage(page, 'inbox', await deliverSecret(secret, html));
      const reader = await frame(page, 'reader');
      await reader.locator('[data-testid="decrypt"]').click();

      // Control: the secret is shown to the user, inside our frame.
      const shown = html
        ? reader.frameLocator('[data-testid="content-frame"]').locator('body')
        : reader.locator('[data-testid="plaintext"]');
      await expect.poll(() => shown.textContent()).toContain(secret);

      expect(await pageCanSee(page, secret)).toBe(false);
      const seen = await page.evaluate(
        () => (window as unknown as { seen: string[] }).seen,
      );
      expect(seen.join('\n')).not.toContain(secret);
      // The page's script cannot reach into our frame at all.
      const reach = await page.evaluate(() => {
        const ours = document.querySelector('iframe[data-ecosmail-frame="reader"]');
        try {
          return (
            (ours as HTMLIFrameElement).contentDocument?.body?.innerText ?? 'blocked'
          );
        } catch {
          return 'blocked';
        }
      });
      expect(reach).toBe('blocked');
    },
  );

  // Vulnerable: a frame URL that carries everything needed, usable from any tab.
  it('EX-04 our frame URL copied into another tab or frame gets nothing', async () => {
    const secret = `ex04-secret-${Math.random().toString(36).slice(2)}`;
    await openMessage(page, 'inbox', await deliverSecret(secret));
    const src = await page
      .locator('iframe[data-ecosmail-frame="reader"]')
      .getAttribute('src');
    expect(src).toMatch(/^chrome-extension:\/\/.+\/reader\.html#[0-9a-f]+$/);

    // The page opens it in a tab of its own.
    const stolen = await browser.context.newPage();
    await stolen.goto(src!);
    await expect
      .poll(() => stolen.locator('[data-testid="error"]').textContent())
      .toBeTruthy();
    expect(await stolen.locator('[data-testid="decrypt"]').count()).toBe(0);
    expect(await stolen.content()).not.toContain(secret);

    // Another webmail tab frames it.
    const other = await browser.context.newPage();
    await other.goto(webmail.url);
    await other.evaluate((url) => {
      const f = document.createElement('iframe');
      f.id = 'stolen';
      f.src = url;
      document.body.append(f);
    }, src!);
    const framed = other.frameLocator('#stolen');
    await expect
      .poll(() => framed.locator('[data-testid="error"]').textContent())
      .toBeTruthy();
    expect(await framed.locator('[data-testid="decrypt"]').count()).toBe(0);
    await stolen.close();
    await other.close();

    // Control: in its own tab the same ticket still works.
    const reader = await frame(page, 'reader');
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(secret);
  });

  // Vulnerable: externally_connectable, or frames that act on window messages.
  it('EX-05 a web page can neither message the background nor drive our frames', async () => {
    const secret = `ex05-secret-${Math.random().toString(36).slice(2)}`;
    await openMessage(page, 'inbox', await deliverSecret(secret));
    const reader = await frame(page, 'reader');
    await reader.locator('[data-testid="decrypt"]').waitFor();

    const direct = await page.evaluate(async (id) => {
      const runtime = (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } })
        .chrome?.runtime;
      if (typeof runtime?.sendMessage !== 'function') return 'no runtime';
      try {
        await (runtime.sendMessage as (id: string, m: object) => Promise<unknown>)(id, {
          channel: 'ecosmail-autocrypt/1',
          name: 'reader.decrypt',
          payload: {},
        });
        return 'sent';
      } catch {
        return 'refused';
      }
    }, browser.extensionId);
    expect(direct).not.toBe('sent');

    // Look-alike messages posted into our frame change nothing.
    await page.evaluate(() => {
      const ours = document.querySelector<HTMLIFrameElement>(
        'iframe[data-ecosmail-frame="reader"]',
      )!;
      const ticket = ours.src.split('#')[1];
      for (const name of ['reader.decrypt', 'decrypt', 'click']) {
        ours.contentWindow!.postMessage(
          { channel: 'ecosmail-autocrypt/1', name, payload: { ticket } },
          '*',
        );
      }
    });
    await settle(800);
    expect(await reader.locator('[data-testid="decrypted-content"]').count()).toBe(0);
    expect(await reader.locator('[data-testid="decrypt"]').isVisible()).toBe(true);
  });

  // Vulnerable (Mailvelope #484): decrypting on open, or on a request the page
  // can make, without the user's click in extension UI.
  it('RO-04 opening a message decrypts nothing until the user clicks in our frame', async () => {
    const secret = `ro04-secret-${Math.random().toString(36).slice(2)}`;
    await openMessage(page, 'inbox', await deliverSecret(secret));
    const reader = await frame(page, 'reader');
    await reader.locator('[data-testid="decrypt"]').waitFor();
    await settle(1000);
    expect(await reader.locator('[data-testid="decrypted-content"]').count()).toBe(0);

    // A synthetic click dispatched by the page cannot reach the cross-origin button.
    await page.evaluate(() => {
      const ours = document.querySelector('iframe[data-ecosmail-frame="reader"]')!;
      ours.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    await settle(500);
    expect(await reader.locator('[data-testid="decrypted-content"]').count()).toBe(0);

    // Control: the user's click decrypts.
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(secret);
  });
});
