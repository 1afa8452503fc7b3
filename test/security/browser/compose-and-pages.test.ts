/**
 * Attack suite RO-03 and EX-07 in real Chromium: ciphertext pasted into our editor
 * is never decrypted, and markup in URLs, subjects and names never runs in our
 * pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import type { Frame, FrameLocator, Page } from 'playwright';
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
  sendAndWait,
  signIn,
  startTestWebmail,
} from '../../e2e/webmail-page';
import type { Webmail } from '../../../webmail/server';
import {
  deliverTo,
  dumpStorage,
  encryptEntity,
  ownPublicKey,
  pgpMimeMail,
  settle,
} from './harness';

const ALICE = 'alice@ecosmail.test';
const PWN = '<img src=x onerror="window.pwned=1">';
const BOB = 'bob@ecosmail.test';

/** Empties the signed-in account's Drafts folder, as the page's own calls would. */
async function clearDrafts(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const list = await fetch('/api/messages/drafts').then((r) => r.json());
    for (const { id } of (list as { messages: { id: string }[] }).messages) {
      await fetch(`/api/messages/drafts/${id}`, { method: 'DELETE' });
    }
  });
}

/** The composer of a stored draft, opened from the page's Drafts folder. */
async function openDraftFromList(page: Page): Promise<FrameLocator> {
  await page.goto(`${new URL(page.url()).origin}/#/drafts`);
  const row = page.locator('[data-testid="message-row"]');
  await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
  await row.first().click();
  const composer = await frame(page, 'composer');
  await composer.locator('[data-testid="restore-draft"]').waitFor({ timeout: 20_000 });
  return composer;
}

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
  it('RO-03 ciphertext pasted into our editor stays ciphertext', async () => {
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

  // Vulnerable (a webmail's own autosave of an editor holding plaintext): the Drafts
  // folder keeps the text, subject and recipients in the clear. Checked on 2026-12-04
  // by building the draft unencrypted (encryptToSelf returning the payload as is):
  // the "drafts on the server" expectations fail.
  it('RO-03 drafts are saved encrypted to our key only, restored in our frame after a click, and deleted when sent', async () => {
    const secret = `ro03-draft-${Math.random().toString(36).slice(2)}`;
    const subject = `plans ${secret.slice(-6)}`;
    const drafts = () => webmail.mailbox(ALICE, 'drafts');
    await page.goto(`${new URL(page.url()).origin}/#/inbox`);
    await clearDrafts(page);
    const composer = await openCompose(page);
    await composer.locator('#to').fill(BOB);
    await composer.locator('#subject').fill(subject);
    await composer.locator('#body').fill(`first ${secret}`);
    await composer.locator('[data-testid="draft-saved"]').waitFor({ timeout: 20_000 });
    // A second pause replaces the draft rather than adding one.
    await composer.locator('#body').fill(`${secret} and more`);
    await composer.locator('[data-testid="draft-saved"]').waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await drafts()).length, { timeout: 10_000 }).toBe(1);

    // On the server: PGP/MIME, nothing of the text, subject or recipients outside.
    const stored = (await drafts())[0]!.raw.toString('utf8');
    expect(stored).toMatch(/multipart\/encrypted/);
    expect(stored).toMatch(/^Subject: \[\.\.\.\]\r$/m);
    for (const hidden of [secret, subject, BOB, 'To:', 'Cc:']) {
      expect(stored).not.toContain(hidden);
    }
    // Encrypted to one key, ours; inside are the protected fields and the text.
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(
      stored,
    )![0];
    const message = await openpgp.readMessage({ armoredMessage: armored });
    expect(message.getEncryptionKeyIDs()).toHaveLength(1);
    const { account } = (await dumpStorage(browser, 'local')) as {
      account: { privateKeyArmored: string };
    };
    const privateKey = await openpgp.readPrivateKey({
      armoredKey: account.privateKeyArmored,
    });
    const { data } = await openpgp.decrypt({ message, decryptionKeys: privateKey });
    expect(data).toContain(`Subject: ${subject}`);
    expect(data).toContain(`To: ${BOB}`);
    expect(data).toContain(`${secret} and more`);
    // The page never had the text, not even while the draft was handed over.
    expect(await pageCanSee(page, secret)).toBe(false);

    // Reopened from the page's Drafts folder: nothing is decrypted before the click.
    const reopened = await openDraftFromList(page);
    await settle(1000);
    expect(await reopened.locator('#body').inputValue()).toBe('');
    await reopened.locator('[data-testid="restore-draft"]').click();
    await expect
      .poll(() => reopened.locator('#body').inputValue(), { timeout: 20_000 })
      .toBe(`${secret} and more`);
    expect(await reopened.locator('#subject').inputValue()).toBe(subject);
    expect(await reopened.locator('#to').inputValue()).toBe(BOB);
    expect(await pageCanSee(page, secret)).toBe(false);

    // Sent: the mail goes out once and its draft is gone.
    const before = (await webmail.mailbox(BOB, 'inbox')).length;
    await sendAndWait(page, reopened);
    await expect.poll(async () => (await drafts()).length, { timeout: 10_000 }).toBe(0);
    expect((await webmail.mailbox(BOB, 'inbox')).length - before).toBe(1);
  });

  // Vulnerable: a draft saved only on a timer is lost when the user leaves first
  // (checked on 2026-12-04 by removing the composer's visibilitychange and pagehide
  // listeners: no draft arrives).
  it('RO-03 leaving the composer before the pause still saves the draft, encrypted', async () => {
    const secret = `ro03-leave-${Math.random().toString(36).slice(2)}`;
    await page.goto(`${new URL(page.url()).origin}/#/inbox`);
    await clearDrafts(page);
    const composer = await openCompose(page);
    await composer.locator('#body').fill(secret);
    // Leave at once: the frame goes before the debounce.
    await page.goto(`${new URL(page.url()).origin}/#/inbox`);
    await expect
      .poll(async () => (await webmail.mailbox(ALICE, 'drafts')).length, {
        timeout: 20_000,
      })
      .toBe(1);
    const stored = (await webmail.mailbox(ALICE, 'drafts'))[0]!.raw.toString('utf8');
    expect(stored).toMatch(/multipart\/encrypted/);
    expect(stored).not.toContain(secret);
    expect(await pageCanSee(page, secret)).toBe(false);
  });

  // Vulnerable ("Mailto: Me Your Secrets"): the page plants ciphertext it captured,
  // encrypted to us, as a draft; restoring decrypts it into the editor, and Send
  // mails the plaintext to the attacker. Checked on 2026-12-04 by skipping the tag
  // check in readDraft: the secret lands in the editor and this test fails.
  it('RO-03 ciphertext planted as a draft is not restored; the editor stays empty', async () => {
    const secret = `ro03-planted-${Math.random().toString(36).slice(2)}`;
    const planted = await pgpMimeMail({
      from: ALICE,
      to: ALICE,
      subject: '[...]',
      entity: `Content-Type: text/plain; protected-headers="v1"\r\nTo: mallory@attack.test\r\n\r\n${secret}`,
      publicKey,
    });
    await page.goto(`${new URL(page.url()).origin}/#/inbox`);
    await clearDrafts(page);
    // The page itself stores it, as page script could.
    const saved = await page.evaluate(
      async (mime) => {
        const res = await fetch('/api/drafts', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mime }),
        });
        return (await res.json()) as { ok: boolean; id?: string; error?: string };
      },
      `${planted.replace(/\r?\n/g, '\r\n').replace(/\r\n$/, '')}\r\n`,
    );
    expect(saved).toEqual({ ok: true, id: expect.any(String) });

    const composer = await openDraftFromList(page);
    await composer.locator('[data-testid="restore-draft"]').click();
    const error = composer.locator('[data-testid="error"]');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.getAttribute('data-code')).toBe('not-our-draft');
    expect(await composer.locator('#body').inputValue()).toBe('');
    expect(await composer.locator('body').innerText()).not.toContain(secret);
    expect(await composer.locator('#to').inputValue()).toBe('');

    // The user writes afresh instead: the first save replaces the planted one.
    await composer.locator('#body').fill('a new text');
    await composer.locator('[data-testid="draft-saved"]').waitFor({ timeout: 20_000 });
    const drafts = await webmail.mailbox(ALICE, 'drafts');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.id).not.toBe(saved.id);
    await page.goto(`${new URL(page.url()).origin}/#/inbox`);
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
