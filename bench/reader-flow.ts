/**
 * One open-to-plaintext run on the reference webmail: the message view is
 * shown, our reader frame mounts, the user clicks Decrypt, the plaintext
 * appears in our frame. Every instant is taken inside the browser
 * (`performance.timeOrigin + performance.now()`, comparable across the page
 * and our frame), so the harness's own polling does not count.
 */
import type { Frame, Page } from 'playwright';

/** The instants and long tasks of one run, in ms. */
export interface ReaderRun {
  /**
   * Message view shown → Decrypt button ready (what happens before the user acts);
   * an upper bound, since the harness sees the button by polling.
   */
  viewToReadyMs: number;
  /** The user's click on Decrypt → plaintext painted in our frame. */
  clickToPlaintextMs: number;
  /** The user's click on Decrypt → plaintext in our frame's DOM (before paint). */
  clickToDomMs: number;
  /** Longest main-thread task of the webmail page during the decrypt. */
  pageLongestTaskMs: number;
  /** Longest main-thread task of the webmail page from view shown to button ready. */
  pageLongestTaskBeforeClickMs: number;
  /** Longest main-thread task of our reader frame during the decrypt. */
  frameLongestTaskMs: number;
  /** Whether the frame showed progress (a busy Decrypt button) meanwhile. */
  progressShown: boolean;
  /** The stages the busy button named, in the order seen. */
  stages: string[];
}

declare global {
  interface Window {
    __bench?: {
      shownAt?: number;
      readyAt?: number;
      clickAt?: number;
      plainAt?: number;
      domAt?: number;
      busySeen?: boolean;
      stages?: string[];
      error?: string;
      tasks: { start: number; end: number }[];
    };
  }
}

// Installed in a document: records long tasks and, in the page, when the
// message article appears.
function instrument(articleSelector: string | null): void {
  const now = () => performance.timeOrigin + performance.now();
  const state: NonNullable<Window['__bench']> = { tasks: [] };
  window.__bench = state;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const start = performance.timeOrigin + e.startTime;
      state.tasks.push({ start, end: start + e.duration });
    }
  }).observe({ type: 'longtask', buffered: false });
  if (!articleSelector) return;
  const seen = () => {
    if (!state.shownAt && document.querySelector(articleSelector)) state.shownAt = now();
  };
  new MutationObserver(seen).observe(document.documentElement, {
    subtree: true,
    childList: true,
  });
}

// Installed in our frame once its button is ready: the click instant, a
// busy button (progress) and the first paint after the plaintext arrived.
function watchFrame(): void {
  const state = window.__bench!;
  const now = () => performance.timeOrigin + performance.now();
  document.addEventListener('click', () => (state.clickAt ??= now()), true);
  const check = () => {
    const button = document.querySelector('[data-testid="decrypt"]');
    if (button && (button as HTMLButtonElement).disabled) state.busySeen = true;
    const stage = button?.getAttribute('data-stage');
    state.stages ??= [];
    if (stage && state.stages.at(-1) !== stage) state.stages.push(stage);
    const error = document.querySelector('[data-testid="error"]');
    if (error) state.error = error.textContent ?? 'error';
    if (!state.plainAt && document.querySelector('[data-testid="plaintext"]')) {
      state.domAt = now();
      state.plainAt = -1;
      requestAnimationFrame(() => (state.plainAt = now()));
    }
  };
  new MutationObserver(check).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  });
}

function longestIn(tasks: { start: number; end: number }[], from: number, to: number) {
  return tasks
    .filter((t) => t.end > from && t.start < to)
    .reduce((m, t) => Math.max(m, Math.min(t.end, to) - Math.max(t.start, from)), 0);
}

/**
 * Shows message `id` of the inbox on a signed-in webmail page, clicks Decrypt
 * in our frame and waits for the plaintext.
 *
 * @throws Error with the frame's or the content script's error text when the
 *   extension refuses the message
 */
export async function openToPlaintext(
  page: Page,
  id: string,
  timeoutMs = 180_000,
): Promise<ReaderRun> {
  // A hidden tab gets no animation frames and throttled timers.
  await page.bringToFront();
  const origin = new URL(page.url()).origin;
  await page.goto(`${origin}/#/inbox`);
  await page.waitForSelector('[data-testid="message-row"]');
  const selector = `[data-ecosmail-message][data-message-id="${id}"]`;
  await page.evaluate(instrument, selector);

  // The content script reports failures as console warnings: keep them.
  const warnings: string[] = [];
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.text().includes('[ecosmail-autocrypt]')) warnings.push(m.text());
  };
  page.on('console', onConsole);

  try {
    await page.evaluate((hash) => (location.hash = hash), `#/message/inbox/${id}`);
    const frame = await readerFrame(page, warnings, timeoutMs);
    const button = frame.locator('[data-testid="decrypt"]:not([disabled])');
    await button.waitFor({ timeout: timeoutMs });
    // Seen by polling, so this instant is late by up to one poll (an upper bound).
    await frame.evaluate(instrument, null);
    await frame.evaluate(() => {
      window.__bench!.readyAt = performance.timeOrigin + performance.now();
    });
    await frame.evaluate(watchFrame);

    await button.click();
    await frame.waitForFunction(
      () => (window.__bench!.plainAt ?? 0) > 0 || window.__bench!.error,
      null,
      { timeout: timeoutMs, polling: 100 },
    );

    const inFrame = await frame.evaluate(() => window.__bench!);
    if (inFrame.error) throw new Error(`reader frame: ${inFrame.error}`);
    const inPage = await page.evaluate(() => window.__bench!);
    const from = inFrame.clickAt!;
    const to = inFrame.plainAt!;

    return {
      viewToReadyMs: inFrame.readyAt! - inPage.shownAt!,
      clickToPlaintextMs: to - from,
      clickToDomMs: inFrame.domAt! - from,
      pageLongestTaskMs: longestIn(inPage.tasks, from, to),
      pageLongestTaskBeforeClickMs: longestIn(inPage.tasks, inPage.shownAt!, from),
      frameLongestTaskMs: longestIn(inFrame.tasks, from, to),
      progressShown: inFrame.busySeen === true,
      stages: inFrame.stages ?? [],
    };
  } finally {
    page.off('console', onConsole);
  }
}

async function readerFrame(page: Page, warnings: string[], timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const handle = await page.$('iframe[data-ecosmail-frame="reader"]');
    const frame: Frame | null = handle ? await handle.contentFrame() : null;
    if (frame) return frame;
    if (warnings.length) throw new Error(`content script: ${warnings.join('; ')}`);
    if (Date.now() > until) throw new Error('no reader frame was mounted');
    await new Promise((r) => setTimeout(r, 20));
  }
}
