import browser, { type Runtime } from 'webextension-polyfill';
import { dismissComposer, insertArmor, scanGmail } from '../src/webmail/gmail/page';
import { CHANNEL, type GmailDismiss, type GmailInsert } from '../src/messaging/protocol';

/** Gmail re-renders in bursts; one scan after the burst settles. */
const SCAN_DELAY_MS = 250;

/** The slow sweep: a safety net for changes the observer batches away. */
const SWEEP_MS = 3_000;

export default defineContentScript({
  matches: ['https://mail.google.com/*'],
  runAt: 'document_idle',

  main(ctx) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(scanGmail, SCAN_DELAY_MS);
    };

    const observer = new MutationObserver(schedule);
    observer.observe(document.body ?? document.documentElement, {
      subtree: true,
      childList: true,
    });
    ctx.onInvalidated(() => {
      observer.disconnect();
      clearTimeout(timer);
    });
    ctx.setInterval(scanGmail, SWEEP_MS);
    scanGmail();

    browser.runtime.onMessage.addListener(
      (message: unknown, sender: Runtime.MessageSender) => {
        // Only our background hands armor over.
        if (sender.id !== browser.runtime.id || sender.tab) return;
        const msg = message as Partial<GmailInsert | GmailDismiss>;
        if (msg?.channel !== CHANNEL || !msg.payload) return;
        if (msg.name === 'gmail.insert')
          return Promise.resolve(insertArmor(msg.payload as GmailInsert['payload']));
        if (msg.name === 'gmail.dismiss')
          return Promise.resolve(dismissComposer(msg.payload));
      },
    );
  },
});
