import { CodedError } from '../util/coded-error';

/** Errors a page or frame finds by itself, before asking the background. */
export type LocalErrorCode =
  /** The frame could not be seen when clicked (kept for older views). */
  | 'not-visible'
  /** The click was not confirmed in our popup window (cancelled or closed). */
  | 'not-confirmed'
  /** The new passphrase and its repetition differ. */
  | 'passphrase-mismatch'
  /** A chosen key file is over the import limit (checked before reading it). */
  | 'key-file-too-large';

/** An error raised in our UI; `ErrorLine` shows its translated text. */
export class LocalError extends CodedError<LocalErrorCode> {
  override readonly name = 'LocalError';

  constructor(code: LocalErrorCode) {
    super(code, code);
  }
}
