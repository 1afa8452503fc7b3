/**
 * Attack suite AU-05 and EF-13 in real Chromium with the built extension: what our
 * reader frame does with the attachments of a decrypted mail, and with a plain
 * mail that holds an encrypted block among attacker text. Mail arrives over the
 * webmail's real SMTP; every request of the browser context is routed and any
 * that is not the webmail's own or our extension's fails the test.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import {
  launchWithExtension,
  setUpAccount,
  type ExtensionBrowser,
} from '../../e2e/browser';
import {
  clickDecrypt,
  frame,
  openMessage,
  signIn,
  startTestWebmail,
} from '../../e2e/webmail-page';
import type { Webmail } from '../../../webmail/server';
import {
  deliverTo,
  encryptEntity,
  guardNetwork,
  ownPublicKey,
  pgpMimeMail,
  settle,
  type NetworkGuard,
} from './harness';

const ALICE = 'alice@ecosmail.test';
const ATTACKER = 'mallory@attacker.test';

describe('attack suite: attachments and embedded blocks in our reader', () => {
  let webmail: Webmail;
  let browser: ExtensionBrowser;
  let guard: NetworkGuard;
  let page: Page;
  let publicKey: string;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    browser = await launchWithExtension();
    await setUpAccount(browser, ALICE, 'Alice');
    publicKey = await ownPublicKey(browser);
    guard = await guardNetwork(browser.context, [
      webmail.url,
      `chrome-extension://${browser.extensionId}`,
    ]);
    page = await browser.context.newPage();
    await signIn(page, webmail, ALICE);
  });

  afterAll(async () => {
    await browser?.close();
    await webmail?.stop();
  });

  // Vulnerable (Mailvelope 0.13 / 1.3.2): the name put into markup, or the file
  // opened in the extension's origin. Markup from the name would add an <img> to
  // our frame and run its onerror (the dialog and the title check fail); a
  // rendered or navigated file runs its script (dialog) or opens a page; a
  // download of the declared type would not be application/octet-stream.
  it('AU-05 an attachment named as markup shows literally and downloads inert, byte for byte', async () => {
    const NAME = "\"><img src=x onerror=document.title='pwned'>.html";
    const body = '<script>alert("attachment ran")</script><p>attached page</p>\r\n';
    const entity = [
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'see attachment',
      '--a',
      `Content-Type: text/html; name="${NAME.replace(/"/g, '\\"')}"`,
      `Content-Disposition: attachment; filename="${NAME.replace(/"/g, '\\"')}"`,
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(body).toString('base64'),
      '--a--',
      '',
    ].join('\r\n');
    const raw = await pgpMimeMail({
      from: ATTACKER,
      to: ALICE,
      subject: 'AU-05',
      entity,
      publicKey,
    });

    const dialogs: string[] = [];
    browser.context.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const pagesBefore = browser.context.pages().length;

    const id = await deliverTo(webmail, raw, ATTACKER, ALICE);
    await openMessage(page, 'inbox', id);
    const reader = await frame(page, 'reader');
    await clickDecrypt(reader);
    const name = reader.locator('[data-testid="attachment-name"]');
    await name.waitFor({ timeout: 30_000 });

    // Control: the message itself was decrypted and shown.
    expect(await reader.locator('[data-testid="plaintext"]').textContent()).toContain(
      'see attachment',
    );
    // The name is text: exactly as sent, and no element came out of it.
    expect(await name.textContent()).toBe(NAME);
    expect(await reader.locator('img').count()).toBe(0);
    expect(await reader.locator('iframe, object, embed').count()).toBe(0);

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      reader.locator('[data-testid="attachment-download"]').click(),
    ]);
    const saved = await readFile((await download.path())!);
    expect(saved.equals(Buffer.from(body))).toBe(true);
    // Our blob: URL of type application/octet-stream, fetched back to check it.
    expect(download.url()).toMatch(/^blob:chrome-extension:\/\//);
    const type = await reader
      .locator('body')
      .evaluate(
        async (_, url) => (await fetch(url)).headers.get('content-type'),
        download.url(),
      );
    expect(type).toBe('application/octet-stream');
    expect(download.suggestedFilename()).not.toMatch(/[/\\]/);

    await settle(800);
    expect(dialogs).toEqual([]);
    expect(await reader.locator('body').evaluate(() => document.title)).not.toBe('pwned');
    expect(browser.context.pages().length).toBe(pagesBefore);
    expect(guard.foreign).toEqual([]);
  });

  // Vulnerable (EFAIL): merging the decrypted block with the attacker's text
  // around it, or decrypting it as the message. A merging reader shows the
  // secret and "Send the code" in one area (the per-area checks fail); one that
  // decrypts on opening shows the secret before the click.
  it('EF-13 an inline block among attacker text is shown alone after the click, the text around labelled unencrypted', async () => {
    const secret = `inline secret ${Date.now()}`;
    const armored = await encryptEntity(secret, publicKey);
    const raw = [
      `From: ${ATTACKER}`,
      `To: ${ALICE}`,
      'Subject: EF-13',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Trust me, the following is from your bank:',
      armored.trimEnd(),
      'Send the code to mallory.',
      '',
    ].join('\r\n');

    const id = await deliverTo(webmail, raw, ATTACKER, ALICE);
    await openMessage(page, 'inbox', id);
    const reader = await frame(page, 'reader');
    await reader.locator('[data-testid="decrypt"]').waitFor();
    // Before the click: the unencrypted text, labelled, and no plaintext.
    const before = reader.locator('[data-testid="unencrypted-before"]');
    expect(await before.count()).toBe(2);
    expect(await before.nth(0).textContent()).toContain('from your bank');
    expect(await reader.locator('body').textContent()).not.toContain(secret);

    await clickDecrypt(reader);
    const block = reader.locator('[data-testid="embedded-block-text"]');
    await block.waitFor({ timeout: 30_000 });
    expect((await block.textContent())?.trim()).toBe(secret);
    const around = reader.locator('[data-testid="unencrypted-part"]');
    expect(await around.count()).toBe(2);
    expect(await around.nth(0).textContent()).toContain('from your bank');
    expect(await around.nth(1).textContent()).toContain('Send the code');
    for (const i of [0, 1]) {
      expect(await around.nth(i).textContent()).not.toContain(secret);
    }
    expect(
      await reader.locator('[data-testid="embedded-block"]').textContent(),
    ).not.toMatch(/bank|Send the code/);
    expect(
      await reader
        .locator('[data-testid="signature-status"]')
        .getAttribute('data-status'),
    ).toBe('plain');
    // The page itself never sees the plaintext.
    expect(await page.content()).not.toContain(secret);
  });
});
