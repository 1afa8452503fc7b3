import browser, { type Runtime } from 'webextension-polyfill';
import { KeyringStore } from '../src/keyring/store';
import { TicketStore } from '../src/background/tickets';
import { OperationLimits } from '../src/background/limits';
import { createRouter } from '../src/background/router';
import { handlers } from '../src/background/handlers';
import type { Services } from '../src/background/context';
import { CHANNEL, type PageSubmit } from '../src/messaging/protocol';
import type { SubmitResult } from '../src/webmail/ecosmail/contract';
import { gmailToken } from '../src/background/gmail-token';
import { UnlockCache } from '../src/keyring/unlock-cache';
import { WindowPrompts, type PopupWindows } from '../src/background/prompts';

/** Our popup windows (unlock and confirmations) through the `windows` API. */
function popupWindows(): PopupWindows {
  return {
    async open(url) {
      const created = await browser.windows.create({
        url,
        type: 'popup',
        width: 460,
        height: 360,
        focused: true,
      });
      return created.id!;
    },
    close: (windowId) => browser.windows.remove(windowId),
    focus: async (windowId) => {
      await browser.windows.update(windowId, { focused: true });
    },
    onClosed: (listener) => browser.windows.onRemoved.addListener(listener),
  };
}

/**
 * Makes storage.local readable by our own pages and worker only. Best effort: the
 * call exists in Chromium, not in Firefox, and nothing in our content scripts
 * reads storage.
 */
function closeLocalStorageToContentScripts(): void {
  const local = (globalThis as { chrome?: { storage?: { local?: unknown } } }).chrome
    ?.storage?.local as
    { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> } | undefined;
  local?.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' }).catch((err: unknown) => {
    console.warn('storage.local stays open to content scripts:', String(err));
  });
}

export default defineBackground(() => {
  const services: Services = {
    keyring: new KeyringStore(browser.storage.local),
    tickets: new TicketStore(browser.storage.session, browser.storage.local),
    limits: new OperationLimits(browser.storage.session, () => Date.now()),
    now: () => Date.now(),
    async submitToPage(tabId, payload) {
      const message: PageSubmit = { channel: CHANNEL, name: 'page.submit', payload };
      // Top frame only: that is where our content script talks to the page.
      const result = await browser.tabs.sendMessage(tabId, message, { frameId: 0 });
      return result as SubmitResult;
    },
    toContent: (tabId, message) =>
      browser.tabs.sendMessage(tabId, message, { frameId: 0 }),
    gmailToken: () => gmailToken(browser.storage.session, Date.now()),
    unlocked: new UnlockCache(browser.storage.session, () => Date.now()),
    prompts: new WindowPrompts(popupWindows(), browser.runtime.getURL('/unlock.html')),
  };

  // Our secret key lives in storage.local, which content scripts may read by
  // default. Chromium lets us close local storage to them as session storage is;
  // Firefox has no such switch yet (bugzilla 1724754), see README "Limits today".
  closeLocalStorageToContentScripts();

  const origin = browser.runtime.getURL('/').replace(/\/$/, '');
  const route = createRouter(handlers, services, { id: browser.runtime.id, origin });

  // Listeners are registered synchronously so a stopped worker that is woken
  // by a message finds them in place.
  browser.runtime.onMessage.addListener(
    (message: unknown, sender: Runtime.MessageSender) => route(message, sender),
  );

  // Raw messages of reader tickets outlive a worker restart but not the
  // browser session, like the tickets themselves.
  browser.runtime.onStartup.addListener(() => services.tickets.clearBulk());

  browser.runtime.onInstalled.addListener(async ({ reason }) => {
    if (reason !== 'install') return;
    if (!(await services.keyring.getAccount())) {
      await browser.tabs.create({ url: browser.runtime.getURL('/setup.html') });
    }
  });
});
