/**
 * Dispatches runtime messages to handlers after checking what was sent and
 * who sent it. Unrelated messages are left alone; ours always get an
 * {@link Answer}, so a failing request never leaves the asking side waiting.
 */
import {
  ALLOWED_SENDERS,
  CHANNEL,
  type Answer,
  type RequestName,
  type SenderKind,
} from '../messaging/protocol';
import { ProtocolError } from '../messaging/errors';
import { classifySender, type SenderInfo } from '../messaging/sender';
import type { HandlerTable, Services } from './context';

function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(ALLOWED_SENDERS, name);
}

function toAnswerError(err: unknown): Answer<never> {
  if (err instanceof ProtocolError) {
    return { ok: false, error: { code: err.code, message: err.message } };
  }
  // Errors from the core carry a code too (CryptoError and friends); their
  // messages describe structure, never keys or plaintext.
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    error: { code: typeof code === 'string' ? code : 'internal', message },
  };
}

/** Builds the `runtime.onMessage` listener. */
export function createRouter(
  handlers: HandlerTable,
  services: Services,
  identity: { id: string; origin: string },
) {
  return (message: unknown, sender: SenderInfo): Promise<Answer<unknown>> | undefined => {
    const msg = message as { channel?: unknown; name?: unknown; payload?: unknown };
    if (msg?.channel !== CHANNEL || msg.name === 'page.submit') return undefined;

    return (async (): Promise<Answer<unknown>> => {
      try {
        if (!isRequestName(msg.name)) {
          throw new ProtocolError('bad-request', `unknown request ${String(msg.name)}`);
        }
        const kind = classifySender(sender, identity.id, identity.origin);
        const allowed = ALLOWED_SENDERS[msg.name] as readonly SenderKind[];
        if (!kind || !allowed.includes(kind)) {
          throw new ProtocolError(
            'forbidden-sender',
            `${msg.name} is not allowed from here`,
          );
        }
        if (typeof msg.payload !== 'object' || msg.payload === null) {
          throw new ProtocolError('bad-request', 'payload must be an object');
        }

        const handler = handlers[msg.name] as (
          p: unknown,
          c: { kind: SenderKind; tabId: number | undefined },
          s: Services,
        ) => Promise<unknown>;
        const value = await handler(
          msg.payload,
          { kind, tabId: sender.tab?.id },
          services,
        );
        return { ok: true, value };
      } catch (err) {
        const answer = toAnswerError(err);
        if (!answer.ok && answer.error.code === 'internal') {
          // Name and message only: payloads may hold mail or keys.
          console.error('[ecosmail-autocrypt]', String(msg.name), answer.error.message);
        }
        return answer;
      }
    })();
  };
}
