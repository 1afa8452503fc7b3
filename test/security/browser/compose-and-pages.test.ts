/**
 * Attack suite RO-03 and EX-07 in real Chromium: ciphertext pasted into our editor
 * is never decrypted, and markup in URLs, subjects and names never runs in our
 * pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright';
import {
  launchWithExtension,
  pageCanSee,
  setUpAccount,
  type ExtensionBrowser,
} from '../../e2e/browser';
import {
  frame,
  openCompose,
  openMessage,
  signIn,
  startTestWebmail,
} from '../../e2e/webmail-page';
import type { Webmail } from '../../../webmail/server';
import { deliverTo, encryptEntity, ownPublicKey, pgpMimeMail, settle } from './harness';

const ALICE = 'alice@ecosmail.test';
const PWN = '<img src=x onerror="window.pwned=1">';

describe('attack suite: composing and our pages', () => {
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
    await signIn(page, webmail, ALICE);
  });

  afterAll(async () => {
    await browser?.close();
    await webmail?.stop();
  });

  // Vulnerable ("Mailto: Me Your Secrets"): an editor that decrypts pasted or
  // prefilled ciphertext, after which the webmail's draft autosave (or the
  // attacker's reply) holds the plaintext.
  it('RO-03 (partial: no drafts are kept; the page never receives one) ciphertext pasted into our editor stays ciphertext', async () => {
    const secret = `ro03-${Math.random().toString(36).slice(2)}`;
    const armored = await encryptEntity(
      `Content-Type: text/plain\r\n\r\n${secret}`,
      publicKey,
    );
    const composer = await openCompose(page);
    const body = composer.locator('#body');
    await body.focus();
    await body.evaluate((el, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      el.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true }),
      );
      (el as HTMLTextAreaElement).value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, armored);
    await composer.locator('#to').fill('bob@ecosmail.test');
    await settle(1500);

    expect(await body.inputValue()).toContain('-----BEGIN PGP MESSAGE-----');
    const composerText = await composer.locator('body').innerText();
    expect(composerText).not.toContain(secret);
    // The page, where a webmail would autosave drafts, has neither the plaintext
    // nor even the ciphertext: the draft lives only in our frame.
    expect(await pageCanSee(page, secret)).toBe(false);
    expect(await pageCanSee(page, 'BEGIN PGP MESSAGE')).toBe(false);
  });

  // Vulnerable (FlowCrypt PR #3453): an extension page that writes its URL or
  // a mail's subject/name into the DOM as HTML runs the attacker's script.
  it('EX-07 markup in our frame URL does not run', async () => {
    const reader = await browser.openExtensionPage(
      `reader.html#${encodeURIComponent(`"></pre>${PWN}`)}`,
    );
    await reader.locator('[data-testid="error"]').waitFor();
    expect(await reader.locator('img').count()).toBe(0);
    expect(
      await reader.evaluate(() => (window as { pwned?: number }).pwned),
    ).toBeUndefined();
    await reader.close();
  });

  it('EX-07 markup in a subject and a display name is shown as text', async () => {
    const from = `"${PWN}" <mallory@attack.test>`;
    const raw = await pgpMimeMail({
      from,
      to: ALICE,
      subject: `${PWN} invoice`,
      entity: `Content-Type: text/plain\r\n\r\n${PWN} in the body`,
      publicKey,
    });
    await openMessage(
      page,
      'inbox',
      await deliverTo(webmail, raw, 'mallory@attack.test', ALICE),
    );
    const reader = await frame(page, 'reader');
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain('onerror');
    expect(await reader.locator('img').count()).toBe(0);

    const ours = page
      .frames()
      .find((f: Frame) =>
        f.url().startsWith(`chrome-extension://${browser.extensionId}/reader`),
      );
    expect(ours).toBeDefined();
    expect(
      await ours!.evaluate(() => (window as { pwned?: number }).pwned),
    ).toBeUndefined();
  });

  it('EX-07 the loaded extension enforces script-src self and no network for its pages', async () => {
    const options = await browser.openExtensionPage('options.html');
    const manifest = await options.evaluate(() =>
      (
        globalThis as unknown as {
          chrome: { runtime: { getManifest(): Record<string, unknown> } };
        }
      ).chrome.runtime.getManifest(),
    );
    const policy = (manifest.content_security_policy as { extension_pages: string })
      .extension_pages;
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).toMatch(/default-src 'self'/);
    expect(policy).not.toMatch(/unsafe-eval|unsafe-inline'[^;]*script/);

    // Control that the policy is live: an inline script added to our page does not run.
    // Trusted Types would refuse its text first, so the text is made trusted through
    // an allowed policy name: what stops it then is `script-src 'self'`.
    const ran = await options.evaluate(async () => {
      type Factory = {
        createPolicy(
          name: string,
          rules: { createScript(s: string): string },
        ): { createScript(s: string): string };
      };
      const factory = (globalThis as { trustedTypes?: Factory }).trustedTypes;
      const script = 'window.inlineRan = 1';
      const s = document.createElement('script');
      s.text = factory
        ? factory
            .createPolicy('dompurify', { createScript: (x) => x })
            .createScript(script)
        : script;
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return (window as { inlineRan?: number }).inlineRan;
    });
    expect(ran).toBeUndefined();
    await options.close();
  });

  // Vulnerable: without `require-trusted-types-for 'script'` each assignment below
  // takes the string and `threw` is false (checked by dropping the directive from
  // wxt.config.ts: this test fails on the first page).
  it('EX-07 Trusted Types: a string assigned to an HTML sink throws in every extension page', async () => {
    for (const name of ['options', 'setup', 'reader', 'composer', 'viewer']) {
      const ours = await browser.openExtensionPage(`${name}.html`);
      const result = await ours.evaluate(() => {
        const attempt = (assign: () => void) => {
          try {
            assign();
            return false;
          } catch (err) {
            return err instanceof TypeError;
          }
        };
        const holder = document.createElement('div');
        const frame = document.createElement('iframe');
        type Factory = { createPolicy(name: string, rules: object): unknown };
        const stranger = (globalThis as { trustedTypes?: Factory }).trustedTypes;
        return {
          // The sink under test: the rule against markup strings is the point here.
          // eslint-disable-next-line no-restricted-syntax
          innerHTML: attempt(() => (holder.innerHTML = '<b>x</b>')),
          srcdoc: attempt(() => (frame.srcdoc = '<b>x</b>')),
          // Only our two policy names are allowed: another name is refused.
          otherPolicy: attempt(() =>
            stranger?.createPolicy('stranger', { createHTML: (s: string) => s }),
          ),
          // Positive control: plain text still goes in as text.
          text: ((holder.textContent = '<b>x</b>'), holder.children.length === 0),
        };
      });
      expect(result, name).toEqual({
        innerHTML: true,
        srcdoc: true,
        otherPolicy: true,
        text: true,
      });
      await ours.close();
    }
  });
});
