/**
 * A guard against clickjacking. A page can make our frame transparent, cover
 * it with its own decoy, or move it under the pointer: the click still lands
 * in our frame, so "the user clicked in extension UI" proves nothing unless
 * our UI was actually visible. IntersectionObserver v2 (`trackVisibility`)
 * reports whether an element was shown unobscured, at full opacity and
 * untransformed, ancestors in the embedding page included.
 */

/** Whether this browser can tell true visibility (Chromium can, Firefox not yet). */
export function canTrackVisibility(): boolean {
  return (
    typeof IntersectionObserverEntry !== 'undefined' &&
    'isVisible' in IntersectionObserverEntry.prototype
  );
}

/** Tracks whether an element is truly visible; ask with `isVisible()`. */
export interface VisibilityGuard {
  /**
   * Whether the element is truly visible. When the latest observation says
   * no (or none has come yet: right after mounting, or on a busy machine
   * where observations lag behind painting), it waits up to
   * {@link SETTLE_MS} for one that says yes.
   */
  isVisible(): Promise<boolean>;
  stop(): void;
}

/** How long a click waits for the element to be observed visible. */
export const SETTLE_MS = 1500;

/**
 * Starts tracking `element`. Where the browser cannot track visibility the
 * guard answers false: the click is then confirmed in our popup window.
 */
export function guardVisibility(element: Element): VisibilityGuard {
  if (!canTrackVisibility()) {
    // Firefox has no IntersectionObserver v2: a frame the page made
    // transparent cannot be told from a visible one, so every click there
    // is confirmed outside the page (see `src/background/confirm.ts`).
    return { isVisible: async () => false, stop: () => undefined };
  }

  let visible = false;
  let waiters: (() => void)[] = [];

  const observer = new IntersectionObserver(
    (entries) => {
      const last = entries[entries.length - 1] as IntersectionObserverEntry & {
        isVisible?: boolean;
      };
      if (!last) return;
      visible = last.isVisible === true;
      if (visible) for (const wake of waiters.splice(0)) wake();
    },
    // `delay` is required with trackVisibility; 100 ms is its minimum.
    { threshold: [1], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(element);

  // A page that keeps our frame hidden or covered never gets a "yes" here,
  // and the frame asks in our popup window instead.
  // TODO(2026-12-04): one that reveals the frame within SETTLE_MS after the
  // click still gets through without the popup (the user then sees our real
  // UI). Waiting at all is needed because on a loaded machine Chromium
  // reported a visible frame as not visible for a moment.
  const seenVisible = () =>
    new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, SETTLE_MS);
    });

  return {
    async isVisible() {
      if (!visible) await seenVisible();
      return visible;
    },
    stop: () => {
      observer.disconnect();
      waiters = [];
    },
  };
}
