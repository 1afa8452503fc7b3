/**
 * E2E: header protection (RFC 9788) between two EcosMail users. Bob's encrypted
 * reply carries its real Subject only inside the encryption: the webmail stores and
 * shows "[...]", our reader frame shows the real one after decryption. Alice's
 * options page then lists Bob with his key history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchWithExtension,
  pageCanSee,
  setUpAccount,
  type ExtensionBrowser,
} from './browser';
import { waitForPeer } from './peers';
import {
  frame,
  openCompose,
  openMessage,
  sendAndWait,
  signIn,
  startTestWebmail,
  clickDecrypt,
  waitForMail,
} from './webmail-page';
import type { Webmail } from '../../webmail/server';

const ALICE = 'alice@ecosmail.test';
const BOB = 'bob@ecosmail.test';
// Waits on the extension's background work: generous, since CI machines are shared.
const SLOW = { timeout: 20_000 };

describe('E2E: protected Subject', () => {
  let webmail: Webmail;
  let alice: ExtensionBrowser;
  let bob: ExtensionBrowser;
  let bobFpr: string;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    alice = await launchWithExtension();
    bob = await launchWithExtension();
    await setUpAccount(alice, ALICE, 'Alice');
    bobFpr = await setUpAccount(bob, BOB, 'Bob');
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await webmail?.stop();
  });

  it('hides the Subject from the webmail and shows it in our reader', async () => {
    const subject = `Salary ${Math.random().toString(36).slice(2)}`;

    const alicePage = await alice.context.newPage();
    await signIn(alicePage, webmail, ALICE);
    const first = await openCompose(alicePage);
    await first.locator('#to').fill(BOB);
    await first.locator('#subject').fill('Hello');
    await first.locator('#body').fill('Plain hello with my key.');
    await sendAndWait(alicePage, first);

    const toBob = await waitForMail(webmail, BOB, 1);
    const bobPage = await bob.context.newPage();
    await signIn(bobPage, webmail, BOB);
    await openMessage(bobPage, 'inbox', toBob.id);
    expect(await waitForPeer(bob, ALICE)).toBeDefined();

    const reply = await openCompose(bobPage, { folder: 'inbox', id: toBob.id });
    await expect
      .poll(() => reply.locator('[data-testid="encrypt-toggle"]').isChecked(), SLOW)
      .toBe(true);
    await reply.locator('#subject').fill(subject);
    await reply.locator('#body').fill('Encrypted answer.');
    await sendAndWait(bobPage, reply);

    const toAlice = await waitForMail(webmail, ALICE, 1);
    const raw = toAlice.raw.toString();
    expect(raw).toMatch(/^Subject: \[\.\.\.\]\r$/m);
    expect(raw).not.toContain(subject);

    await openMessage(alicePage, 'inbox', toAlice.id);
    const reader = await frame(alicePage, 'reader');
    await clickDecrypt(reader);
    await expect
      .poll(() => reader.locator('[data-testid="subject"]').textContent(), SLOW)
      .toBe(subject);
    expect(await pageCanSee(alicePage, subject)).toBe(false);

    // Alice learned Bob's key from his header; the options page shows its history.
    expect((await waitForPeer(alice, BOB))?.fingerprint).toBe(bobFpr);
    const options = await alice.openExtensionPage('options.html');
    const history = options.locator(
      `[data-addr="${BOB}"] [data-testid="peer-history"] li`,
    );
    await expect.poll(() => history.count(), SLOW).toBe(1);
    expect(await history.first().textContent()).toContain(bobFpr);
  });
});
