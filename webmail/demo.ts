/**
 * `npm start`: the main job. Builds the extension, starts the reference
 * EcosMail webmail with its two seeded accounts, and opens Chromium with the
 * extension loaded. A demo correspondent outside EcosMail (Dana, at
 * peer.example, played by this script with the product's own core) writes
 * to Alice with an Autocrypt header, so the whole loop can be seen: key
 * learned, encrypted reply, encrypted answer read in our frame.
 *
 * With a display the browser stays open for you to use; without one (or
 * with --headless) the same steps run headless and a screenshot of each is
 * saved under var/screenshots/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright';
import { startWebmail, type Webmail } from './server.ts';
import { launchWithExtension, type ExtensionBrowser } from '../test/e2e/browser.ts';
import {
  decryptAndWait,
  frame,
  openCompose,
  openMessage,
  sendAndWait,
  signIn,
} from '../test/e2e/webmail-page.ts';
import { generateKeyPair, minimalPublicKey } from '../src/openpgp/gateway.ts';
import { buildOutgoing, type OutgoingAccount } from '../src/mail/outgoing.ts';
import { decryptMail, ingestMessage } from '../src/mail/incoming.ts';
import { base64ToBytes } from '../src/util/base64.ts';

const ALICE = 'alice@ecosmail.test';
const DANA = 'dana@peer.example';
const DATA_DIR = resolve('var/demo');
const SHOTS = resolve('var/screenshots');

const headless = process.argv.includes('--headless') || !process.env.DISPLAY;

function step(text: string): void {
  console.log(`• ${text}`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/**
 * Alice's first run: the setup page filled in, then what it shows once her key
 * is made. The same steps as the tests' `setUpAccount`, with a picture of each.
 */
async function setUpAlice(browser: ExtensionBrowser): Promise<string> {
  const setup = await browser.openExtensionPage('setup.html');
  await setup.fill('#addr', ALICE);
  await setup.fill('#name', 'Alice');
  await shot(setup, '01-setup');

  await setup.click('[data-testid="create-key"]');
  const fingerprint = await setup
    .locator('[data-testid="own-fingerprint"]')
    .textContent({ timeout: 30_000 });
  await shot(setup, '02-setup-done');
  await setup.close();
  return (fingerprint ?? '').trim();
}

/** Starts the webmail on the usual ports, or on free ones if those are taken. */
async function startOnFreePorts(): Promise<Webmail> {
  try {
    return await startWebmail({ dataDir: DATA_DIR, httpPort: 8080, smtpPort: 2525 });
  } catch {
    return startWebmail({ dataDir: DATA_DIR, httpPort: 0, smtpPort: 0 });
  }
}

/** Dana, a correspondent on another provider, with a key of her own. */
async function makeDana(): Promise<OutgoingAccount> {
  const key = await generateKeyPair({ addr: DANA, name: 'Dana' });
  return {
    addr: DANA,
    name: 'Dana',
    privateKeyArmored: key.privateKeyArmored,
    keydata: await minimalPublicKey(key.privateKeyArmored, DANA),
    prefer_encrypt: 'mutual',
  };
}

/** Dana reads Alice's encrypted mail and answers it, encrypted, to Alice. */
async function danaAnswers(webmail: Webmail, dana: OutgoingAccount): Promise<void> {
  const out = (await webmail.outbound()).find((m) => m.recipients.includes(DANA));
  if (!out) throw new Error('no mail for Dana left the webmail');

  const learned = await ingestMessage(out.raw, async () => undefined, Date.now());
  const aliceKey = learned.peer?.public_key;
  if (!aliceKey) throw new Error("Alice's mail carried no usable Autocrypt header");

  const read = await decryptMail(out.raw, dana.privateKeyArmored, [
    base64ToBytes(aliceKey),
  ]);
  step(
    `Dana decrypted Alice's mail (signature: ${read.signature.status}): "${read.text.trim()}"`,
  );

  const answer = await buildOutgoing(
    dana,
    {
      to: [ALICE],
      cc: [],
      subject: 'Re: Hello from Dana',
      text: 'Thursday works. — Dana',
    },
    [base64ToBytes(aliceKey)],
  );
  await webmail.deliver(answer, { from: DANA, to: [ALICE] });
}

async function main(): Promise<void> {
  step('building the extension');
  const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the extension build failed');

  rmSync(DATA_DIR, { recursive: true, force: true });
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });

  const webmail = await startOnFreePorts();
  step(`reference webmail at ${webmail.url} (SMTP 127.0.0.1:${webmail.smtpPort})`);

  const dana = await makeDana();
  writeFileSync(`${DATA_DIR}/dana-secret.asc`, dana.privateKeyArmored);
  const hello = await buildOutgoing(
    dana,
    {
      to: [ALICE],
      cc: [],
      subject: 'Hello from Dana',
      text: 'Hi Alice, coffee next week?',
    },
    null,
  );
  await webmail.deliver(hello, { from: DANA, to: [ALICE] });
  step(`${DANA} wrote to ${ALICE} with her Autocrypt header`);

  const browser = await launchWithExtension({ headless });
  const stop = async () => {
    await browser.close().catch(() => undefined);
    await webmail.stop();
  };

  try {
    const fingerprint = await setUpAlice(browser);
    step(`Alice's key created in the extension: ${fingerprint}`);

    const page = await browser.context.newPage();
    await signIn(page, webmail, ALICE);
    await shot(page, '03-inbox');

    const [fromDana] = await webmail.mailbox(ALICE, 'inbox');
    await openMessage(page, 'inbox', fromDana!.id);
    await shot(page, '04-message-from-dana');

    const options = await browser.openExtensionPage('options.html');
    const danaRow = options.locator(`[data-testid="peer-row"][data-addr="${DANA}"]`);
    await danaRow.waitFor();
    // The contacts table sits below the key and backup sections: show it.
    await danaRow.scrollIntoViewIfNeeded();
    await shot(options, '05-contacts');
    await options.close();
    step("the extension learned Dana's key from her header");

    const composer = await openCompose(page, { folder: 'inbox', id: fromDana!.id });
    await composer.locator('[data-recommendation="encrypt"]').first().waitFor();
    await composer.locator('#body').fill('Coffee on Thursday? — Alice');
    await shot(page, '06-compose-encrypted');
    await sendAndWait(page, composer);
    step('Alice replied, encrypted (both sides prefer mutual)');

    // The webmail's "Sent" notice overlaps our reader frame's area; our frame
    // refuses clicks while anything of the page's covers it, so let it go.
    await page.locator('[data-testid="flash"]').waitFor({ state: 'hidden' });
    await danaAnswers(webmail, dana);
    const inbox = await webmail.mailbox(ALICE, 'inbox');
    await openMessage(page, 'inbox', inbox[inbox.length - 1]!.id);
    const reader = await frame(page, 'reader');
    await decryptAndWait(reader);
    await shot(page, '07-decrypted-in-frame');
    step("Dana's encrypted answer was decrypted in the extension's frame");

    if (headless) {
      step(`screenshots of each step: ${SHOTS}`);
      await stop();
      return;
    }
    step(`browser open on ${webmail.url}; sign in as ${ALICE} or bob@ecosmail.test`);
    step('press Ctrl-C to stop');
    const onSignal = () => void stop().then(() => process.exit(0));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    browser.context.once('close', () => void webmail.stop().then(() => process.exit(0)));
  } catch (err) {
    // What the last page showed is the quickest clue to what went wrong.
    const last = browser.context.pages().at(-1);
    await last?.screenshot({ path: `${SHOTS}/failed.png` }).catch(() => undefined);
    await stop();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
