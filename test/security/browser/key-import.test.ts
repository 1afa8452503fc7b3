/**
 * Key import on the options page in real Chromium with the built extension:
 * attack suite MV-01 (worker stopped mid-import), MV-03 (an import over the
 * 10 MB quota that `unlimitedStorage` lifts), MV-06 and SG-14 (what the preview
 * shows and refuses), MV-07 (the backup prompt) and AU-04 (look-alike addresses
 * in the preview and the contact list).
 *
 * How a vulnerable build fails: a per-key write loop leaves some keys stored after
 * the worker is stopped (MV-01: neither 0 nor all); without `unlimitedStorage`
 * the 11 MB import fails with "QUOTA_BYTES quota exceeded" (MV-03); a preview
 * listing every user ID packet shows the appended victim address (SG-14).
 * The last test sets a passphrase: it stays set for nothing after it.
 */
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { launchWithExtension, type ExtensionBrowser } from '../../e2e/browser';
import { dumpStorage } from './harness';
import { oldProtectedKey, withForgedUserID } from '../core/old-keys';

const ALICE = 'alice@ecosmail.test';

async function ecc(email: string, passphrase?: string) {
  return openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email }],
    passphrase,
    format: 'object',
  });
}

/** Public keys of many fresh keys, in one armored file. */
async function peerFile(emails: string[]): Promise<string> {
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  for (const email of emails) list.push(...(await ecc(email)).publicKey.toPacketList());
  return openpgp.armor(openpgp.enums.armor.publicKey, list.write());
}

/** Hands `text` to a file input of the key section, as a picked file. */
async function pick(page: Page, testId: string, text: string) {
  await page.setInputFiles(`[data-testid="${testId}"]`, {
    name: 'keys.asc',
    mimeType: 'application/pgp-keys',
    buffer: Buffer.from(text),
  });
}

async function peersStored(browser: ExtensionBrowser): Promise<string[]> {
  const local = await dumpStorage(browser, 'local');
  return Object.keys(local).filter((k) => k.startsWith('peer:'));
}

/**
 * A key whose certificate holds an 11 MB photo (a user attribute with a valid
 * self-certification): one import above the 10 MB `storage.local` quota.
 */
async function keyWithLargePhoto(email: string, bytes: number): Promise<string> {
  const { privateKey } = await ecc(email);
  const image = new Uint8Array(16 + bytes);
  image.set([0x10, 0x00, 0x01, 0x01]); // image header: length 16, v1, JPEG
  const body = new Uint8Array(5 + 1 + image.length);
  const length = 1 + image.length;
  body.set([
    0xff,
    length >>> 24,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
  ]);
  body[5] = 1; // subpacket type: image
  body.set(image, 6);
  const attribute = new openpgp.UserAttributePacket();
  attribute.read(body);

  const certification = new openpgp.SignaturePacket();
  certification.signatureType = openpgp.enums.signature.certPositive;
  certification.publicKeyAlgorithm = privateKey.keyPacket.algorithm;
  certification.hashAlgorithm = openpgp.enums.hash.sha256;
  // openpgp's types omit the config parameter its code reads.
  const signer = certification as unknown as { sign(...args: unknown[]): Promise<void> };
  await signer.sign(
    privateKey.keyPacket,
    { userAttribute: attribute, key: privateKey.keyPacket },
    new Date(),
    false,
    openpgp.config,
  );

  const list = privateKey.toPublic().toPacketList();
  list.push(attribute, certification);
  return openpgp.armor(openpgp.enums.armor.publicKey, list.write());
}

describe('key import on the options page', () => {
  let browser: ExtensionBrowser;
  let options: Page;

  beforeAll(async () => {
    browser = await launchWithExtension();
    // MV-07: right after the key is made, the setup page prompts for a backup.
    const setup = await browser.openExtensionPage('setup.html');
    await setup.fill('#addr', ALICE);
    await setup.click('[data-testid="create-key"]');
    await setup.locator('[data-testid="backup-prompt"]').waitFor({ timeout: 30_000 });
    await setup.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function openOptions() {
    options = await browser.openExtensionPage('options.html');
    await options.locator('[data-testid="own-fingerprint"]').waitFor({ timeout: 20_000 });
    return options;
  }

  it('MV-07 the options page reminds to back up until a Setup Message is saved', async () => {
    const page = await openOptions();
    await expect
      .poll(() => page.locator('[data-testid="backup-reminder"]').count())
      .toBe(1);

    await page.click('[data-testid="setup-create"]');
    await page.locator('[data-testid="setup-code"]').waitFor({ timeout: 30_000 });
    await page.click('[data-testid="setup-save"]');
    await expect
      .poll(() => page.locator('[data-testid="backup-reminder"]').count(), {
        timeout: 20_000,
      })
      .toBe(0);
    const { account } = (await dumpStorage(browser, 'local')) as {
      account: { backedUpAt?: number };
    };
    expect(account.backedUpAt).toBeTypeOf('number');
    await page.close();
  });

  it('SG-14 MV-06 own-key import: valid user IDs only, passphrase, explicit confirmation; the old key is kept', async () => {
    const page = await openOptions();
    const before = (await page.locator('[data-testid="own-fingerprint"]').textContent())!;
    const { privateKey } = await ecc(ALICE, 'correct horse');
    const fingerprint = privateKey.getFingerprint().toUpperCase();
    await pick(
      page,
      'own-key-file',
      await withForgedUserID(privateKey, 'victim@bank.test'),
    );

    const preview = page.locator('[data-testid="own-key-preview"]');
    await expect.poll(() => preview.getAttribute('data-fingerprint')).toBe(fingerprint);
    expect(
      await preview.locator('[data-testid="key-user-id"]').allTextContents(),
    ).toEqual([`<${ALICE}>`]);
    expect(await preview.textContent()).not.toContain('victim@bank.test');
    await preview.locator('[data-testid="key-dropped-uids"]').waitFor();

    // No import without the tick.
    const button = page.locator('[data-testid="own-key-import-button"]');
    expect(await button.isDisabled()).toBe(true);
    await page.fill('[data-testid="own-key-passphrase"]', 'wrong');
    await page.check('[data-testid="own-key-confirm"]');
    await button.click();
    await expect
      .poll(() => page.locator('[data-testid="error"]').getAttribute('data-code'))
      .toBe('bad-passphrase');

    await page.fill('[data-testid="own-key-passphrase"]', 'correct horse');
    await button.click();
    await page.locator('[data-testid="own-key-done"]').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.locator('[data-testid="own-fingerprint"]').textContent())
      .toBe(fingerprint);
    const { account } = (await dumpStorage(browser, 'local')) as {
      account: { previousKeys?: { fingerprint: string }[] };
    };
    expect(account.previousKeys?.map((k) => k.fingerprint)).toEqual([before.trim()]);
    await page.close();
  });

  it('MV-06 an own key with S2K usage 255 is refused with a translated reason naming it', async () => {
    const page = await openOptions();
    const key = await oldProtectedKey(ALICE, 'checksum-255', 'pw');
    await page.fill('[data-testid="own-key-paste"]', key.armored);
    await page.click('[data-testid="own-key-read"]');
    const refusal = page.locator('[data-testid="key-refusal"]');
    await expect
      .poll(() => refusal.getAttribute('data-code'))
      .toBe('key-protection-checksum');
    // The catalog's sentence with the reason, not the bare key or a generic error.
    expect(await refusal.textContent()).toMatch(/two-byte checksum.*255|255.*two-byte/);
    expect(await page.locator('[data-testid="own-key-import-button"]').count()).toBe(0);
    await page.close();
  });

  it('AU-04 peer import preview and contact list flag a look-alike address', async () => {
    const page = await openOptions();
    const lookalike = 'p\u0430ypal@example.com';
    await pick(page, 'peer-keys-file', await peerFile(['erin@example.org', lookalike]));
    const rows = page.locator('[data-testid="peer-key-row"]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).locator('[data-testid="identity-warning"]').count()).toBe(1);
    // Control: the plain Latin address is not flagged.
    expect(await rows.nth(0).locator('[data-testid="identity-warning"]').count()).toBe(0);

    await page.check('[data-testid="peer-keys-confirm"]');
    await page.click('[data-testid="peer-keys-import-button"]');
    await expect
      .poll(() =>
        page.locator('[data-testid="peer-keys-done"]').getAttribute('data-count'),
      )
      .toBe('2');
    const contact = page.locator(`[data-testid="peer-row"][data-addr="${lookalike}"]`);
    await contact.waitFor({ timeout: 20_000 });
    expect(await contact.locator('[data-testid="identity-warning"]').count()).toBe(1);
    const plain = page.locator('[data-testid="peer-row"][data-addr="erin@example.org"]');
    expect(await plain.locator('[data-testid="identity-warning"]').count()).toBe(0);
    await page.close();
  });

  it.each([0, 150])(
    'MV-01 stopping the worker %i ms into a 120-key import stores all or none; the page is not stuck',
    async (delayMs) => {
      const tag = `mv01-${delayMs}-`;
      const emails = Array.from({ length: 120 }, (_, i) => `${tag}${i}@example.net`);
      const file = await peerFile(emails);
      const page = await openOptions();
      await pick(page, 'peer-keys-file', file);
      await expect
        .poll(
          () =>
            page.locator('[data-testid="peer-keys-preview"]').getAttribute('data-count'),
          { timeout: 30_000 },
        )
        .toBe('120');

      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      await page.check('[data-testid="peer-keys-confirm"]');
      await page.click('[data-testid="peer-keys-import-button"]');
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      await cdp.send('ServiceWorker.stopAllWorkers');
      await cdp.detach();

      const done = page.locator('[data-testid="peer-keys-done"], [data-testid="error"]');
      await done.first().waitFor({ timeout: 30_000 });
      const ours = async () =>
        (await peersStored(browser)).filter((k) => k.includes(tag)).length;
      const stored = await ours();
      console.log(`MV-01 import (${delayMs} ms): ${stored} of 120 stored after the stop`);
      expect([0, 120]).toContain(stored);

      if (stored === 0) {
        // Retry from the same page once the worker is back.
        await page.click('[data-testid="peer-keys-import-button"]');
        await page.locator('[data-testid="peer-keys-done"]').waitFor({ timeout: 30_000 });
        expect(await ours()).toBe(120);
      }
      await page.close();
    },
  );

  it('MV-03 one import of more than 10 MB is stored whole', async () => {
    const armored = await keyWithLargePhoto('photo@example.net', 11 * 1024 * 1024);
    expect(armored.length).toBeGreaterThan(10 * 1024 * 1024);
    const page = await openOptions();
    await pick(page, 'peer-keys-file', armored);
    await page.locator('[data-testid="peer-keys-confirm"]').waitFor({ timeout: 60_000 });
    await page.check('[data-testid="peer-keys-confirm"]');
    await page.click('[data-testid="peer-keys-import-button"]');
    await page
      .locator('[data-testid="peer-keys-done"], [data-testid="error"]')
      .first()
      .waitFor({ timeout: 90_000 });
    expect(await page.locator('[data-testid="error"]').count()).toBe(0);

    const size = await page.evaluate(async () => {
      const { chrome } = globalThis as unknown as {
        chrome: { storage: { local: { getBytesInUse(k: null): Promise<number> } } };
      };
      return chrome.storage.local.getBytesInUse(null);
    });
    expect(size).toBeGreaterThan(10 * 1024 * 1024);
    await page.close();
  }, 240_000);

  // Before the fix the imported key was stored unprotected in a protected account
  // (no passphrase field; `protected` absent, the stored key decrypted).
  it('own-key import into a protected account asks for its passphrase and stores the key protected', async () => {
    const page = await openOptions();
    const pass = 'correct horse battery';
    await page.fill('[data-testid="passphrase-new"]', pass);
    await page.fill('[data-testid="passphrase-repeat"]', pass);
    await page.click('[data-testid="passphrase-set"]');
    await expect
      .poll(() =>
        page.locator('[data-testid="protection"]').getAttribute('data-protected'),
      )
      .toBe('true');

    const { privateKey } = await ecc(ALICE);
    await pick(page, 'own-key-file', privateKey.armor());
    const field = page.locator('[data-testid="own-key-account-passphrase"]');
    await field.waitFor({ timeout: 20_000 });
    await page.check('[data-testid="own-key-confirm"]');

    // Control: a wrong passphrase is refused and nothing changes.
    await field.fill('not the passphrase');
    await page.click('[data-testid="own-key-import-button"]');
    await expect
      .poll(() => page.locator('[data-testid="error"]').getAttribute('data-code'))
      .toBe('bad-passphrase');

    await field.fill(pass);
    await page.click('[data-testid="own-key-import-button"]');
    await page.locator('[data-testid="own-key-done"]').waitFor({ timeout: 20_000 });
    const { account } = (await dumpStorage(browser, 'local')) as {
      account: {
        fingerprint: string;
        protected?: boolean;
        privateKeyArmored: string;
        previousKeys?: { protected?: boolean }[];
      };
    };
    expect(account.fingerprint).toBe(privateKey.getFingerprint().toUpperCase());
    expect(account.protected).toBe(true);
    const stored = await openpgp.readPrivateKey({
      armoredKey: account.privateKeyArmored,
    });
    expect(stored.isDecrypted()).toBe(false);
    expect(account.previousKeys?.at(-1)?.protected).toBe(true);
    await page.close();
  });
});
