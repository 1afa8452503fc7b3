/**
 * Gmail, current markup: reading a conversation (a plain message with an
 * Autocrypt header and a PGP/MIME one), then writing by each send path. The
 * pages are Gmail-shaped fixtures under the real origin (gmail-fixture.ts);
 * the extension is the built one, in real Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { decryptAndVerify } from '../../src/openpgp/gateway';
import { decryptMail } from '../../src/mail/incoming';
import type { OutgoingAccount } from '../../src/mail/outgoing';
import {
  launchWithExtension,
  pageCanSee,
  setUpAccount,
  type ExtensionBrowser,
} from './browser';
import { waitForPeer } from './peers';
import { frame } from './webmail-page';
import { serveGmail, type FixtureConversation, type GmailFake } from './gmail-fixture';
import {
  ALICE,
  DANA,
  danaConversation,
  makeDana,
  gmailRebuilt,
  inlinePgpMessage,
  ownKeydata,
  seedGmailToken,
} from './gmail-helpers';
import { randomGmailId, serveGmail as serveAgain } from './gmail-fixture';
import { clickAndClose, popupFrom } from './popup';

const TOKEN = `test-token-${Math.random().toString(36).slice(2)}`;

describe('Gmail: read and send encrypted mail in Gmail-shaped pages', () => {
  let browser: ExtensionBrowser;
  let dana: OutgoingAccount;
  let conv: FixtureConversation;
  let encryptedMessageId: string;
  let fake: GmailFake;
  let page: Page;
  const secret = `Dana's secret ${Math.random().toString(36).slice(2)}`;
  const pageErrors: string[] = [];
  const apiText = `API secret ${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    browser = await launchWithExtension();
    await setUpAccount(browser, ALICE, 'Alice');
    dana = await makeDana();
    ({ conv, encryptedMessageId } = await danaConversation(
      dana,
      await ownKeydata(browser),
      secret,
    ));
    fake = await serveGmail(browser.context, conv, 'current');
    await seedGmailToken(browser, TOKEN);
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('should learn the peer and decrypt the PGP/MIME one only in our frame', async () => {
    await page.goto(fake.conversationUrl);

    const reader = await frame(page, 'reader');
    // Both raw sources came through the download-original route, by API id.
    const hexes = conv.messages.map((m) => m.decimal.toString(16));
    expect([...new Set(fake.rawRequests)].sort()).toEqual([...hexes].sort());
    expect((await waitForPeer(browser, DANA))?.fingerprint).toMatch(/^[0-9A-F]{40}$/);

    // Our frame sits in Gmail's body area of the encrypted message, whose
    // rendered body is hidden, not removed.
    const encryptedHex = hexes[1]!;
    const host = page.locator(`[data-legacy-message-id="${encryptedHex}"] div.ii.gt`);
    await expect.poll(() => host.locator('iframe[data-ecosmail-frame]').count()).toBe(1);
    expect(await host.locator('div.a3s').isHidden()).toBe(true);
    expect(await page.locator('iframe[data-ecosmail-frame="reader"]').count()).toBe(1);

    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(secret);
    const status = reader.locator('[data-testid="signature-status"]');
    expect(await status.getAttribute('data-status')).toBe('valid');
    expect(await pageCanSee(page, secret)).toBe(false);

    // The primary (semantic) selectors matched; no degraded notice.
    const record = await page.getAttribute('html', 'data-ecosmail-gmail-match');
    expect(record).toMatch(/\bmessage:0\b/);
    expect(record).toMatch(/\bbodyMount:0\b/);
    expect(await page.locator('[data-ecosmail-gmail-degraded]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("should leave only armor in Gmail's compose body on the inline path", async () => {
    const text = `Inline secret ${Math.random().toString(36).slice(2)}`;
    await page.click('[gh=cm]');
    const dialog = page.locator('[role=dialog]');
    await dialog.locator('[data-ecosmail-encrypt]').click();

    // The user may hand the window back to Gmail's editor, and come back.
    const first = await frame(page, 'composer');
    await first.locator('[data-testid="gmail-dismiss"]').click();
    await expect.poll(() => page.locator('iframe[data-ecosmail-frame]').count()).toBe(1);
    expect(await dialog.locator('[g_editable=true]').isVisible()).toBe(true);
    await dialog.locator('[data-ecosmail-encrypt]').click();

    const composer = await frame(page, 'composer');
    // Recipients come from Gmail's To chips and stay editable in our frame.
    await expect.poll(() => composer.locator('#to').inputValue()).toBe(DANA);
    const rec = composer.locator('[data-testid="recommendation"]');
    await expect.poll(() => rec.getAttribute('data-recommendation')).toBe('encrypt');
    await composer.locator('#body').fill(text);
    expect(await pageCanSee(page, text)).toBe(false);
    await composer.locator('[data-testid="gmail-inline"]').click();

    const body = dialog.locator('[g_editable=true]');
    await expect
      .poll(() => body.innerText(), { timeout: 20_000 })
      .toContain('-----END PGP MESSAGE-----');
    const armored = (await body.innerText()).trim();
    expect(armored.startsWith('-----BEGIN PGP MESSAGE-----')).toBe(true);
    expect(armored.endsWith('-----END PGP MESSAGE-----')).toBe(true);
    expect(await pageCanSee(page, text)).toBe(false);
    expect(await page.locator('iframe[data-ecosmail-frame="composer"]').count()).toBe(0);

    // Our public key was offered to Gmail as a dropped file (an attachment).
    const attached = dialog.locator('[data-fixture-attachment]');
    await attached.waitFor();
    expect(await attached.getAttribute('data-fixture-attachment')).toMatch(
      /^OpenPGP_0x[0-9A-F]{16}\.asc$/,
    );
    expect(await attached.getAttribute('title')).toMatch(
      /^-----BEGIN PGP PUBLIC KEY BLOCK-----/,
    );

    // Gmail's own Send carries the armor; Dana decrypts it to our text.
    await dialog.locator('[data-fixture-send]').click();
    await expect.poll(() => fake.gmailSends.length).toBe(1);
    const { data, signature } = await decryptAndVerify({
      message: fake.gmailSends[0]!,
      decryptionKeysArmored: dana.privateKeyArmored,
      verificationCerts: [await ownKeydata(browser)],
    });
    expect(new TextDecoder().decode(data)).toBe(text);
    expect(signature.status).toBe('valid');
  });

  // Both Gmail paths sign with our key. How a vulnerable build fails: the click on
  // the transparent frame inserts the armor at once and opens no popup (popupFrom
  // times out; checked once with the composer's Gmail visibility check removed).
  // Positive control: the inline test above clicks in plain sight, with no popup.
  it('EX-03 a Gmail send click on a frame the page made transparent is confirmed in our popup', async () => {
    const text = `Hidden-click secret ${Math.random().toString(36).slice(2)}`;
    await page.click('[gh=cm]');
    const dialog = page.locator('[role=dialog]').last();
    await dialog.locator('[data-ecosmail-encrypt]').click();
    const composer = await frame(page, 'composer');
    await composer.locator('#to').fill(DANA);
    const rec = composer.locator('[data-testid="recommendation"]');
    await expect.poll(() => rec.getAttribute('data-recommendation')).toBe('encrypt');
    await composer.locator('#body').fill(text);

    await page.evaluate(() => {
      const f = document.querySelector('iframe[data-ecosmail-frame="composer"]');
      (f as HTMLElement).style.opacity = '0';
    });
    await new Promise((r) => setTimeout(r, 300));
    const cancelled = await popupFrom(browser, () =>
      composer.locator('[data-testid="gmail-inline"]').click(),
    );
    expect(
      await cancelled.locator('[data-testid="prompt-text"]').textContent(),
    ).toContain(DANA);
    await clickAndClose(cancelled, 'cancel');
    await expect
      .poll(() => composer.locator('[data-testid="error"]').getAttribute('data-code'))
      .toBe('not-confirmed');
    const body = dialog.locator('[g_editable=true]');
    expect(await body.innerText()).not.toContain('BEGIN PGP MESSAGE');

    // Confirm in our popup: the armor goes in.
    const confirmed = await popupFrom(browser, () =>
      composer.locator('[data-testid="gmail-inline"]').click(),
    );
    await clickAndClose(confirmed, 'confirm');
    await expect
      .poll(() => body.innerText(), { timeout: 20_000 })
      .toContain('-----END PGP MESSAGE-----');
    expect(await pageCanSee(page, text)).toBe(false);
    // The docked compose windows of this test and the inline one cover the reply
    // box of the next test, where a click in our frame would then be confirmed.
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('[role=dialog]')) d.remove();
    });
  });

  it('should reply to encrypted mail encrypted by default, via the API', async () => {
    const text = apiText;
    await page.click('span.ams[role=link]');

    // A reply to an encrypted message opens our composer without asking.
    const composer = await frame(page, 'composer');
    expect(
      await page.locator('.amr iframe[data-ecosmail-frame="composer"]').count(),
    ).toBe(1);
    await expect.poll(() => composer.locator('#to').inputValue()).toBe(DANA);
    const rec = composer.locator('[data-testid="recommendation"]');
    await expect.poll(() => rec.getAttribute('data-recommendation')).toBe('encrypt');
    // Nothing of the decrypted message is quoted into Gmail's reply box.
    expect(await pageCanSee(page, secret)).toBe(false);
    expect(await composer.locator('#body').inputValue()).not.toContain(secret);
    await composer.locator('#body').fill(text);
    await composer.locator('[data-testid="gmail-api-optin"]').check();
    await composer.locator('[data-testid="gmail-api-send"]').click();
    await composer.locator('[data-testid="sent"]').waitFor({ timeout: 20_000 });

    // What reached the (intercepted) API: PGP/MIME with our header and the
    // reply's threading, in the conversation's thread.
    expect(fake.apiSends).toHaveLength(1);
    const [sent] = fake.apiSends;
    expect(sent!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent!.body.threadId).toBe(conv.threadDecimal.toString(16));
    const raw = Buffer.from(sent!.body.raw ?? '', 'base64url').toString('utf8');
    expect(raw).toMatch(
      /^Content-Type: multipart\/encrypted;[^]*protocol="application\/pgp-encrypted"/im,
    );
    expect(raw).toMatch(/^Autocrypt: addr=alice@example\.org;/im);
    expect(raw).toMatch(new RegExp(`^In-Reply-To: ${escape(encryptedMessageId)}`, 'im'));
    expect(raw).toMatch(new RegExp(`^References: .*${escape(encryptedMessageId)}`, 'im'));
    expect(raw).toMatch(/^Subject: Re: Plans/im);
    expect(raw).not.toContain(text);
    expect(await pageCanSee(page, text)).toBe(false);

    const read = await decryptMail(Buffer.from(raw), dana.privateKeyArmored, [
      await ownKeydata(browser),
    ]);
    expect(read.text).toContain(text);
    expect(read.signature.status).toBe('valid');
    expect(pageErrors).toEqual([]);
  });

  it('should decrypt inline PGP from the raw source, as path A delivers it', async () => {
    const inlineSecret = `Inline from Dana ${Math.random().toString(36).slice(2)}`;
    const { raw, armored } = await inlinePgpMessage(
      dana,
      await ownKeydata(browser),
      inlineSecret,
    );
    await browser.context.unrouteAll();
    const inline = await serveAgain(
      browser.context,
      {
        account: ALICE,
        subject: 'Inline',
        threadDecimal: randomGmailId(),
        messages: [
          {
            raw,
            decimal: randomGmailId(),
            from: { name: 'Dana', email: DANA },
            to: ALICE,
            // Gmail renders the armor as the body text.
            body: armored,
            chips: [],
          },
        ],
      },
      'current',
    );
    const inlinePage = await browser.context.newPage();
    await inlinePage.goto(inline.conversationUrl);
    const reader = await frame(inlinePage, 'reader');
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toBe(inlineSecret);
    const status = reader.locator('[data-testid="signature-status"]');
    expect(await status.getAttribute('data-status')).toBe('valid');
    expect(await pageCanSee(inlinePage, inlineSecret)).toBe(false);
    await inlinePage.close();
  });

  it('should read our API-sent mail in the shape Gmail delivers (P02)', async () => {
    // Gmail's real delivery cannot run here; this is the reported rebuild of
    // the message test 3 posted, opened by our own user (encrypted to self).
    const sent = Buffer.from(fake.apiSends[0]!.body.raw ?? '', 'base64url').toString();
    const rebuilt = gmailRebuilt(sent);
    expect(rebuilt.toString()).toMatch(/^Content-Type: multipart\/mixed/im);
    await browser.context.unrouteAll();
    const delivered = await serveAgain(
      browser.context,
      {
        account: ALICE,
        subject: 'Re: Plans',
        threadDecimal: randomGmailId(),
        messages: [
          {
            raw: rebuilt,
            decimal: randomGmailId(),
            from: { name: 'Alice', email: ALICE },
            to: DANA,
            body: '',
            chips: ['noname'],
          },
        ],
      },
      'current',
    );
    const own = await browser.context.newPage();
    await own.goto(delivered.conversationUrl);
    const reader = await frame(own, 'reader');
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(apiText);
    await own.close();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
