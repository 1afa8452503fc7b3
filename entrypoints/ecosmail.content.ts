import browser, { type Runtime } from 'webextension-polyfill';
import {
  askSendStatus,
  saveDraftToPage,
  scanPage,
  submitToPage,
} from '../src/webmail/ecosmail/page';
import {
  CHANNEL,
  type PageSaveDraft,
  type PageSendStatus,
  type PageSubmit,
} from '../src/messaging/protocol';

/** Scans are batched: a page re-render fires many mutations at once. */
const SCAN_DELAY_MS = 50;

export default defineContentScript({
  // The reference EcosMail webmail runs on loopback; EcosMail's production
  // origin joins this list when it implements the page contract.
  matches: ['http://127.0.0.1/*', 'http://localhost/*'],
  runAt: 'document_idle',

  main(ctx) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(scanPage, SCAN_DELAY_MS);
    };

    const observer = new MutationObserver(schedule);
    observer.observe(document.documentElement, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-ecosmail-contract', 'data-message-id', 'data-compose-id'],
    });
    ctx.onInvalidated(() => observer.disconnect());
    scanPage();

    browser.runtime.onMessage.addListener(
      (message: unknown, sender: Runtime.MessageSender) => {
        // Only our background hands messages over for submission.
        if (sender.id !== browser.runtime.id || sender.tab) return;
        const msg = message as Partial<PageSubmit | PageSendStatus | PageSaveDraft>;
        if (msg?.channel !== CHANNEL || !msg.payload) return;
        if (msg.name === 'page.submit') return submitToPage(msg.payload);
        if (msg.name === 'page.sendStatus') return askSendStatus(msg.payload.messageId);
        if (msg.name === 'page.saveDraft') return saveDraftToPage(msg.payload);
        return;
      },
    );
  },
});
