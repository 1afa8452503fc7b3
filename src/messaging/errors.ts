/** Codes of the errors the background answers with. */
export type ProtocolErrorCode =
  | 'forbidden-sender'
  | 'bad-request'
  | 'no-account'
  | 'account-exists'
  | 'unknown-ticket'
  | 'wrong-tab'
  | 'no-recipients'
  | 'cannot-encrypt'
  | 'submit-failed'
  | 'internal';

/**
 * An error the background reports to the asking side. Its message is meant
 * for people; it never carries key material or plaintext.
 */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtocolError';
    this.code = code;
  }
}
