/**
 * How far the background is with decrypting a reader ticket's message, for the
 * reader frame to show while it waits: a 25 MiB attachment takes seconds. Kept
 * in memory only: a stage is worth nothing once the worker has stopped, and the
 * frame then gets its answer (or error) anyway.
 */
import type { Handler } from './context';
import { str } from './check';

/** The steps of `reader.decrypt`, in order. */
export type ReaderStage = 'reading' | 'decrypting' | 'showing';

interface Entry {
  tabId: number | undefined;
  stage: ReaderStage;
}

/** Stages by ticket id, each bound to the tab whose frame asked to decrypt. */
export class ReaderProgress {
  private readonly stages = new Map<string, Entry>();

  /** Records that `ticket`'s decryption (asked from `tabId`) reached `stage`. */
  set(ticket: string, tabId: number | undefined, stage: ReaderStage): void {
    this.stages.set(ticket, { tabId, stage });
  }

  /** Forgets `ticket` once its answer is on its way. */
  done(ticket: string): void {
    this.stages.delete(ticket);
  }

  /**
   * The stage of `ticket`, or null when nothing runs for it. Another tab gets
   * null too: the ticket's own tab was checked when the decryption started.
   */
  get(ticket: string, tabId: number | undefined): ReaderStage | null {
    const entry = this.stages.get(ticket);
    return entry && entry.tabId === tabId ? entry.stage : null;
  }
}

/** The worker's one record of reader stages. */
export const readerProgress = new ReaderProgress();

/** `reader.progress`: the frame polls this while its Decrypt button is busy. */
export const readerProgressHandler: Handler<'reader.progress'> = async (
  payload,
  caller,
) => ({ stage: readerProgress.get(str(payload.ticket, 'ticket'), caller.tabId) });
