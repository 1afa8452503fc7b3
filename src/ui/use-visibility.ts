import { useCallback, useEffect, useRef } from 'preact/hooks';
import { guardVisibility, type VisibilityGuard } from './visibility-guard';

/**
 * Guards whichever element gets the returned ref (a callback ref, so an
 * element that appears later is guarded too); the returned function tells
 * whether that element is truly visible right now.
 */
export function useVisibility(): [(el: Element | null) => void, () => Promise<boolean>] {
  const guard = useRef<VisibilityGuard | null>(null);

  const ref = useCallback((el: Element | null) => {
    guard.current?.stop();
    guard.current = el ? guardVisibility(el) : null;
  }, []);
  useEffect(() => () => guard.current?.stop(), []);

  return [ref, async () => (await guard.current?.isVisible()) ?? false];
}
