/**
 * Message ids: sortable by arrival time, safe as file names and URL path segments.
 *
 * Shape: 13-digit millisecond timestamp, a 4-digit sequence within that millisecond and
 * 6 random hex digits, e.g. `1767225600000-0000-3fa9c1`. A plain string sort is arrival
 * order because every part has a fixed width.
 */
import { randomBytes } from 'node:crypto';

/** Matches exactly the ids {@link newMessageId} produces; routes check ids with it. */
export const MESSAGE_ID_PATTERN = /^\d{13}-\d{4}-[0-9a-f]{6}$/;

let lastMs = 0;
let seq = 0;

/** A new id, later in sort order than every id made before by this process. */
export function newMessageId(now: number = Date.now()): string {
  // The clock can stand still or step back; keep the order by reusing the last time.
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else {
    seq += 1;
  }
  if (seq > 9999) {
    lastMs += 1;
    seq = 0;
  }
  const time = String(lastMs).padStart(13, '0');
  const order = String(seq).padStart(4, '0');
  return `${time}-${order}-${randomBytes(3).toString('hex')}`;
}
