/**
 * Firefox ESR with the built MV3 add-on, end to end: the first-run setup,
 * learning a correspondent from the Autocrypt header of a mail opened in
 * the webmail, an encrypted mail to them composed in our frame and sent
 * through the reference webmail, and their encrypted answer decrypted in
 * our reader frame after a click. The webmail page never sees either text.
 *
 * These steps exercise what differs in Firefox: the background as an event
 * page (suspended after one idle second here, and proven suspended before
 * the send and the decryption, so both run on a freshly woken background
 * that has only its storage), `storage.session` tickets, `tabs.sendMessage`
 * to the content script,
 * frames on `moz-extension://<uuid>` recognised by the background, the
 * content script's raw-source fetch through `content.fetch` with the page's
 * session, and the contract's string event details crossing Xray wrappers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import {
  backgroundSuspended,
  launchFirefoxWithExtension,
  setUpAccount,
  waitFor,
  type FirefoxWithExtension,
} from './firefox';
import { waitForPeer } from './peers';
import {
  attribute,
  extensionFrame,
  openCompose,
  openMessage,
  sendAndWait,
  signIn,
  textOf,
} from './webmail-page';
import { startTestWebmail } from '../e2e/webmail-page';
import { confirmInPopup } from './popup';
import { documentShows } from '../shared/page-sight';
import {
  makeCorrespondent,
  readMail,
  writeMail,
  type Correspondent,
} from '../shared/correspondent';
import type { Webmail } from '../../webmail/server';

const ALICE = 'alice@ecosmail.test';
const DANA = 'dana@peer.example';

/** Firefox suspends our event page after this much idleness. */
const BACKGROUND_IDLE_MS = 1000;

describe('Firefox: the add-on end to end', () => {
  let webmail: Webmail;
  let firefox: FirefoxWithExtension;
  let dana: Correspondent;
  let page: Page;
  let aliceFpr: string;
  const secrets: string[] = [];

  const pageSeesNoSecret = async () => {
    for (const secret of secrets) {
      expect(await page.evaluate(documentShows, secret)).toBe(false);
    }
  };

  beforeAll(async () => {
    [webmail, firefox, dana] = await Promise.all([
      startTestWebmail(),
      launchFirefoxWithExtension({ backgroundIdleMs: BACKGROUND_IDLE_MS }),
      makeCorrespondent(DANA, 'Dana'),
    ]);
    page = await firefox.browser.newPage();
  });

  afterAll(async () => {
    await firefox?.close();
    await webmail?.stop();
  });

  it('should create the key on the setup page the add-on opens on install', async () => {
    aliceFpr = await setUpAccount(firefox, ALICE, 'Alice');
    expect(aliceFpr).toMatch(/^[0-9A-F]{40}$/);
    const done = await textOf(firefox.setupPage, '[data-testid="setup-done"]');
    expect(done).toContain(ALICE);
  });

  it('should learn the peer from the Autocrypt header of an opened mail', async () => {
    const hello = await writeMail(dana, ALICE, 'Hello from Dana', 'Coffee next week?');
    await webmail.deliver(hello, { from: DANA, to: [ALICE] });
    const [stored] = await webmail.mailbox(ALICE, 'inbox');

    await signIn(page, webmail, ALICE);
    await openMessage(page, 'inbox', stored!.id);

    const peer = await waitForPeer(firefox, DANA);
    expect(peer.fingerprint).toBe(dana.fingerprint);
  });

  it('should send encrypted mail that only the recipient can read', async () => {
    const secret = `For Dana only ${Math.random().toString(36).slice(2)}`;
    secrets.push(secret);

    const composer = await openCompose(page, firefox.origin);
    await composer.type('#to', DANA);
    // Both sides prefer mutual and Alice has Dana's key: encrypt by default.
    await waitFor('the recommendation "encrypt"', async () =>
      (await attribute(
        composer,
        '[data-testid="recommendation"]',
        'data-recommendation',
      )) === 'encrypt'
        ? true
        : undefined,
    );
    expect(
      await composer.$eval('[data-testid="encrypt-toggle"]', (el) => {
        return (el as HTMLInputElement).checked;
      }),
    ).toBe(true);
    await composer.type('#subject', 'Hello Dana');
    await composer.type('#body', secret);
    await pageSeesNoSecret();
    await backgroundSuspended(firefox);
    await sendAndWait(page, composer, () => confirmInPopup(firefox));
    await pageSeesNoSecret();

    // What left for Dana's provider is PGP/MIME; Dana decrypts it and
    // finds Alice's valid signature.
    const out = (await webmail.outbound()).find((m) => m.recipients.includes(DANA));
    const raw = out!.raw.toString('utf8');
    expect(raw).toMatch(/^Content-Type: multipart\/encrypted/im);
    expect(raw).not.toContain(secret);
    const { mail } = await readMail(dana, out!.raw);
    expect(mail.text).toContain(secret);
    expect(mail.signature).toMatchObject({
      status: 'valid',
      signerFingerprint: aliceFpr,
    });
  });

  it('should decrypt an encrypted answer in our reader frame after a click', async () => {
    const secret = `For Alice only ${Math.random().toString(36).slice(2)}`;
    secrets.push(secret);
    const out = (await webmail.outbound()).find((m) => m.recipients.includes(DANA));
    const { senderKey: aliceKey } = await readMail(dana, out!.raw);
    const answer = await writeMail(dana, ALICE, 'Re: Hello Dana', secret, [aliceKey]);
    await webmail.deliver(answer, { from: DANA, to: [ALICE] });
    const inbox = await webmail.mailbox(ALICE, 'inbox');

    await openMessage(page, 'inbox', inbox.at(-1)!.id);
    const reader = await extensionFrame(page, 'reader', firefox.origin);
    // Nothing is decrypted before the user asks for it.
    expect(await textOf(reader, '[data-testid="plaintext"]')).toBe('');
    await backgroundSuspended(firefox);
    await reader.click('[data-testid="decrypt"]');
    // Firefox cannot see whether the page hid our frame: confirmed in our popup.
    await confirmInPopup(firefox);

    const shown = await waitFor('the decrypted text', async () => {
      const text = await textOf(reader, '[data-testid="plaintext"]');
      return text || undefined;
    });
    expect(shown).toContain(secret);
    const status = '[data-testid="signature-status"]';
    expect(await attribute(reader, status, 'data-status')).toBe('valid');
    expect(await textOf(reader, status)).toContain(DANA);
    await pageSeesNoSecret();
  });

  // EX-07 in Firefox: the CSP asks for Trusted Types. Firefox enforces it where its
  // version implements them; either way our frames must keep working (the flows
  // above), and where it is enforced a markup string is refused.
  it('EX-07 should keep our frames working under the Trusted Types directive', async () => {
    const composer = await openCompose(page, firefox.origin);
    const probe = await composer.evaluate(() => {
      const enforced = 'trustedTypes' in globalThis;
      try {
        // eslint-disable-next-line no-restricted-syntax
        document.createElement('div').innerHTML = '<b>x</b>';
        return { enforced, refused: false };
      } catch {
        return { enforced, refused: true };
      }
    });
    console.log(`EX-07 Firefox: Trusted Types ${JSON.stringify(probe)}`);
    if (probe.enforced) expect(probe.refused).toBe(true);
    expect(await composer.$('#body')).not.toBeNull();
  });
});
