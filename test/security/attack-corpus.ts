/**
 * The attack mails of the shared corpus (`../shared/corpus/attacks/`, or
 * `$CORPUS_DIR/attacks`), read at run time and never copied into the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Folder of the attack corpus. */
export const ATTACKS_DIR = process.env.CORPUS_DIR
  ? join(process.env.CORPUS_DIR, 'attacks')
  : resolve('../shared/corpus/attacks');

/** Whether the attack corpus is present; tests that need it skip when it is not. */
export function attacksAvailable(): boolean {
  const present = existsSync(join(ATTACKS_DIR, 'PROVENANCE.md'));
  if (!present) console.warn(`attack corpus missing at ${ATTACKS_DIR}: tests skip`);
  return present;
}

/** One attack file's exact bytes. */
export function attackFile(path: string): Buffer {
  return readFileSync(join(ATTACKS_DIR, path));
}
