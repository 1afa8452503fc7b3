/**
 * Our popup window (unlock.html) in Firefox: the passphrase, and the
 * confirmation every click in our frames needs there, since Firefox cannot tell
 * whether the page made our frame transparent (no IntersectionObserver v2).
 */
import type { Page } from 'puppeteer-core';
import { realUrl, waitFor, type FirefoxWithExtension } from './firefox';

/** Generous: a run of two Firefoxes at once (load 15) failed with 20 s waits. */
const POPUP_TIMEOUT_MS = 45_000;

/** The open popup window of ours, once there is one. */
export function ourPopup(firefox: FirefoxWithExtension): Promise<Page> {
  return waitFor(
    'our popup window',
    async () => {
      for (const page of await firefox.browser.pages()) {
        if ((await realUrl(page)).startsWith(`${firefox.origin}/unlock.html#`)) {
          // Wait for its question: the button shows once the background answered.
          if (await page.$('[data-testid="cancel"]')) return page;
        }
      }
      return undefined;
    },
    POPUP_TIMEOUT_MS,
  );
}

/** Clicks `testId` (confirm, cancel, submit) in our popup and waits until it closes. */
export async function answerPopup(popup: Page, testId: string): Promise<void> {
  await popup.click(`[data-testid="${testId}"]`).catch((err: unknown) => {
    if (!popup.isClosed()) throw err;
  });
  await waitFor(
    'our popup window to close',
    async () => (popup.isClosed() || (await realUrl(popup)) === '' ? true : undefined),
    POPUP_TIMEOUT_MS,
  );
}

/** Confirms the click our frame just asked about. */
export async function confirmInPopup(firefox: FirefoxWithExtension): Promise<void> {
  await answerPopup(await ourPopup(firefox), 'confirm');
}
