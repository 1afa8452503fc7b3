/**
 * Gmail markup drift: an older generation of Gmail's classes (only the
 * adapter's fallback selectors match) still reads and composes; a page where
 * nothing matches shows the calm degraded notice, from which our own viewer
 * still opens the encrypted message, and no error escapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleMessage, Page } from 'playwright';
import { decryptAndVerify } from '../../src/openpgp/gateway';
import type { OutgoingAccount } from '../../src/mail/outgoing';
import {
  launchWithExtension,
  pageCanSee,
  setUpAccount,
  type ExtensionBrowser,
} from './browser';
import { waitForPeer } from './peers';
import { frame } from './webmail-page';
import { serveGmail, type FixtureConversation } from './gmail-fixture';
import { ALICE, DANA, danaConversation, makeDana, ownKeydata } from './gmail-helpers';

describe('Gmail: fallback selectors and the degraded mode', () => {
  let browser: ExtensionBrowser;
  let dana: OutgoingAccount;
  let conv: FixtureConversation;
  const secret = `Dana's secret ${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    browser = await launchWithExtension();
    await setUpAccount(browser, ALICE, 'Alice');
    dana = await makeDana();
    ({ conv } = await danaConversation(dana, await ownKeydata(browser), secret));
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Page errors and console errors of a page, collected as they happen. */
  function watchErrors(page: Page): string[] {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    return errors;
  }

  it('should read and compose through the fallbacks of older markup', async () => {
    const fake = await serveGmail(browser.context, conv, 'older');
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(fake.conversationUrl);

    // Ids come from msg-f decimals (no legacy attribute): BigInt, not Number.
    const reader = await frame(page, 'reader');
    const hexes = conv.messages.map((m) => m.decimal.toString(16));
    expect([...new Set(fake.rawRequests)].sort()).toEqual([...hexes].sort());
    expect(await waitForPeer(browser, DANA)).toBeDefined();
    const mount = page.locator(
      `[data-message-id="#msg-f:${conv.messages[1]!.decimal}"] .adP`,
    );
    expect(await mount.locator('iframe[data-ecosmail-frame="reader"]').count()).toBe(1);
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(secret);
    expect(await pageCanSee(page, secret)).toBe(false);

    // Compose: no role, textarea recipients, bare classes.
    await page.click('[data-fixture-compose]');
    const win = page.locator('div.Hd');
    await win.locator('[data-ecosmail-encrypt]').click();
    const composer = await frame(page, 'composer');
    await expect.poll(() => composer.locator('#to').inputValue()).toBe(DANA);
    const text = `Fallback secret ${Math.random().toString(36).slice(2)}`;
    await composer.locator('#body').fill(text);
    await composer.locator('[data-testid="gmail-inline"]').click();
    const body = win.locator('div.Am.Al.editable');
    await expect
      .poll(() => body.innerText(), { timeout: 20_000 })
      .toContain('-----END PGP MESSAGE-----');
    const { data } = await decryptAndVerify({
      message: await body.innerText(),
      decryptionKeysArmored: dana.privateKeyArmored,
      verificationCerts: [],
    });
    expect(new TextDecoder().decode(data)).toBe(text);
    expect(await pageCanSee(page, text)).toBe(false);

    // The record names the fallback that matched for each role.
    const record = (await page.getAttribute('html', 'data-ecosmail-gmail-match')) ?? '';
    for (const role of ['message:1', 'bodyMount:1', 'compose:2', 'recipientTo:2']) {
      expect(record.split(' ')).toContain(role);
    }
    expect(record.split(' ')).toContain('composeBody:1');
    expect(await page.locator('[data-ecosmail-gmail-degraded]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
    await browser.context.unrouteAll();
  });

  it('should show the calm notice when nothing matches, with our viewer', async () => {
    const fake = await serveGmail(browser.context, conv, 'unknown');
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(fake.conversationUrl);

    const badge = page.locator('[data-ecosmail-gmail-degraded][role=status]');
    await badge.waitFor({ timeout: 20_000 });
    expect(await badge.textContent()).toContain('does not recognise this Gmail page');
    expect(fake.rawRequests).toEqual([]);
    const record = (await page.getAttribute('html', 'data-ecosmail-gmail-match')) ?? '';
    expect(record.split(' ')).toContain('message:-');

    // Our viewer opens from the notice and shows the downloaded original.
    const [viewer] = await Promise.all([
      browser.context.waitForEvent('page'),
      badge.locator('[data-ecosmail-open-viewer]').click(),
    ]);
    await viewer.waitForURL(/\/viewer\.html$/);
    await viewer.locator('[data-testid="viewer-file"]').setInputFiles({
      name: 'message.eml',
      mimeType: 'message/rfc822',
      buffer: conv.messages[1]!.raw,
    });
    const reader = await frame(viewer, 'reader');
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(secret);

    // Gmail's page itself was left alone and never saw the text.
    expect(await pageCanSee(page, secret)).toBe(false);
    expect(await page.locator('iframe[data-ecosmail-frame]').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('should offer the original and our viewer when no body area is found', async () => {
    await browser.context.unrouteAll();
    const fake = await serveGmail(browser.context, conv, 'no-mount');
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(fake.conversationUrl);

    // The messages were found and reported; only the mount point is missing.
    const badge = page.locator('[data-ecosmail-gmail-degraded][role=status]');
    await badge.waitFor({ timeout: 20_000 });
    const encryptedHex = conv.messages[1]!.decimal.toString(16);
    const download = new URL(
      (await badge.locator('[data-ecosmail-download]').getAttribute('href')) ?? '',
    );
    expect(download.origin).toBe('https://mail.google.com');
    expect(download.searchParams.get('th')).toBe(encryptedHex);
    expect(await badge.locator('[data-ecosmail-open-viewer]').count()).toBe(1);
    expect(await page.locator('iframe[data-ecosmail-frame]').count()).toBe(0);
    const record = (await page.getAttribute('html', 'data-ecosmail-gmail-match')) ?? '';
    expect(record.split(' ')).toContain('message:0');
    expect(record.split(' ')).toContain('bodyMount:-');
    // Gmail's own rendering stays as it was.
    expect(await page.locator('div.a3s').first().isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('should wait for the final id of a message Gmail has not synced yet', async () => {
    await browser.context.unrouteAll();
    const pending = { ...conv, messages: [{ ...conv.messages[1]!, pending: true }] };
    const fake = await serveGmail(browser.context, pending, 'current');
    const page = await browser.context.newPage();
    const errors = watchErrors(page);
    await page.goto(fake.conversationUrl);

    // While the message has only its msg-a id nothing is fetched; once the
    // ids arrive the next sweep opens it in our reader.
    const reader = await frame(page, 'reader');
    expect(fake.rawRequests).toEqual([pending.messages[0]!.decimal.toString(16)]);
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(secret);
    expect(errors).toEqual([]);
    await page.close();
  });
});
