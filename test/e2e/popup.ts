/** Reaching our popup window (unlock.html): the passphrase and confirmations. */
import type { Page } from 'playwright';
import type { ExtensionBrowser } from './browser';

/** Runs `action` and returns the popup window of ours it opened. */
export async function popupFrom(
  browser: ExtensionBrowser,
  action: () => Promise<void>,
): Promise<Page> {
  const opened = browser.context.waitForEvent('page', { timeout: 20_000 });
  await action();
  const popup = await opened;
  await popup.waitForURL(/\/unlock\.html#/);
  return popup;
}

/**
 * Clicks a button of our popup that closes it (Confirm, Cancel, Unlock with the
 * right passphrase) and waits until the window is gone. The window may close
 * before the click returns, so the wait starts first.
 */
export async function clickAndClose(popup: Page, testId: string): Promise<void> {
  const closed = popup.waitForEvent('close', { timeout: 20_000 });
  await popup.click(`[data-testid="${testId}"]`).catch((err: unknown) => {
    if (!popup.isClosed()) throw err;
  });
  await closed;
}
