import { CodedError } from '../util/coded-error';

/** Codes of the errors the background answers with. */
export type ProtocolErrorCode =
  | 'forbidden-sender'
  | 'bad-request'
  | 'no-account'
  | 'no-compose-slot'
  | 'no-setup-message'
  | 'account-exists'
  | 'unknown-ticket'
  | 'wrong-tab'
  | 'no-recipients'
  | 'cannot-encrypt'
  | 'submit-failed'
  | 'wrong-account'
  | 'not-authorised'
  | 'rate-limited'
  | 'key-file-too-large'
  | 'no-matching-uid'
  | 'nothing-chosen'
  | 'locked'
  | 'weak-passphrase'
  | 'unknown-prompt'
  | 'no-draft'
  | 'internal';

/**
 * An error the background reports to the asking side. Its message is meant
 * for people; it never carries key material or plaintext.
 */
export class ProtocolError extends CodedError<ProtocolErrorCode> {
  override readonly name = 'ProtocolError';
}
