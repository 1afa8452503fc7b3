/**
 * Attack suite HP-01, HP-02 and RO-05 in real Chromium with the built extension: what our
 * reader shows for a mail whose protected headers disagree with the outer ones
 * (the decisions themselves are tested in test/security/core/header-protection).
 *
 * On a vulnerable reader the forged inner sender or the added Cc goes unmentioned;
 * the positive control (inner and outer agree) shows no such notice, so a reader
 * that always warns cannot pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FrameLocator, Page } from 'playwright';
import {
  launchWithExtension,
  setUpAccount,
  type ExtensionBrowser,
} from '../../e2e/browser';
import {
  frame,
  openDecrypted,
  openCompose,
  openMessage,
  signIn,
  startTestWebmail,
} from '../../e2e/webmail-page';
import type { Webmail } from '../../../webmail/server';
import {
  deliverTo,
  encryptEntity,
  ownPublicKey,
  pgpMimeBody,
  pgpMimeMail,
} from './harness';

const ALICE = 'alice@ecosmail.test';
const ATTACKER = 'mallory@attacker.test';
const CEO = 'ceo@ecosmail.test';

/** An unsigned inner entity with protected headers. */
function entity(from: string, subject: string, cc: string[] = []): string {
  return [
    'Content-Type: text/plain; charset=utf-8; protected-headers="v1"',
    `From: ${from}`,
    `To: ${ALICE}`,
    ...(cc.length ? [`Cc: ${cc.join(', ')}`] : []),
    `Subject: ${subject}`,
    '',
    'Please see me.',
    '',
  ].join('\r\n');
}

describe('attack suite: header protection in the reader', () => {
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

  async function readDecrypted(raw: string): Promise<FrameLocator> {
    return openDecrypted(page, await deliverTo(webmail, raw, ATTACKER, ALICE));
  }

  it('HP-01 the reader shows the protected Subject marked and names a forged inner sender', async () => {
    const raw = await pgpMimeMail({
      from: ATTACKER,
      to: ALICE,
      subject: 'hello',
      entity: entity(CEO, 'Wire the money'),
      publicKey,
    });
    const reader = await readDecrypted(raw);
    const status = reader.locator('[data-testid="signature-status"]');
    expect(await reader.locator('[data-testid="subject"]').textContent()).toContain(
      'Wire the money',
    );
    expect(await reader.locator('[data-testid="subject-protected"]').count()).toBe(1);
    expect(await status.getAttribute('class')).toContain('bad');
    expect(
      await reader.locator('[data-testid="header-mismatch-from"]').textContent(),
    ).toContain(CEO);
    expect(await reader.locator('[data-testid="header-mismatch-subject"]').count()).toBe(
      1,
    );
  });

  it('HP-02 the reader names an outer Cc the protected headers do not', async () => {
    const raw = (
      await pgpMimeMail({
        from: ATTACKER,
        to: ALICE,
        subject: 'Plans',
        entity: entity(ATTACKER, 'Plans'),
        publicKey,
      })
    ).replace(/^To: .*$/m, `To: ${ALICE}\r\nCc: dave@attacker.test`);
    const reader = await readDecrypted(raw);
    expect(
      await reader.locator('[data-testid="header-added-recipients"]').textContent(),
    ).toContain('dave@attacker.test');
  });

  // Vulnerable (CCS 2020 decryption contexts): the CEO's old ciphertext re-sent
  // by an attacker inside his own HTML with `Reply-To: attacker`, read as the
  // CEO's mail, and a reply to the attacker without a word. Without the Reply-To
  // check, or with it lost between the reader's tab and the composer, no
  // `not-named-by-sender` notice appears and the wait below times out.
  it('RO-05 a reply to the Reply-To added around re-sent ciphertext warns in our composer', async () => {
    const old = await encryptEntity(
      'Content-Type: text/plain; charset=utf-8\r\n\r\nThe board minutes.\r\n',
      publicKey,
    );
    const raw = [
      `From: ${CEO}`,
      `Reply-To: ${ATTACKER}`,
      `To: ${ALICE}`,
      'Subject: Please comment',
      `Message-ID: <ro05-${Date.now()}@attacker.test>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="out"',
      '',
      '--out',
      'Content-Type: text/html',
      '',
      '<p>Please comment on this:</p>',
      '--out',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";',
      ' boundary="enc"',
      '',
      pgpMimeBody(old, 'enc'),
      '--out--',
      '',
    ].join('\r\n');
    const id = await deliverTo(webmail, raw, ATTACKER, ALICE);
    await openMessage(page, 'inbox', id);
    const reader = await frame(page, 'reader');
    await reader.locator('[data-testid="decrypt"]').click();
    await reader.locator('[data-testid="decrypted-content"]').waitFor();
    expect(await reader.locator('[data-testid="embedded-warning"]').count()).toBe(1);
    expect(
      await reader.locator('[data-testid="header-added-recipients"]').textContent(),
    ).toContain(ATTACKER);

    // The reply, in the same tab: to the From address no notice (control), to
    // the added Reply-To address our composer names it before Send.
    const composer = await openCompose(page, { folder: 'inbox', id });
    const notice = composer.locator('[data-testid="not-named-by-sender"]');
    await composer.locator('#to').fill(CEO);
    // The advice for exactly this recipient has arrived, and names nobody.
    await composer
      .locator(`[data-testid="recommendation"] li[data-addr="${CEO}"]`)
      .waitFor();
    expect(await notice.count()).toBe(0);
    await composer.locator('#to').fill(ATTACKER);
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toContain(ATTACKER);
  });

  it('HP-01 positive control: inner and outer headers that agree raise no notice', async () => {
    const raw = await pgpMimeMail({
      from: ATTACKER,
      to: ALICE,
      subject: 'Plans',
      entity: entity(ATTACKER, 'Plans'),
      publicKey,
    });
    const reader = await readDecrypted(raw);
    expect(await reader.locator('[data-testid="subject"]').textContent()).toBe('Plans');
    for (const id of [
      'subject-protected',
      'header-mismatch-from',
      'header-mismatch-subject',
      'header-added-recipients',
    ]) {
      expect(await reader.locator(`[data-testid="${id}"]`).count()).toBe(0);
    }
  });
});
