/**
 * Questions the user answers in our own popup window (`unlock.html`), never in
 * the webmail page: the passphrase (attack suite EX-02) and the confirmation of
 * a click our frame could not see as visible (EX-03). The page can draw over
 * our frames, but not over a separate browser window of the extension, and the
 * popup page is not web-accessible, so no page can frame or open it.
 *
 * A question lives in the background's memory while its window is open: if the
 * background is stopped meanwhile, the frame's request fails and the frame goes
 * back to its locked state; the popup then says the question is gone.
 */
import type { PromptView } from '../messaging/protocol';

/** Opens and closes our popup windows; the browser's `windows` API in the extension. */
export interface PopupWindows {
  /** Opens `url` (an extension page) in a popup window; returns the window id. */
  open(url: string): Promise<number>;
  close(windowId: number): Promise<void>;
  /** Brings an open popup to the front. */
  focus(windowId: number): Promise<void>;
  /** Calls `listener` whenever a window is closed, by the user or by us. */
  onClosed(listener: (windowId: number) => void): void;
}

/** Asks questions in popup windows and hands back the answers. */
export interface PromptWindows {
  /**
   * Opens our popup with `prompt`. Resolves true once the user agreed there (for
   * an unlock: the key is unlocked), false when they cancelled or closed it.
   */
  ask(prompt: PromptView): Promise<boolean>;
  /** The question a popup shows, or undefined when it is gone. */
  get(id: string): PromptView | undefined;
  /** The popup's answer; closes its window. */
  settle(id: string, agreed: boolean): Promise<void>;
}

interface Pending {
  prompt: PromptView;
  windowId: number | null;
  answer: Promise<boolean>;
  resolve: (agreed: boolean) => void;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** {@link PromptWindows} over popup windows of `pageUrl` (`#<id>` appended). */
export class WindowPrompts implements PromptWindows {
  private readonly windows: PopupWindows;
  private readonly pageUrl: string;
  private readonly pending = new Map<string, Pending>();

  constructor(windows: PopupWindows, pageUrl: string) {
    this.windows = windows;
    this.pageUrl = pageUrl;
    windows.onClosed((windowId) => {
      for (const [id, p] of this.pending)
        if (p.windowId === windowId) this.end(id, false);
    });
  }

  async ask(prompt: PromptView): Promise<boolean> {
    // Two frames asking to unlock at once share one window and one answer.
    if (prompt.kind === 'unlock') {
      const open = [...this.pending.values()].find((p) => p.prompt.kind === 'unlock');
      if (open) {
        if (open.windowId !== null) await this.windows.focus(open.windowId);
        return open.answer;
      }
    }

    const id = randomId();
    let resolve!: (agreed: boolean) => void;
    const answer = new Promise<boolean>((r) => (resolve = r));
    const pending: Pending = { prompt, windowId: null, answer, resolve };
    this.pending.set(id, pending);

    try {
      pending.windowId = await this.windows.open(`${this.pageUrl}#${id}`);
    } catch (err) {
      this.pending.delete(id);
      throw err;
    }
    return answer;
  }

  get(id: string): PromptView | undefined {
    return this.pending.get(id)?.prompt;
  }

  async settle(id: string, agreed: boolean): Promise<void> {
    const windowId = this.pending.get(id)?.windowId ?? null;
    this.end(id, agreed);
    if (windowId !== null) await this.windows.close(windowId).catch(() => {});
  }

  private end(id: string, agreed: boolean): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.resolve(agreed);
  }
}
