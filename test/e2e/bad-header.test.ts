/**
 * Bad input: a message whose Autocrypt header is malformed is shown as a
 * normal message, changes no peer state, and the background keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, setUpAccount, type ExtensionBrowser } from './browser';
import { listPeers, waitForPeer } from './peers';
import {
  openCompose,
  openMessage,
  signIn,
  startTestWebmail,
  sendAndWait,
} from './webmail-page';
import type { Webmail } from '../../webmail/server';

const ALICE = 'alice@ecosmail.test';
const BOB = 'bob@ecosmail.test';

function mail(from: string, autocrypt: string, body: string): string {
  return [
    `From: ${from}`,
    `To: ${ALICE}`,
    'Subject: Malformed header',
    'Date: Fri, 04 Dec 2026 10:00:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.net>`,
    `Autocrypt: ${autocrypt}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

describe('bad input', () => {
  let webmail: Webmail;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    browser = await launchWithExtension();
    await setUpAccount(browser, ALICE);
  });

  afterAll(async () => {
    await browser?.close();
    await webmail?.stop();
  });

  it('should show a mail with a malformed Autocrypt header normally and learn nothing', async () => {
    const cases = [
      mail(
        'dave@example.net',
        'addr=dave@example.net; keydata=!!not base64!!',
        'Body one',
      ),
      mail('erin@example.net', 'addr=someone.else@example.net; keydata=AAAA', 'Body two'),
      mail(
        'frank@example.net',
        'addr=frank@example.net; critical=yes; keydata=xsBNBF',
        'Body 3',
      ),
    ];
    const page = await browser.context.newPage();
    await signIn(page, webmail, ALICE);

    for (const [i, raw] of cases.entries()) {
      await webmail.deliver(raw, { from: 'x@example.net', to: [ALICE] });
      const stored = (await webmail.mailbox(ALICE, 'inbox'))[i]!;
      await openMessage(page, 'inbox', stored.id);
      // The page shows the mail as usual.
      await expect
        .poll(() => page.textContent('[data-ecosmail-message]'))
        .toContain('Body');
    }

    // Give the background time to process, then check nobody was learned.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await listPeers(browser)).toEqual([]);

    // The worker still serves: a good header from a real client is learned
    // after the bad ones (Bob's mail, produced by the extension itself).
    const bob = await launchWithExtension();
    try {
      await setUpAccount(bob, BOB);
      const bobPage = await bob.context.newPage();
      await signIn(bobPage, webmail, BOB);
      const composer = await openCompose(bobPage);
      await composer.locator('#to').fill(ALICE);
      await composer.locator('#body').fill('A good header this time.');
      await sendAndWait(bobPage, composer);
    } finally {
      await bob.close();
    }
    await expect.poll(async () => (await webmail.mailbox(ALICE, 'inbox')).length).toBe(4);
    const good = (await webmail.mailbox(ALICE, 'inbox'))[3]!;
    await openMessage(page, 'inbox', good.id);
    expect((await waitForPeer(browser, BOB))?.addr).toBe(BOB);
  });
});
