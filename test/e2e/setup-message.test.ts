/**
 * E2E: the Autocrypt Setup Message and the options page settings, in real
 * Chromium with the built extension and the reference webmail.
 *
 * Alice creates a Setup Message on the options page (the code is shown once),
 * sends it to herself through the webmail, and a clean profile imports it: a wrong
 * code changes nothing, the right one gives the clean profile Alice's key.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, setUpAccount, type ExtensionBrowser } from './browser';
import { openCompose, signIn, startTestWebmail } from './webmail-page';
import type { Webmail } from '../../webmail/server';

const ALICE = 'alice@ecosmail.test';

// An expression for the service worker: one keyring record, or null. A string,
// because `chrome` exists only inside the worker.
const storedRecord = (key: string) => {
  const name = JSON.stringify(key);
  return `chrome.storage.local.get(${name}).then((got) => got[${name}] ?? null)`;
};

describe('E2E: Setup Message and settings', () => {
  let webmail: Webmail;
  let alice: ExtensionBrowser;
  let fresh: ExtensionBrowser;
  let aliceFpr: string;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    alice = await launchWithExtension();
    fresh = await launchWithExtension();
    aliceFpr = await setUpAccount(alice, ALICE, 'Alice');
  });

  afterAll(async () => {
    await alice?.close();
    await fresh?.close();
    await webmail?.stop();
  });

  it('makes a Setup Message a clean profile imports only with its code', async () => {
    // The page contract submits mail for a compose slot: open one first.
    const mail = await alice.context.newPage();
    await signIn(mail, webmail, ALICE);
    await openCompose(mail);

    const options = await alice.openExtensionPage('options.html');
    await options.click('[data-testid="setup-create"]');
    const code = (await options.locator('[data-testid="setup-code"]').textContent())!;
    expect(code).toMatch(/^\d{4}(-\d{4}){8}$/);

    await options.click('[data-testid="setup-send"]');
    await options.waitForSelector('[data-testid="setup-sent"]');
    await expect.poll(async () => (await webmail.mailbox(ALICE, 'inbox')).length).toBe(1);
    const [stored] = await webmail.mailbox(ALICE, 'inbox');
    const raw = stored!.raw.toString('latin1');
    expect(raw).toContain('Autocrypt-Setup-Message: v1');
    expect(raw).not.toContain(code.slice(0, 9));
    // The page never saw the code: it is only in our options page.
    expect(await mail.content()).not.toContain(code.slice(5, 14));

    const clean = await fresh.openExtensionPage('options.html');
    await clean.setInputFiles('[data-testid="import-file"]', {
      name: 'setup.eml',
      mimeType: 'message/rfc822',
      buffer: stored!.raw,
    });
    // Prefilled with Passphrase-Begin, the code's first two digits.
    await expect
      .poll(() => clean.locator('[data-testid="import-code"]').inputValue())
      .toBe(code.slice(0, 2));

    const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
    await clean.fill('[data-testid="import-code"]', wrong);
    await clean.click('[data-testid="import-submit"]');
    await clean.waitForSelector('[data-testid="error"]');
    const status = await fresh.worker.evaluate(storedRecord('account'));
    expect(status).toBeNull();

    await clean.fill('[data-testid="import-code"]', code);
    await clean.click('[data-testid="import-submit"]');
    await clean.waitForSelector('[data-testid="import-done"]');
    await expect
      .poll(() => clean.locator('[data-testid="own-fingerprint"]').textContent())
      .toBe(aliceFpr);
  });

  it('turns header protection off and on from the options page', async () => {
    const options = await alice.openExtensionPage('options.html');
    const box = options.locator('[data-testid="setting-protect-headers"]');
    await expect.poll(() => box.isChecked()).toBe(true);

    await box.uncheck();
    await expect
      .poll(() => alice.worker.evaluate(storedRecord('settings')))
      .toMatchObject({ protect_headers: false });

    // A reload reads the stored choice back.
    await options.reload();
    await expect
      .poll(() => options.locator('[data-testid="setting-protect-headers"]').isChecked())
      .toBe(false);
    await options.locator('[data-testid="setting-protect-headers"]').check();
  });

  it('exports the public key as a file with our fingerprint', async () => {
    const options = await alice.openExtensionPage('options.html');
    const [download] = await Promise.all([
      options.waitForEvent('download'),
      options.click('[data-testid="export-public-key"]'),
    ]);
    expect(download.suggestedFilename()).toBe(`${aliceFpr}.asc`);
    const path = await download.path();
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
  });
});
