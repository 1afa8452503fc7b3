/**
 * E2E 2: two EcosMail users. Alice writes Bob a plain mail that carries her
 * Autocrypt header; Bob's reply is encrypted by default (both prefer
 * mutual); Alice reads it in our frame. The webmail page never sees Bob's
 * text at any step, on either side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import {
  launchWithExtension,
  pageCanSee,
  setUpAccount,
  type ExtensionBrowser,
} from './browser';
import { waitForPeer } from './peers';
import {
  decryptAndWait,
  frame,
  openCompose,
  openMessage,
  signIn,
  startTestWebmail,
  sendAndWait,
  waitForMail,
} from './webmail-page';
import type { Webmail } from '../../webmail/server';

const ALICE = 'alice@ecosmail.test';
const BOB = 'bob@ecosmail.test';

describe('E2E 2: two EcosMail users', () => {
  let webmail: Webmail;
  let alice: ExtensionBrowser;
  let bob: ExtensionBrowser;
  let aliceFpr: string;
  let bobFpr: string;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    alice = await launchWithExtension();
    bob = await launchWithExtension();
    aliceFpr = await setUpAccount(alice, ALICE, 'Alice');
    bobFpr = await setUpAccount(bob, BOB, 'Bob');
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await webmail?.stop();
  });

  it('should exchange keys in the clear, then read the encrypted reply only in our frame', async () => {
    const secret = `Bob's secret reply ${Math.random().toString(36).slice(2)}`;
    const pages: Page[] = [];
    const assertPagesBlind = async () => {
      for (const page of pages) expect(await pageCanSee(page, secret)).toBe(false);
    };

    // Alice writes first: no key for Bob yet, so the mail goes in the clear.
    const alicePage = await alice.context.newPage();
    pages.push(alicePage);
    await signIn(alicePage, webmail, ALICE);
    const first = await openCompose(alicePage);
    await first.locator('#to').fill(BOB);
    const rec = first.locator('[data-testid="recommendation"]');
    await expect.poll(() => rec.getAttribute('data-recommendation')).toBe('disable');
    await first.locator('#subject').fill('Lunch?');
    await first.locator('#body').fill('Shall we have lunch on Friday?');
    await sendAndWait(alicePage, first);

    // Bob opens it: Alice's key arrives with her header.
    const toBob = await waitForMail(webmail, BOB, 1);
    expect(toBob.raw.toString()).toMatch(/^Autocrypt: addr=alice@ecosmail\.test;/im);
    const bobPage = await bob.context.newPage();
    pages.push(bobPage);
    await signIn(bobPage, webmail, BOB);
    await openMessage(bobPage, 'inbox', toBob.id);
    expect((await waitForPeer(bob, ALICE))?.fingerprint).toBe(aliceFpr);

    // Bob replies: both prefer mutual, so the reply is encrypted by default.
    const reply = await openCompose(bobPage, { folder: 'inbox', id: toBob.id });
    await expect.poll(() => reply.locator('#to').inputValue()).toBe(ALICE);
    const replyRec = reply.locator('[data-testid="recommendation"]');
    await expect.poll(() => replyRec.getAttribute('data-recommendation')).toBe('encrypt');
    expect(await reply.locator('[data-testid="encrypt-toggle"]').isChecked()).toBe(true);
    await reply.locator('#body').fill(secret);
    await assertPagesBlind();
    await sendAndWait(bobPage, reply);
    await assertPagesBlind();

    // On the wire and in storage it is ciphertext only.
    const toAlice = await waitForMail(webmail, ALICE, 1);
    const raw = toAlice.raw.toString();
    expect(raw).toMatch(/^Content-Type: multipart\/encrypted/im);
    expect(raw).not.toContain(secret);

    // Alice opens it: our reader frame decrypts on her click.
    await openMessage(alicePage, 'inbox', toAlice.id);
    const reader = await frame(alicePage, 'reader');
    expect(await decryptAndWait(reader)).toContain(secret);
    const status = reader.locator('[data-testid="signature-status"]');
    expect(await status.getAttribute('data-status')).toBe('valid');
    expect(await status.textContent()).toContain(BOB);
    expect((await waitForPeer(alice, BOB))?.fingerprint).toBe(bobFpr);
    await assertPagesBlind();
  });
});
