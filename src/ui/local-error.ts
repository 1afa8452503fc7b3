import { CodedError } from '../util/coded-error';

/** Errors a page or frame finds by itself, before asking the background. */
export type LocalErrorCode = 'not-visible' | 'key-file-too-large';

/** An error raised in our UI; `ErrorLine` shows its translated text. */
export class LocalError extends CodedError<LocalErrorCode> {
  override readonly name = 'LocalError';

  constructor(code: LocalErrorCode) {
    super(code, code);
  }
}
