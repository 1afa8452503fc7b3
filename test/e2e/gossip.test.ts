/**
 * E2E: Autocrypt gossip between real browsers. Alice knows Bob (an EcosMail user)
 * and Dana (another provider, her key from her own client's header). Alice writes
 * to both, encrypted: her message carries each recipient's key inside the
 * encryption, and when Bob reads it his extension learns Dana's key as gossip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, setUpAccount, type ExtensionBrowser } from './browser';
import { listPeers, waitForPeer } from './peers';
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
import { buildOutgoing } from '../../src/mail/outgoing';
import { generateKeyPair, minimalPublicKey } from '../../src/openpgp/gateway';
import type { Webmail } from '../../webmail/server';

const ALICE = 'alice@ecosmail.test';
const BOB = 'bob@ecosmail.test';
const DANA = 'dana@peer.example';
// Waits on the extension's background work: generous, since CI machines are shared.
const SLOW = { timeout: 20_000 };

describe('E2E: gossip', () => {
  let webmail: Webmail;
  let alice: ExtensionBrowser;
  let bob: ExtensionBrowser;

  beforeAll(async () => {
    webmail = await startTestWebmail();
    alice = await launchWithExtension();
    bob = await launchWithExtension();
    await setUpAccount(alice, ALICE, 'Alice');
    await setUpAccount(bob, BOB, 'Bob');
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await webmail?.stop();
  });

  it('gossips each recipient key inside the encryption to the others', async () => {
    // Dana's client writes to Alice with its Autocrypt header, over SMTP.
    const dana = await generateKeyPair({ addr: DANA });
    const danaMail = await buildOutgoing(
      {
        addr: DANA,
        privateKeyArmored: dana.privateKeyArmored,
        keydata: await minimalPublicKey(dana.privateKeyArmored, DANA),
        prefer_encrypt: 'mutual',
      },
      { to: [ALICE], cc: [], subject: 'Hi from Dana', text: 'Hello Alice\n' },
      null,
    );
    await webmail.deliver(danaMail, { from: DANA, to: [ALICE] });

    // Bob writes to Alice in the clear, with his header.
    const bobPage = await bob.context.newPage();
    await signIn(bobPage, webmail, BOB);
    const hello = await openCompose(bobPage);
    await hello.locator('#to').fill(ALICE);
    await hello.locator('#subject').fill('Hello');
    await hello.locator('#body').fill('Hi Alice');
    await sendAndWait(bobPage, hello);

    const alicePage = await alice.context.newPage();
    await signIn(alicePage, webmail, ALICE);
    // Opened one at a time, each until its sender is learned, oldest (Dana) first.
    await waitForMail(webmail, ALICE, 2);
    const [fromDana, fromBob] = await webmail.mailbox(ALICE, 'inbox');
    await openMessage(alicePage, 'inbox', fromDana!.id);
    expect((await waitForPeer(alice, DANA))?.fingerprint).toBe(dana.fingerprint);
    await openMessage(alicePage, 'inbox', fromBob!.id);
    expect(await waitForPeer(alice, BOB)).toBeDefined();

    // Alice writes to both; both keys are known, so the message is encrypted.
    const group = await openCompose(alicePage);
    await group.locator('#to').fill(`${BOB}, ${DANA}`);
    await expect
      .poll(() => group.locator('[data-testid="encrypt-toggle"]').isChecked(), SLOW)
      .toBe(true);
    await group.locator('#subject').fill('Meet Dana');
    await group.locator('#body').fill('Bob, meet Dana.');
    await sendAndWait(alicePage, group);

    const toBob = await waitForMail(webmail, BOB, 1);
    const raw = toBob.raw.toString();
    expect(raw).toMatch(/^Content-Type: multipart\/encrypted/im);
    expect(raw).not.toMatch(/^Autocrypt-Gossip:/im);

    // Bob reads it; his extension learns Dana's key from the gossip, as gossip only.
    await openMessage(bobPage, 'inbox', toBob.id);
    const reader = await frame(bobPage, 'reader');
    await clickDecrypt(reader);
    await expect
      .poll(() => reader.locator('[data-testid="plaintext"]').textContent(), SLOW)
      .toContain('Bob, meet Dana.');

    const danaRow = await waitForPeer(bob, DANA);
    expect(danaRow?.fingerprint).toContain(dana.fingerprint);
    expect(danaRow?.fingerprint).toMatch(/\(.+\)$/); // marked gossip-only
    // Gossip about Bob himself is not stored as a peer.
    expect((await listPeers(bob)).map((p) => p.addr)).not.toContain(BOB);
  });
});
