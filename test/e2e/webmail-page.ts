/**
 * Driving the reference EcosMail webmail page the way a user does, and
 * reaching our frames inside it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright';
import { startWebmail, type Webmail } from '../../webmail/server';

/** A reference webmail in a fresh temporary folder on random loopback ports. */
export function startTestWebmail(accounts?: string[]): Promise<Webmail> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ecosmail-webmail-'));
  return startWebmail({ dataDir, httpPort: 0, smtpPort: 0, accounts });
}

/** Signs in to the webmail as `addr` and waits for the inbox. */
export async function signIn(page: Page, webmail: Webmail, addr: string): Promise<void> {
  await page.goto(webmail.url);
  await page.selectOption('[data-testid="login-account"]', addr);
  await page.click('[data-testid="login-submit"]');
  await page.waitForSelector(`html[data-ecosmail-account="${addr}"]`);
}

/** Shows one message of a folder. */
export async function openMessage(page: Page, folder: string, id: string): Promise<void> {
  // A user looks at the tab they click in; our frames refuse clicks in a
  // tab that is not shown (the extension may have opened its own tabs).
  await page.bringToFront();
  await page.goto(`${new URL(page.url()).origin}/#/message/${folder}/${id}`);
  await page.waitForSelector(`[data-ecosmail-message][data-message-id="${id}"]`);
}

/** Opens a new compose view and returns our composer frame in it. */
export async function openCompose(page: Page, reply?: { folder: string; id: string }) {
  const origin = new URL(page.url()).origin;
  const route = reply ? `#/reply/${reply.folder}/${reply.id}` : '#/compose';
  await page.bringToFront();
  await page.goto(`${origin}/${route}`);
  return frame(page, 'composer');
}

/** Our frame of that kind in the page, once it is mounted. */
export async function frame(
  page: Page,
  kind: 'reader' | 'composer',
): Promise<FrameLocator> {
  const selector = `iframe[data-ecosmail-frame="${kind}"]`;
  await page.waitForSelector(selector, { timeout: 20_000 });
  return page.frameLocator(selector);
}

/**
 * Opens inbox message `id` in `page`, presses Decrypt in our reader and waits for
 * the decrypted content; returns the reader frame.
 */
export async function openDecrypted(page: Page, id: string): Promise<FrameLocator> {
  await openMessage(page, 'inbox', id);
  const reader = await frame(page, 'reader');
  await reader.locator('[data-testid="decrypt"]').click();
  await reader.locator('[data-testid="decrypted-content"]').waitFor();
  return reader;
}

/** How long a button is on screen before the tests click it. */
const SEEN_MS = 800;

/**
 * Presses Send in our composer and waits until the webmail took the message:
 * the page then leaves the compose view (taking our frame with it) and
 * says "Sent". An error shown by the composer fails with its text.
 */
export async function sendAndWait(page: Page, composer: FrameLocator): Promise<void> {
  await composer.locator('[data-testid="send"]').click();
  const error = composer.locator('[data-testid="error"]');
  const sent = page.locator('[data-testid="flash"]', { hasText: 'Sent' });

  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (await sent.isVisible()) return;
    if (await error.isVisible().catch(() => false)) {
      throw new Error(`composer: ${await error.textContent()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the message was not sent within 30 s');
}

/**
 * Presses Decrypt in our reader frame and returns the plaintext shown; an
 * error shown by the reader fails with its code and text.
 */
export async function decryptAndWait(reader: FrameLocator): Promise<string> {
  await clickDecrypt(reader);
  const plaintext = reader.locator('[data-testid="plaintext"]');
  const error = reader.locator('[data-testid="error"]');
  await plaintext.or(error).first().waitFor({ timeout: 30_000 });
  if (await error.isVisible()) {
    const code = await error.getAttribute('data-code');
    throw new Error(`reader: ${code}: ${await error.textContent()}`);
  }
  return (await plaintext.textContent()) ?? '';
}

/**
 * Presses Decrypt like a person: only once the button has been on screen a
 * moment, since the reader refuses clicks on a frame not yet seen visible.
 */
export async function clickDecrypt(reader: FrameLocator): Promise<void> {
  const button = reader.locator('[data-testid="decrypt"]');
  await button.waitFor();
  await new Promise((r) => setTimeout(r, SEEN_MS));
  await button.click();
}

/** Waits until `addr`'s inbox holds `count` messages and returns the last. */
export async function waitForMail(webmail: Webmail, addr: string, count: number) {
  const until = Date.now() + 10_000;
  for (;;) {
    const inbox = await webmail.mailbox(addr, 'inbox');
    if (inbox.length === count) return inbox[count - 1]!;
    if (Date.now() > until) {
      throw new Error(`${addr} has ${inbox.length} messages, expected ${count}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
