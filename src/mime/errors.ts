/** Errors of the MIME layer (parsing and building messages). */

import { CodedError } from '../util/coded-error';

/** Stable codes for {@link MimeError}. */
export type MimeErrorCode =
  /** The raw message is over the size we parse. */
  | 'too-large'
  /** The parser gave up on the message. */
  | 'unparseable'
  /** An address we will not put into a header. */
  | 'bad-address'
  /** A header value with a line break that is not folding (header injection). */
  | 'bad-header';

/** Raised by `src/mime`; `message` names the problem, never message content. */
export class MimeError extends CodedError<MimeErrorCode> {
  override readonly name = 'MimeError';
}
