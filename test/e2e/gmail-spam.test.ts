/**
 * Attack suite AC-11 in Gmail-shaped pages (gmail-fixture.ts, real Chromium,
 * the built extension): a conversation opened from Gmail's Spam view teaches no
 * Autocrypt key, and its encrypted message still decrypts on the click. The
 * same conversation opened from the inbox does teach the key (the control,
 * also in gmail-read-send.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, setUpAccount, type ExtensionBrowser } from './browser';
import { listPeers, waitForPeer } from './peers';
import { frame } from './webmail-page';
import { serveGmail, type GmailFake } from './gmail-fixture';
import { ALICE, DANA, danaConversation, makeDana, ownKeydata } from './gmail-helpers';

describe('AC-11 Gmail Spam view', () => {
  let browser: ExtensionBrowser;
  let fake: GmailFake;
  const secret = `spam secret ${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    browser = await launchWithExtension();
    await setUpAccount(browser, ALICE, 'Alice');
    const { conv } = await danaConversation(
      await makeDana(),
      await ownKeydata(browser),
      secret,
    );
    fake = await serveGmail(browser.context, conv, 'current');
  });

  afterAll(async () => {
    await browser?.close();
  });

  // Vulnerable: a spammer forging From: dana with his own key. Without the
  // adapter's Spam check Dana is listed after the spam view and the
  // `toEqual([])` fails.
  it('AC-11 a conversation opened from Spam teaches no key, and still decrypts', async () => {
    const page = await browser.context.newPage();
    await page.goto(fake.conversationUrl.replace('#inbox/', '#spam/'));

    // The reader mounts once both messages were reported; the click decrypts.
    const reader = await frame(page, 'reader');
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(secret);
    // Both raw sources were fetched (and reported) before the list is read.
    expect(new Set(fake.rawRequests).size).toBe(2);
    expect(await listPeers(browser)).toEqual([]);

    // Control: the same conversation from the inbox.
    await page.goto('about:blank');
    await page.goto(fake.conversationUrl);
    expect((await waitForPeer(browser, DANA))?.addr).toBe(DANA);
  });
});
