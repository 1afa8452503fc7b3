/**
 * E2E 1: real mail from another client. Thunderbird's Autocrypt mail from
 * Carol arrives over SMTP; opening it teaches the extension Carol's key; we
 * then write to Carol encrypted and check the message that left the webmail
 * with Carol's own secret key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import { launchWithExtension, setUpAccount, type ExtensionBrowser } from './browser';
import { corpusAvailable, corpusFile, provenance } from './corpus';
import { waitForPeer } from './peers';
import {
  openCompose,
  openMessage,
  signIn,
  startTestWebmail,
  sendAndWait,
} from './webmail-page';
import type { Webmail } from '../../webmail/server';

const MAIL = 'files/thunderbird/unsigned-unencrypted-0x3099ff1238852b9f-autocrypt.eml';
const CAROL_SECRET = 'files/thunderbird/carol@example.com-0x3099ff1238852b9f-secret.asc';
const ALICE = 'alice@ecosmail.test';
const CAROL = 'carol@example.com';

describe.skipIf(!corpusAvailable())('E2E 1: Autocrypt mail from Thunderbird', () => {
  let webmail: Webmail;
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    browser = await launchWithExtension();
    await setUpAccount(browser, ALICE, 'Alice');
  });

  afterAll(async () => {
    await browser?.close();
    await webmail?.stop();
  });

  it('should learn the peer from the header and send it encrypted mail', async () => {
    const expectedFpr = /fpr ([0-9A-F]{40})/.exec(
      provenance(MAIL).expected_outcome ?? '',
    )?.[1];
    expect(expectedFpr).toBeDefined();

    // Carol's mail arrives over SMTP and is opened in the webmail.
    await webmail.deliver(corpusFile(MAIL), { from: CAROL, to: [ALICE] });
    const [stored] = await webmail.mailbox(ALICE, 'inbox');
    expect(stored).toBeDefined();
    const page = await browser.context.newPage();
    await signIn(page, webmail, ALICE);
    await openMessage(page, 'inbox', stored!.id);

    // The extension now knows Carol with the key from her header.
    const peer = await waitForPeer(browser, CAROL);
    expect(peer?.fingerprint).toBe(expectedFpr);

    // Compose to Carol: encryption is possible and recommended as available.
    const composer = await openCompose(page);
    await composer.locator('#to').fill(CAROL);
    const recommendation = composer.locator('[data-testid="recommendation"]');
    await expect
      .poll(() => recommendation.getAttribute('data-recommendation'))
      .toBe('available');
    const toggle = composer.locator('[data-testid="encrypt-toggle"]');
    expect(await toggle.isEnabled()).toBe(true);
    await toggle.check();
    await composer.locator('#subject').fill('Hello Carol');
    const secret = `Meet at the usual place, token ${Date.now()}`;
    await composer.locator('#body').fill(secret);
    await sendAndWait(page, composer);

    // What left for Carol's domain is PGP/MIME with our Autocrypt header.
    const out = (await webmail.outbound()).find((m) => m.recipients.includes(CAROL));
    expect(out).toBeDefined();
    const raw = out!.raw.toString('utf8');
    expect(raw).toMatch(
      /^Content-Type: multipart\/encrypted;[^]*protocol="application\/pgp-encrypted"/im,
    );
    expect(raw).toMatch(/^Autocrypt: addr=alice@ecosmail\.test;/im);
    expect(raw).not.toContain(secret);

    // Carol's own secret key (from the corpus) decrypts it.
    const armored = /-----BEGIN PGP MESSAGE-----[^]*?-----END PGP MESSAGE-----/.exec(
      raw,
    )?.[0];
    expect(armored).toBeDefined();
    const passphrase = /Passphrase "+([^"]+)"+/.exec(
      provenance(CAROL_SECRET).expected_outcome ?? '',
    )?.[1];
    const carolKey = await openpgp.decryptKey({
      privateKey: await openpgp.readPrivateKey({
        armoredKey: corpusFile(CAROL_SECRET).toString(),
      }),
      passphrase: passphrase ?? '',
    });
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored! }),
      decryptionKeys: carolKey,
    });
    expect(String(data)).toContain(secret);
  });
});
