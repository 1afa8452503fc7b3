/**
 * Attack suite AU-05 in Firefox ESR with the built MV3 add-on: an attachment of
 * a decrypted mail named as markup is listed by its literal name in our reader
 * frame and saved, byte for byte, without being opened or run (the Chromium
 * test, test/security/browser/reader-parts.test.ts, also checks the type).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchFirefoxWithExtension,
  setUpAccount,
  waitFor,
  type FirefoxWithExtension,
} from './firefox';
import { extensionFrame, openMessage, signIn, textOf } from './webmail-page';
import { startTestWebmail } from '../e2e/webmail-page';
import { pgpMimeMail } from '../security/browser/harness';
import type { Webmail } from '../../webmail/server';
import { confirmInPopup } from './popup';

const ALICE = 'alice@ecosmail.test';
const ATTACKER = 'mallory@attacker.test';

describe('Firefox: attachments of decrypted mail', () => {
  let webmail: Webmail;
  let firefox: FirefoxWithExtension;
  const downloadDir = mkdtempSync(join(tmpdir(), 'ecosmail-downloads-'));

  beforeAll(async () => {
    [webmail, firefox] = await Promise.all([
      startTestWebmail(),
      launchFirefoxWithExtension({ downloadDir }),
    ]);
    await setUpAccount(firefox, ALICE, 'Alice');
  });

  afterAll(async () => {
    await firefox?.close();
    await webmail?.stop();
  });

  // Vulnerable (Mailvelope 0.13): the name put into markup (an <img> appears in
  // our frame and its onerror retitles it), or the file opened in a tab of the
  // extension's origin (a new tab, its script retitles the page).
  it('AU-05 an attachment named as markup shows literally and is saved byte for byte', async () => {
    const NAME = "\"><img src=x onerror=document.title='pwned'>.html";
    const body = '<script>document.title="ran"</script><p>attached page</p>\r\n';
    const quoted = NAME.replace(/"/g, '\\"');
    const entity = [
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'see attachment',
      '--a',
      `Content-Type: text/html; name="${quoted}"`,
      `Content-Disposition: attachment; filename="${quoted}"`,
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(body).toString('base64'),
      '--a--',
      '',
    ].join('\r\n');
    const publicKey = await firefox.setupPage.evaluate(async () => {
      const ext = (
        globalThis as unknown as {
          browser: {
            storage: { local: { get(k: string): Promise<Record<string, unknown>> } };
          };
        }
      ).browser;
      const { account } = await ext.storage.local.get('account');
      return (account as { publicKeyArmored: string }).publicKeyArmored;
    });
    const raw = await pgpMimeMail({
      from: ATTACKER,
      to: ALICE,
      subject: 'AU-05',
      entity,
      publicKey,
    });
    await webmail.deliver(raw, { from: ATTACKER, to: [ALICE] });
    const [stored] = await webmail.mailbox(ALICE, 'inbox');

    const page = await firefox.browser.newPage();
    await signIn(page, webmail, ALICE);
    await openMessage(page, 'inbox', stored!.id);
    const reader = await extensionFrame(page, 'reader', firefox.origin);
    const button = await reader.waitForSelector('[data-testid="decrypt"]');
    // Our reader refuses a click on a frame not yet seen on screen.
    await new Promise((r) => setTimeout(r, 800));
    await button!.click();
    // Firefox cannot see whether the page hid our frame: confirmed in our popup.
    await confirmInPopup(firefox);
    await reader.waitForSelector('[data-testid="attachment-name"]', { timeout: 30_000 });

    expect(await textOf(reader, '[data-testid="plaintext"]')).toContain('see attachment');
    expect(await textOf(reader, '[data-testid="attachment-name"]')).toBe(NAME);
    expect(await reader.$$eval('img, iframe, object, embed', (els) => els.length)).toBe(
      0,
    );

    const tabsBefore = (await firefox.browser.pages()).length;
    await reader.click('[data-testid="attachment-download"]');
    const saved = await waitFor('the saved attachment', async () => {
      const done = readdirSync(downloadDir).filter((f) => !f.endsWith('.part'));
      if (done.length !== 1) return undefined;
      const bytes = readFileSync(join(downloadDir, done[0]!));
      return bytes.length === Buffer.byteLength(body) ? bytes : undefined;
    });
    expect(saved.equals(Buffer.from(body))).toBe(true);

    await new Promise((r) => setTimeout(r, 800));
    expect(await reader.evaluate(() => document.title)).not.toMatch(/pwned|ran/);
    expect((await firefox.browser.pages()).length).toBe(tabsBefore);
  });
});
