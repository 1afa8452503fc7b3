/**
 * `messages.opened`: a page that shows many messages at once (an inbox scan, a
 * Gmail thread) reports them in one runtime message instead of one each. Every
 * message goes through `message.opened` unchanged, so the checks, the Autocrypt
 * update and the tickets are the same; the keyring batches their peer writes.
 */
import { ProtocolError } from '../messaging/errors';
import { MAX_RAW_MAIL_BYTES } from '../messaging/raw-limit';
import type { Requests } from '../messaging/protocol';
import type { Handler } from './context';
import { messageOpened } from './reading';

/** Messages in one request at most. */
export const MAX_BATCH_MESSAGES = 200;

type Result = Requests['messages.opened']['response']['results'][number];

/** The answer for one message that failed: its code, as a lone request would get. */
function failure(error: unknown): Result {
  const code = (error as { code?: unknown })?.code;
  return {
    error: {
      code: typeof code === 'string' ? code : 'internal',
      message: error instanceof Error ? error.message : String(error),
    },
  };
}

export const messagesOpened: Handler<'messages.opened'> = async (
  payload,
  caller,
  services,
) => {
  const list: unknown = payload.messages;
  if (!Array.isArray(list) || list.length > MAX_BATCH_MESSAGES) {
    throw new ProtocolError(
      'bad-request',
      `messages: an array of at most ${MAX_BATCH_MESSAGES} messages`,
    );
  }

  // All of them together may not exceed what one message may be.
  const chars = list.reduce<number>(
    (sum, m) => sum + (typeof m?.raw === 'string' ? m.raw.length : 0),
    0,
  );
  if (chars > Math.ceil((MAX_RAW_MAIL_BYTES * 4) / 3) + 4) {
    throw new ProtocolError('bad-request', 'messages: too large together');
  }

  const results = await Promise.all(
    list.map((message: unknown): Promise<Result> => {
      if (typeof message !== 'object' || message === null) {
        return Promise.resolve(
          failure(new ProtocolError('bad-request', 'not a message')),
        );
      }
      return messageOpened(
        message as Requests['message.opened']['request'],
        caller,
        services,
      ).catch(failure);
    }),
  );
  return { results };
};
