/**
 * A small prefixed logger. It describes what happened, never message content: mail
 * bodies and subjects stay out of logs.
 */

/** Where the webmail reports what it does and what went wrong. */
export interface Logger {
  info(message: string): void;
  warn(message: string, err?: unknown): void;
  error(message: string, err?: unknown): void;
}

/**
 * Logs to the console with a `[webmail]` prefix. Warnings and errors always show;
 * `verbose` adds the info lines (the CLI turns it on, tests leave it off).
 */
export function consoleLogger(verbose = false): Logger {
  return {
    info: (message) => {
      if (verbose) console.log(`[webmail] ${message}`);
    },
    warn: (message, err) => console.warn(`[webmail] ${message}`, describe(err)),
    error: (message, err) => console.error(`[webmail] ${message}`, describe(err)),
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? '' : String(err);
}
