/**
 * Driving the reference EcosMail webmail page in Firefox the way a user
 * does, and reaching our frames inside it. The same steps as the Chromium
 * helpers in `test/e2e/webmail-page.ts`, in puppeteer's terms.
 */
import type { Frame, Page } from 'puppeteer-core';
import type { Webmail } from '../../webmail/server';
import { realUrl, waitFor } from './firefox';

/** Signs in to the webmail as `addr` and waits for the inbox. */
export async function signIn(page: Page, webmail: Webmail, addr: string): Promise<void> {
  await page.goto(webmail.url);
  await page.waitForSelector('[data-testid="login-account"]');
  await page.select('[data-testid="login-account"]', addr);
  await page.click('[data-testid="login-submit"]');
  await page.waitForSelector(`html[data-ecosmail-account="${addr}"]`);
}

/** Shows one message of a folder. */
export async function openMessage(page: Page, folder: string, id: string): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/#/message/${folder}/${id}`);
  await page.waitForSelector(`[data-ecosmail-message][data-message-id="${id}"]`);
}

/**
 * Our frame of that kind in the page, once it is mounted and loaded. It is
 * checked to really be our extension page (its `location.href`), since the
 * driver reports moz-extension frames as `about:blank`.
 */
export async function extensionFrame(
  page: Page,
  kind: 'reader' | 'composer',
  origin: string,
): Promise<Frame> {
  const element = await page.waitForSelector(`iframe[data-ecosmail-frame="${kind}"]`, {
    timeout: 20_000,
  });
  return waitFor(`our ${kind} frame`, async () => {
    const frame = await element?.contentFrame();
    if (!frame) return undefined;
    const url = await realUrl(frame);
    return url.startsWith(`${origin}/${kind}.html#`) ? frame : undefined;
  });
}

/** Opens a new compose view and returns our composer frame in it. */
export async function openCompose(page: Page, origin: string): Promise<Frame> {
  await page.goto(`${new URL(page.url()).origin}/#/compose`);
  return extensionFrame(page, 'composer', origin);
}

/** An attribute of the first element matching `selector` in `frame`. */
export async function attribute(
  frame: Frame,
  selector: string,
  name: string,
): Promise<string | null> {
  const el = await frame.waitForSelector(selector);
  return (await el?.evaluate((e, n) => e.getAttribute(n), name)) ?? null;
}

/**
 * The text of the first element matching `selector`, or '' if there is none
 * (yet, or any more: a frame the page removed is detached).
 */
export async function textOf(frame: Frame | Page, selector: string): Promise<string> {
  try {
    return await frame.$eval(selector, (e) => e.textContent ?? '');
  } catch {
    return '';
  }
}

/**
 * Presses Send in our composer and waits until the webmail took the
 * message and says "Sent". An error shown by the composer fails with its
 * text.
 */
export async function sendAndWait(
  page: Page,
  composer: Frame,
  confirm?: () => Promise<void>,
): Promise<void> {
  await composer.click('[data-testid="send"]');
  // Firefox: the click is confirmed in our popup window (see test/firefox/popup.ts).
  await confirm?.();
  await waitFor(
    'the webmail to say "Sent"',
    async () => {
      const error = await textOf(composer, '[data-testid="error"]');
      if (error) throw new Error(`composer: ${error}`);
      return (await textOf(page, '[data-testid="flash"]')).includes('Sent')
        ? true
        : undefined;
    },
    30_000,
  );
}
