/**
 * The asking side of the protocol, for extension pages, frames and content
 * scripts. Turns an error answer back into a typed exception.
 */
import browser from 'webextension-polyfill';
import {
  CHANNEL,
  type Answer,
  type Envelope,
  type RequestName,
  type Requests,
} from './protocol';

/** An error answered by the background, with its code. */
export class RequestError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

/** Sends one request to the background and returns its answer's value. */
export async function request<N extends RequestName>(
  name: N,
  payload: Requests[N]['request'],
): Promise<Requests[N]['response']> {
  const envelope: Envelope<N> = { channel: CHANNEL, name, payload };
  const answer = (await browser.runtime.sendMessage(envelope)) as
    Answer<Requests[N]['response']> | undefined;

  if (!answer) throw new RequestError('no-answer', 'the extension did not answer');
  if (!answer.ok) throw new RequestError(answer.error.code, answer.error.message);
  return answer.value;
}
