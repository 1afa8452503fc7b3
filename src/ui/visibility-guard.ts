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
   * Whether the element is truly visible now. Right after mounting (or on a
   * busy machine) the first observation may not have arrived yet: then it
   * waits for it, up to {@link FIRST_OBSERVATION_MS}, and says no if none came.
   */
  isVisible(): Promise<boolean>;
  stop(): void;
}

/** How long to wait for the first visibility observation. */
export const FIRST_OBSERVATION_MS = 2000;

/**
 * Starts tracking `element`. Where the browser cannot track visibility the
 * guard answers true.
 */
export function guardVisibility(element: Element): VisibilityGuard {
  if (!canTrackVisibility()) {
    // TODO(2026-12-04): Firefox has no IntersectionObserver v2, so a frame
    // made transparent by the page is not detected there; a confirmation
    // step outside the page would close that gap.
    return { isVisible: async () => true, stop: () => undefined };
  }

  let visible: boolean | null = null;
  let firstSeen: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (firstSeen = resolve));

  const observer = new IntersectionObserver(
    (entries) => {
      const last = entries[entries.length - 1] as IntersectionObserverEntry & {
        isVisible?: boolean;
      };
      if (!last) return;
      visible = last.isVisible === true;
      firstSeen();
    },
    // `delay` is required with trackVisibility; 100 ms is its minimum.
    { threshold: [1], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(element);
  const timeout = () => new Promise<void>((r) => setTimeout(r, FIRST_OBSERVATION_MS));
  return {
    async isVisible() {
      if (visible === null) await Promise.race([first, timeout()]);
      return visible === true;
    },
    stop: () => observer.disconnect(),
  };
}
