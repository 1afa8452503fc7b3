/**
 * Deciding who sent a runtime message. Only our own extension can reach the
 * background (no `externally_connectable`), but within it a content script
 * runs beside a page we do not trust, so the background tells the places
 * apart by the sender's URL and frame rather than by anything in the payload.
 */
import type { SenderKind } from './protocol';

/** The parts of `runtime.MessageSender` the check reads. */
export interface SenderInfo {
  id?: string;
  url?: string;
  frameId?: number;
  tab?: { id?: number };
}

/** Extension pages and the kind each one is. */
const PAGES: Record<string, SenderKind> = {
  '/reader.html': 'reader',
  '/composer.html': 'composer',
  '/setup.html': 'setup',
  '/options.html': 'options',
  '/viewer.html': 'viewer',
  '/unlock.html': 'unlock',
};

/**
 * Classifies a sender, or returns null when it is none of ours.
 *
 * @param extensionId - `runtime.id`
 * @param extensionOrigin - origin of the extension's pages, e.g.
 *   `chrome-extension://abc…` (no trailing slash)
 */
export function classifySender(
  sender: SenderInfo,
  extensionId: string,
  extensionOrigin: string,
): SenderKind | null {
  if (sender.id !== extensionId || !sender.url) return null;

  // Compared as text: `URL.origin` is "null" for extension schemes in some
  // engines, which would make every extension page look alike.
  if (sender.url.startsWith(`${extensionOrigin}/`)) {
    return PAGES[new URL(sender.url).pathname] ?? null;
  }

  // A content script: it runs in a web page's top frame of a tab. Frames
  // deeper in a page never host our content script.
  const inTopFrame = sender.frameId === 0 && typeof sender.tab?.id === 'number';
  return inTopFrame ? 'content' : null;
}
