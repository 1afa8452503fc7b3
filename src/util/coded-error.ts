/**
 * The shape every error of the core shares: a stable `code` for programs, a message
 * for people (never key material, passphrases or plaintext) and an optional cause.
 */

/** Base class of the typed errors; subclasses fix `Code` and set `name`. */
export class CodedError<Code extends string> extends Error {
  /** What went wrong, for programs to branch on. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
