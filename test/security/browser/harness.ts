/**
 * What the browser-level attack tests share: a user with a key, mail encrypted to
 * that user and delivered over the webmail's real SMTP, and a guard that routes
 * every request of the browser context and records the ones that are not fixture
 * traffic.
 */
import * as openpgp from 'openpgp';
import type { BrowserContext, Page } from 'playwright';
import type { ExtensionBrowser } from '../../e2e/browser';
import type { Webmail } from '../../../webmail/server';

/** The part of the `chrome` global the tests read inside the worker. */
export interface ChromeStorage {
  storage: {
    local: { get(key: string | null): Promise<Record<string, unknown>> };
    session: { get(key: string | null): Promise<Record<string, unknown>> };
  };
}

/** The user's public key as the extension stored it (read by the test only). */
export async function ownPublicKey(browser: ExtensionBrowser): Promise<string> {
  const stored = await browser.worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as { chrome: ChromeStorage };
    const { account } = await chrome.storage.local.get('account');
    return (account as { publicKeyArmored?: string } | undefined)?.publicKeyArmored;
  });
  if (!stored) throw new Error('no account in the extension yet');
  return stored;
}

/** A MIME entity (headers + body, CRLF) encrypted to `publicKey`, armored. */
export async function encryptEntity(entity: string, publicKey: string): Promise<string> {
  return openpgp.encrypt({
    message: await openpgp.createMessage({ binary: new TextEncoder().encode(entity) }),
    encryptionKeys: await openpgp.readKey({ armoredKey: publicKey }),
    format: 'armored',
  });
}

/** The two parts of an RFC 3156 multipart/encrypted body around `armored`. */
export function pgpMimeBody(armored: string, boundary: string): string {
  return [
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    '',
    armored.trimEnd(),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** A whole PGP/MIME message from `from` to `to` with the given inner entity. */
export async function pgpMimeMail(opts: {
  from: string;
  to: string;
  subject: string;
  entity: string;
  publicKey: string;
}): Promise<string> {
  const armored = await encryptEntity(opts.entity, opts.publicKey);
  return [
    `From: ${opts.from}`,
    `To: ${opts.to}`,
    `Subject: ${opts.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@attack.test>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";',
    ' boundary="enc"',
    '',
    pgpMimeBody(armored, 'enc'),
  ].join('\r\n');
}

/** Delivers `raw` to `to` over SMTP and returns the stored message id. */
export async function deliverTo(webmail: Webmail, raw: string, from: string, to: string) {
  const before = (await webmail.mailbox(to, 'inbox')).length;
  await webmail.deliver(raw, { from, to: [to] });
  const inbox = await webmail.mailbox(to, 'inbox');
  if (inbox.length !== before + 1) throw new Error('the webmail did not store the mail');
  return inbox[inbox.length - 1]!.id;
}

/** Requests of the context, as the guard saw them. */
export interface NetworkGuard {
  /** Every URL that was not fixture traffic (each was aborted). */
  foreign: string[];
  /** Requests whose URL contains `marker`. */
  seen(marker: string): string[];
}

/**
 * Routes every request of `context`: the webmail's own origin goes through; anything
 * else is recorded and aborted, so no request ever reaches the network.
 */
export async function guardNetwork(
  context: BrowserContext,
  allowedOrigins: string[],
): Promise<NetworkGuard> {
  const foreign: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (allowedOrigins.some((origin) => url.startsWith(`${origin}/`))) {
      await route.continue();
      return;
    }
    foreign.push(url);
    await route.abort('blockedbyclient');
  });
  return { foreign, seen: (marker) => foreign.filter((url) => url.includes(marker)) };
}

/** Waits `ms`: time for lazy loads, fonts and media to try their requests. */
export function settle(ms = 1500): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Stops every service worker of the browser over CDP, from an extension page
 * (toolchain.md: `ServiceWorker.stopAllWorkers`). The next runtime message wakes a
 * fresh worker with empty memory.
 */
export async function stopWorkers(browser: ExtensionBrowser, from?: Page): Promise<void> {
  const page = from ?? (await browser.openExtensionPage('options.html'));
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
  if (!from) await page.close();
}

/** Everything in one storage area of the extension, read from an extension page. */
export async function dumpStorage(
  browser: ExtensionBrowser,
  area: 'local' | 'session',
): Promise<Record<string, unknown>> {
  const page = await browser.openExtensionPage('options.html');
  const all = await page.evaluate(async (which) => {
    const { chrome } = globalThis as unknown as { chrome: ChromeStorage };
    return chrome.storage[which].get(null);
  }, area);
  await page.close();
  return all;
}

/** A plain mail from `from` carrying an Autocrypt header with a fresh key. */
export async function autocryptMail(from: string, to: string): Promise<string> {
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email: from }],
    format: 'object',
  });
  const keydata = Buffer.from(publicKey.write()).toString('base64');
  const folded = keydata.replace(/.{1,72}/g, ' $&\r\n').trimEnd();
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: hello from ${from}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@peer.test>`,
    `Autocrypt: addr=${from}; prefer-encrypt=mutual; keydata=`,
    folded,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello.',
    '',
  ].join('\r\n');
}
