/**
 * Reports opened messages to the background, several per runtime message: a
 * page that shows many at once (an inbox scan, a thread) would otherwise pay a
 * round trip through the browser process for each. Messages reported in the
 * same turn of the event loop go together in one `messages.opened`; a large
 * one goes alone, as `message.opened`.
 */
import { request, RequestError } from '../messaging/client';
import type { Requests } from '../messaging/protocol';

type Opened = Requests['message.opened']['response'];

/** Raw mail (base64 characters) above which a message is sent on its own. */
const ALONE_ABOVE_CHARS = 256 * 1024;

/** Messages per request at most (the background takes up to 200). */
const PER_REQUEST = 100;

interface Waiting {
  messageId: string;
  raw: string;
  /** The webmail filed it as spam (page contract). */
  spam: boolean;
  resolve(answer: Opened): void;
  reject(error: unknown): void;
}

let waiting: Waiting[] = [];

/** Reports one opened message; resolves with what `message.opened` answers. */
export function reportOpened(
  messageId: string,
  raw: string,
  spam = false,
): Promise<Opened> {
  if (raw.length > ALONE_ABOVE_CHARS)
    return request('message.opened', { messageId, raw, spam });

  return new Promise((resolve, reject) => {
    waiting.push({ messageId, raw, spam, resolve, reject });
    if (waiting.length === 1) setTimeout(sendWaiting, 0);
  });
}

function sendWaiting(): void {
  const all = waiting;
  waiting = [];
  for (let at = 0; at < all.length; at += PER_REQUEST) {
    void sendTogether(all.slice(at, at + PER_REQUEST));
  }
}

async function sendTogether(batch: Waiting[]): Promise<void> {
  try {
    const { results } = await request('messages.opened', {
      messages: batch.map(({ messageId, raw, spam }) => ({ messageId, raw, spam })),
    });
    batch.forEach((entry, i) => {
      const result = results[i];
      if (!result)
        entry.reject(new RequestError('no-answer', 'no answer for this message'));
      else if ('error' in result)
        entry.reject(new RequestError(result.error.code, result.error.message));
      else entry.resolve(result);
    });
  } catch (error) {
    for (const entry of batch) entry.reject(error);
  }
}
