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
  isVisible(): boolean;
  stop(): void;
}

/**
 * Starts tracking `element`. Where the browser cannot track visibility the
 * guard answers true.
 */
export function guardVisibility(element: Element): VisibilityGuard {
  if (!canTrackVisibility()) {
    // TODO(2026-12-04): Firefox has no IntersectionObserver v2, so a frame
    // made transparent by the page is not detected there; a confirmation
    // step outside the page would close that gap.
    return { isVisible: () => true, stop: () => undefined };
  }

  let visible = false;
  const observer = new IntersectionObserver(
    (entries) => {
      const last = entries[entries.length - 1] as IntersectionObserverEntry & {
        isVisible?: boolean;
      };
      if (last) visible = last.isVisible === true;
    },
    // `delay` is required with trackVisibility; 100 ms is its minimum.
    { threshold: [1], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(element);
  return { isVisible: () => visible, stop: () => observer.disconnect() };
}
