/**
 * Attack suite AC-11 in real Chromium with the reference webmail: mail the
 * provider filed as spam (its SMTP server reads `X-Spam-Flag: YES` as the
 * filter's verdict and files the mail into Spam, whose message view carries the
 * page contract's `data-ecosmail-spam="1"`) teaches the extension no key, yet
 * an encrypted one in Spam still decrypts on the user's click.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, setUpAccount, type ExtensionBrowser } from './browser';
import { ownKeydata } from './gmail-helpers';
import { listPeers, waitForPeer } from './peers';
import {
  decryptAndWait,
  frame,
  openMessage,
  signIn,
  startTestWebmail,
} from './webmail-page';
import { buildOutgoing, type OutgoingAccount } from '../../src/mail/outgoing';
import { generateKeyPair, minimalPublicKey } from '../../src/openpgp/gateway';
import type { Webmail } from '../../webmail/server';

const ALICE = 'alice@ecosmail.test';
const DANA = 'dana@peer.example';

/** The provider's filter verdict, as SpamAssassin writes it. */
const spam = (raw: string) => `X-Spam-Flag: YES\r\nX-Spam-Score: 9.1\r\n${raw}`;

describe('AC-11 mail in Spam', () => {
  let webmail: Webmail;
  let browser: ExtensionBrowser;
  let dana: OutgoingAccount;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    browser = await launchWithExtension();
    await setUpAccount(browser, ALICE);
    const key = await generateKeyPair({ addr: DANA, name: 'Dana' });
    dana = {
      addr: DANA,
      name: 'Dana',
      privateKeyArmored: key.privateKeyArmored,
      keydata: await minimalPublicKey(key.privateKeyArmored, DANA),
      prefer_encrypt: 'mutual',
    };
  });

  afterAll(async () => {
    await browser?.close();
    await webmail?.stop();
  });

  // Vulnerable: a spammer forging From: dana with his own Autocrypt header would
  // make our user encrypt to him. Without the spam flag in the page, or with the
  // background ignoring it, Dana is listed after the first two mails and the
  // `toEqual([])` below fails.
  it('AC-11 a header in mail filed as spam is not learned; decrypting it still works; outside Spam it is', async () => {
    const plain = await buildOutgoing(
      dana,
      { to: [ALICE], cc: [], subject: 'Spam?', text: 'Buy now.' },
      null,
    );
    const encrypted = await buildOutgoing(
      dana,
      { to: [ALICE], cc: [], subject: 'Spam?', text: 'secret in spam' },
      [await ownKeydata(browser)],
    );
    const envelope = { from: DANA, to: [ALICE] };
    await webmail.deliver(spam(plain), envelope);
    await webmail.deliver(spam(encrypted), envelope);
    const filed = await webmail.mailbox(ALICE, 'spam');
    expect(filed).toHaveLength(2);
    expect(await webmail.mailbox(ALICE, 'inbox')).toHaveLength(0);

    const page = await browser.context.newPage();
    await signIn(page, webmail, ALICE);
    await openMessage(page, 'spam', filed[0]!.id);
    expect(await page.getAttribute('[data-ecosmail-message]', 'data-ecosmail-spam')).toBe(
      '1',
    );

    // The encrypted one mounts our reader: the background has handled the
    // spam mails by then, and the click still decrypts.
    await openMessage(page, 'spam', filed[1]!.id);
    const reader = await frame(page, 'reader');
    expect(await decryptAndWait(reader)).toContain('secret in spam');
    expect(await listPeers(browser)).toEqual([]);

    // Positive control: the same plain mail in the inbox teaches Dana's key.
    await webmail.deliver(plain, envelope);
    const [inbox] = await webmail.mailbox(ALICE, 'inbox');
    await openMessage(page, 'inbox', inbox!.id);
    expect((await waitForPeer(browser, DANA))?.addr).toBe(DANA);
  });
});
