/**
 * The attack-suite tally printed by `npm test`: how many rows of
 * `../shared/docs/attack-suite.md` have a passing test. A row passes when at least
 * one test whose title starts with its ID passed, none failed and none says
 * `(partial: …)` (those rows are listed apart); a row whose only
 * tests are skipped notes (`n/a: …`) is counted as not applicable, never as passed.
 */

/** Every row ID of the attack suite, in the document's order (70 rows). */
export const ATTACK_ROWS: readonly string[] = [
  ...range('EF', 13),
  ...range('SG', 15),
  ...range('RO', 5),
  ...range('AC', 12),
  ...range('HP', 3),
  ...range('AU', 5),
  ...range('EX', 8),
  ...range('MV', 9),
];

function range(prefix: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`,
  );
}

/** One test result as vitest's JSON report gives it. */
export interface AssertionResult {
  title: string;
  status: string;
}

/** The tally, row by row. */
export interface AttackSummary {
  passed: string[];
  /** Tests pass but one of them says `(partial: …)`: part of the row is not done. */
  partial: string[];
  failed: string[];
  notApplicable: string[];
  untested: string[];
}

/** Sorts the rows by the results of the tests named after them. */
export function summarise(results: AssertionResult[]): AttackSummary {
  const summary: AttackSummary = {
    passed: [],
    partial: [],
    failed: [],
    notApplicable: [],
    untested: [],
  };

  for (const row of ATTACK_ROWS) {
    const mine = results.filter((r) => new RegExp(`^${row}\\b`).test(r.title));
    if (mine.some((r) => r.status === 'failed')) summary.failed.push(row);
    else if (mine.some((r) => r.title.includes('(partial'))) summary.partial.push(row);
    else if (mine.some((r) => r.status === 'passed')) summary.passed.push(row);
    else if (mine.length > 0) summary.notApplicable.push(row);
    else summary.untested.push(row);
  }

  return summary;
}

/** The lines `npm test` prints. */
export function summaryLines(summary: AttackSummary): string[] {
  const total = ATTACK_ROWS.length;
  const list = (rows: string[]) => (rows.length ? rows.join(' ') : '-');
  return [
    `attack suite: ${summary.passed.length} rows passed / ${total} total`,
    `  partly covered (not counted as passed): ${list(summary.partial)}`,
    `  failed: ${list(summary.failed)}`,
    `  not applicable (skipped with a note): ${list(summary.notApplicable)}`,
    `  no test yet: ${list(summary.untested)}`,
  ];
}
