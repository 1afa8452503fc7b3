/**
 * Attack suite MV-01, MV-02, MV-04 and MV-07 in real Chromium: the MV3 service
 * worker is stopped over CDP in the middle of work, two tabs write at once, and
 * the browser restarts on the same profile. Nothing may be half-written or lost,
 * and no view may stay stuck.
 *
 * How a vulnerable build fails: a key pair written in two steps leaves a public key
 * without its private key when the worker dies between them (MV-01); a reader that
 * awaits an answer that never comes stays on "Decrypting…" forever (MV-02); a
 * read-modify-write of one shared record loses one tab's peer (MV-04); keys kept
 * in memory or session storage are gone after a restart (MV-07).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import {
  launchWithExtension,
  setUpAccount,
  type ExtensionBrowser,
} from '../../e2e/browser';
import { listPeers } from '../../e2e/peers';
import {
  frame,
  openCompose,
  openMessage,
  signIn,
  startTestWebmail,
} from '../../e2e/webmail-page';
import type { Webmail } from '../../../webmail/server';
import {
  autocryptMail,
  deliverTo,
  dumpStorage,
  ownPublicKey,
  pgpMimeMail,
  settle,
} from './harness';

const ALICE = 'alice@ecosmail.test';

interface StoredAccount {
  fingerprint?: string;
  privateKeyArmored?: string;
  publicKeyArmored?: string;
  keydata?: string;
}

/** Presses Create and stops the worker after `delayMs`; returns what the page shows. */
async function createWhileStopping(browser: ExtensionBrowser, delayMs: number) {
  const killer = await browser.openExtensionPage('options.html');
  const cdp = await browser.context.newCDPSession(killer);
  await cdp.send('ServiceWorker.enable');

  const setup = await browser.openExtensionPage('setup.html');
  await setup.fill('#addr', ALICE);
  await setup.click('[data-testid="create-key"]');
  if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  await cdp.send('ServiceWorker.stopAllWorkers');

  // Not stuck: within 20 s the page shows either the new key or an error.
  const done = setup.locator('[data-testid="own-fingerprint"], [data-testid="error"]');
  await done.first().waitFor({ timeout: 20_000 });
  const outcome = (await setup.locator('[data-testid="own-fingerprint"]').count())
    ? 'created'
    : 'error';
  await cdp.detach();
  await killer.close();
  return { setup, outcome };
}

describe('MV-01 worker stopped during key generation', () => {
  it.each([0, 40])(
    'MV-01 stopping the worker %i ms into key creation leaves all or nothing, and retry works',
    async (delayMs) => {
      const browser = await launchWithExtension();
      try {
        const { setup, outcome } = await createWhileStopping(browser, delayMs);
        console.log(`MV-01 (${delayMs} ms): the page showed "${outcome}"`);

        const { account } = (await dumpStorage(browser, 'local')) as {
          account?: StoredAccount;
        };
        if (account) {
          // All of it, in one record: never a public key without its private key.
          expect(account.privateKeyArmored).toMatch(/BEGIN PGP PRIVATE KEY BLOCK/);
          expect(account.publicKeyArmored).toMatch(/BEGIN PGP PUBLIC KEY BLOCK/);
          expect(account.keydata).toBeTruthy();
          expect(account.fingerprint).toMatch(/^[0-9A-F]{40}$/);
        } else {
          expect(outcome).toBe('error');
          // Retry from the same page: the user is not stuck.
          await setup.click('[data-testid="create-key"]');
        }
        await setup.reload();
        const shown = await setup
          .locator('[data-testid="own-fingerprint"]')
          .textContent({ timeout: 20_000 });
        const after = (await dumpStorage(browser, 'local')).account as StoredAccount;
        expect(shown?.trim()).toBe(after.fingerprint);
      } finally {
        await browser.close();
      }
    },
  );

  // The multi-key import stopped mid-way is in key-import.test.ts (MV-01 ... import).
});

describe('MV-02 / MV-04 / MV-07 with the webmail', () => {
  let webmail: Webmail;
  let browser: ExtensionBrowser;
  let page: Page;
  let publicKey: string;
  let fingerprint: string;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    browser = await launchWithExtension();
    fingerprint = await setUpAccount(browser, ALICE, 'Alice');
    publicKey = await ownPublicKey(browser);
    page = await browser.context.newPage();
    await signIn(page, webmail, ALICE);
  });

  afterAll(async () => {
    await browser?.close();
    await webmail?.stop();
  });

  it('MV-02 stopping the worker during decryption ends in a result or an error, and retry works', async () => {
    const secret = `mv02-${Math.random().toString(36).slice(2)}`;
    const big = `${secret}\r\n${'padding line of a long message\r\n'.repeat(60_000)}`;
    const raw = await pgpMimeMail({
      from: 'dana@peer.test',
      to: ALICE,
      subject: 'MV-02',
      entity: `Content-Type: text/plain; charset=utf-8\r\n\r\n${big}`,
      publicKey,
    });
    await openMessage(
      page,
      'inbox',
      await deliverTo(webmail, raw, 'dana@peer.test', ALICE),
    );
    const reader = await frame(page, 'reader');

    const killer = await browser.openExtensionPage('options.html');
    const cdp = await browser.context.newCDPSession(killer);
    await cdp.send('ServiceWorker.enable');
    await reader.locator('[data-testid="decrypt"]').click();
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach();
    await killer.close();

    // Not stuck on "Decrypting…": a result or an error within 20 s.
    const settled = reader.locator('[data-testid="plaintext"], [data-testid="error"]');
    await settled.first().waitFor({ timeout: 20_000 });
    if (await reader.locator('[data-testid="error"]').count()) {
      console.log('MV-02: the reader showed an error; retrying');
      const button = reader.locator('[data-testid="decrypt"]');
      expect(await button.isEnabled()).toBe(true);
      await button.click();
    } else {
      console.log('MV-02: the decryption finished before the worker stopped');
    }
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent(), {
        timeout: 20_000,
      })
      .toContain(secret);

    // No plaintext was left in storage on the way.
    const stored = JSON.stringify([
      await dumpStorage(browser, 'local'),
      await dumpStorage(browser, 'session'),
    ]);
    expect(stored).not.toContain(secret);
  });

  /**
   * Writes a mail to Bob and presses Send; the first `/api/send` the page posts stops
   * the worker (the racy moment: the page has the message, the composer's answer
   * dies with the worker), goes through to the server, and its answer is then lost
   * on the way back to the page too. Returns the composer and Bob's count before.
   */
  async function sendLosingTheAnswer(subject: string, blockStatus: boolean) {
    const BOB = 'bob@ecosmail.test';
    const before = (await webmail.mailbox(BOB, 'inbox')).length;
    // A fresh compose view: the last test may have left one at #/compose.
    await page.goto(`${new URL(page.url()).origin}/#/inbox`);
    const composer = await openCompose(page);
    await composer.locator('#to').fill(BOB);
    await composer.locator('#subject').fill(subject);
    await composer.locator('#body').fill('sent while the worker stops');

    const killer = await browser.openExtensionPage('options.html');
    const cdp = await browser.context.newCDPSession(killer);
    await cdp.send('ServiceWorker.enable');
    let posts = 0;
    let answerLost = () => {};
    const lost = new Promise<void>((resolve) => (answerLost = resolve));
    await page.route('**/api/send', async (route) => {
      posts += 1;
      if (posts > 1) return route.continue();
      await cdp.send('ServiceWorker.stopAllWorkers');
      await route.fetch();
      await route.abort('connectionreset');
      answerLost();
    });
    if (blockStatus) await page.route('**/api/send-status/**', (r) => r.abort());

    await composer.locator('[data-testid="send"]').click();
    await lost;
    await cdp.detach();
    await killer.close();
    const count = async () => (await webmail.mailbox(BOB, 'inbox')).length - before;
    const unroute = () => page.unrouteAll({ behavior: 'wait' });
    return { composer, count, unroute, posts: () => posts };
  }

  // Vulnerable (before the send id): the composer showed the lost answer as an error
  // although the mail had gone out, and Send again made a second copy. Checked on
  // 2026-12-04 by answering 'not-sent' from composer.sendStatus: this test then ends
  // on the error instead of "Sent".
  it('MV-02 stopping the worker while the page sends ends in Sent, with exactly one copy', async () => {
    const { composer, count, unroute } = await sendLosingTheAnswer('MV-02 send', false);

    // The composer asked the page where its Message-ID stands: sent.
    await composer.locator('[data-testid="sent"]').waitFor({ timeout: 30_000 });
    expect(await composer.locator('[data-testid="error"]').count()).toBe(0);
    await unroute();
    await expect.poll(count, { timeout: 10_000 }).toBe(1);
    await settle(1000);
    expect(await count()).toBe(1);
  });

  // Vulnerable: a retry built a new message (new Message-ID) and the webmail sent it
  // again. Checked on 2026-12-04 by making the webmail's ledger accept every claim:
  // Bob then holds two copies.
  it('MV-02 a retry after the answer was lost for good is the same message: sent once', async () => {
    const { composer, count, unroute, posts } = await sendLosingTheAnswer(
      'MV-02 retry',
      true,
    );

    // Nobody can say whether it went out: the composer says so and offers Send.
    await composer.locator('[data-testid="send-unknown"]').waitFor({ timeout: 60_000 });
    await composer.locator('[data-testid="error"]').waitFor();
    expect(await count()).toBe(1);

    // The retry is a click in our frame (RO-04), the same Message-ID, and refused
    // by the webmail as already sent; the page says Sent.
    await composer.locator('[data-testid="send"]').click();
    await expect
      .poll(
        () => page.locator('[data-testid="flash"]', { hasText: 'Sent' }).isVisible(),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    expect(posts()).toBe(2);
    await unroute();
    await settle(1000);
    expect(await count()).toBe(1);
  });

  it('MV-04 two tabs reporting different peers at the same time lose neither', async () => {
    const peers = ['p1@peer.test', 'p2@peer.test', 'p3@peer.test', 'p4@peer.test'];
    const ids: string[] = [];
    for (const peer of peers) {
      ids.push(await deliverTo(webmail, await autocryptMail(peer, ALICE), peer, ALICE));
    }
    const tabs = [page, await browser.context.newPage()];
    // Same browser, same webmail session: the second tab is signed in already.
    await tabs[1]!.goto(webmail.url);
    await tabs[1]!.waitForSelector(`html[data-ecosmail-account="${ALICE}"]`);

    // Both tabs open their messages at once, twice over.
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        tabs.map((tab, i) => openMessage(tab, 'inbox', ids[round * 2 + i]!)),
      );
    }

    await expect
      .poll(async () => (await listPeers(browser)).map((p) => p.addr).sort(), {
        timeout: 20_000,
      })
      .toEqual(expect.arrayContaining(peers));
    await tabs[1]!.close();
  });

  // Vulnerable (Mailvelope #304 and others): keys lost with the profile because the
  // user was never asked to back up, or a prompt that forgets itself on restart.
  it('MV-07 a browser restart on the same profile keeps the key, every peer and the backup reminder', async () => {
    const before = (await listPeers(browser)).map((p) => p.addr).sort();
    expect(before.length).toBeGreaterThanOrEqual(4);
    const reminder = '[data-testid="backup-reminder"]';
    const prompted = await browser.openExtensionPage('options.html');
    await prompted.locator(reminder).waitFor({ timeout: 20_000 });
    await prompted.close();
    const profileDir = browser.profileDir;
    await browser.close();

    browser = await launchWithExtension({ profileDir });
    const options = await browser.openExtensionPage('options.html');
    const shown = await options
      .locator('[data-testid="own-fingerprint"]')
      .textContent({ timeout: 20_000 });
    expect(shown?.trim()).toBe(fingerprint);

    // Still no backup after the restart: still reminded. Saving a Setup Message
    // ends the reminder, and the record of it is in storage with the key.
    await options.locator(reminder).waitFor({ timeout: 20_000 });
    await options.click('[data-testid="setup-create"]');
    await options.locator('[data-testid="setup-code"]').waitFor({ timeout: 30_000 });
    await options.click('[data-testid="setup-save"]');
    await expect
      .poll(() => options.locator(reminder).count(), { timeout: 20_000 })
      .toBe(0);
    const stored = (await dumpStorage(browser, 'local')).account as {
      backedUpAt?: number;
    };
    expect(stored.backedUpAt).toBeTypeOf('number');
    await options.close();
    expect((await listPeers(browser)).map((p) => p.addr).sort()).toEqual(before);

    // Session data (views, counters) went with the browser; reading still works.
    const session = await dumpStorage(browser, 'session');
    expect(Object.keys(session).filter((k) => k.startsWith('ticket:'))).toEqual([]);
    const secret = `mv07-${Math.random().toString(36).slice(2)}`;
    const raw = await pgpMimeMail({
      from: 'dana@peer.test',
      to: ALICE,
      subject: 'after restart',
      entity: `Content-Type: text/plain; charset=utf-8\r\n\r\n${secret}`,
      publicKey,
    });
    page = await browser.context.newPage();
    await signIn(page, webmail, ALICE);
    await openMessage(
      page,
      'inbox',
      await deliverTo(webmail, raw, 'dana@peer.test', ALICE),
    );
    const reader = await frame(page, 'reader');
    await reader.locator('[data-testid="decrypt"]').click();
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent())
      .toContain(secret);
    await settle(100);
  });
});
