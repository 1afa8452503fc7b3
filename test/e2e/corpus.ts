/**
 * Access to the shared corpus of real mail (../shared/corpus beside the
 * checkout, or $CORPUS_DIR). A user's clone has none: tests that need it
 * skip with a message saying so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The corpus folder. */
export const CORPUS_DIR = resolve(process.env.CORPUS_DIR ?? '../shared/corpus');

/** Whether the corpus is here; when not, says why tests skip. */
export function corpusAvailable(): boolean {
  const ok = existsSync(join(CORPUS_DIR, 'PROVENANCE.tsv'));
  if (!ok) console.warn(`corpus not found at ${CORPUS_DIR}: corpus tests are skipped`);
  return ok;
}

/** A corpus file's bytes, by its path relative to the corpus folder. */
export function corpusFile(path: string): Buffer {
  return readFileSync(join(CORPUS_DIR, path));
}

/** The PROVENANCE.tsv row of a file, as column → value. */
export function provenance(path: string): Record<string, string> {
  const [head, ...rows] = readFileSync(join(CORPUS_DIR, 'PROVENANCE.tsv'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
  const row = rows.find((r) => r[0] === path);
  if (!head || !row) throw new Error(`${path} is not in PROVENANCE.tsv`);
  return Object.fromEntries(head.map((name, i) => [name, row[i] ?? '']));
}
