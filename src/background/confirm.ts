/**
 * Confirmations outside the page (attack suite EX-03). When our frame cannot tell
 * that it was visible when clicked (the page made it transparent or covered it,
 * or the browser has no IntersectionObserver v2, as Firefox), the frame asks the
 * user again in our own popup window, which the page cannot draw over; the
 * action goes ahead only on "Confirm" there. The popup's own requests land here.
 */
import { ProtocolError } from '../messaging/errors';
import type { PromptView } from '../messaging/protocol';
import { parseMail } from '../mime/parse';
import { base64ToBytes } from '../util/base64';
import { str } from './check';
import { redeemTicket, type Handler, type Services } from './context';
import { recipientsOf } from './composing';
import { unlockOwnKey } from './own-key';

async function ask(services: Services, prompt: PromptView): Promise<boolean> {
  if (!services.prompts) throw new ProtocolError('internal', 'no popup window here');
  return services.prompts.ask(prompt);
}

export const readerConfirm: Handler<'reader.confirm'> = async (
  payload,
  caller,
  services,
) => {
  const ticket = await redeemTicket(services, payload, 'reader', caller);
  const mail = await parseMail(base64ToBytes(ticket.raw));
  const from = mail.from?.addr ?? '';
  const confirmed = await ask(services, {
    kind: 'confirm-decrypt',
    from,
    subject: mail.subject,
  });
  return { confirmed };
};

export const composerConfirm: Handler<'composer.confirm'> = async (
  payload,
  caller,
  services,
) => {
  await redeemTicket(services, payload, 'composer', caller);
  if (payload.action === 'restore') {
    return { confirmed: await ask(services, { kind: 'confirm-restore' }) };
  }
  const recipients = recipientsOf(payload.to, payload.cc);
  const confirmed = await ask(services, {
    kind: 'confirm-send',
    recipients,
    encrypt: payload.encrypt === true,
  });
  return { confirmed };
};

/** The question of the popup's `#id`. */
function promptOf(services: Services, id: unknown): PromptView {
  const prompt = services.prompts?.get(str(id, 'id', 100));
  if (!prompt) {
    throw new ProtocolError('unknown-prompt', 'this question is no longer open');
  }
  return prompt;
}

export const promptDescribe: Handler<'prompt.describe'> = async (payload, _c, services) =>
  promptOf(services, payload.id);

/** A wrong passphrase leaves the popup open for another try. */
export const promptUnlock: Handler<'prompt.unlock'> = async (payload, _c, services) => {
  if (promptOf(services, payload.id).kind !== 'unlock') {
    throw new ProtocolError('bad-request', 'this question asks no passphrase');
  }
  await unlockOwnKey(services, payload.passphrase);
  await services.prompts!.settle(payload.id, true);
  return { unlocked: true };
};

export const promptAnswer: Handler<'prompt.answer'> = async (payload, _c, services) => {
  const prompt = promptOf(services, payload.id);
  // Cancelling an unlock is an answer too; agreeing to one needs the passphrase.
  const agreed = prompt.kind !== 'unlock' && payload.agreed === true;
  await services.prompts!.settle(payload.id, agreed);
  return { done: true };
};
