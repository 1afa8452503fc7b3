/**
 * Figures of the bench: a measured value over repeated runs, the baseline it
 * is compared with in the same run, their ratio and the target it should meet.
 */

/** Median, min and max over repeated runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/**
 * A target on the ratio to the baseline, on the value itself, or on the
 * difference from the baseline (value − baseline, medians).
 */
export interface Target {
  on: 'ratio' | 'value' | 'diff';
  op: '<=' | '>=';
  limit: number;
}

/** One line of the table. */
export interface Figure {
  item: string;
  name: string;
  unit: string;
  value: Summary | null;
  baseline?: { name: string; value: Summary };
  /** value.median / baseline.median. */
  ratio?: number;
  target?: Target;
  /** Whether the target is met; undefined without a target or a value. */
  met?: boolean;
  note?: string;
}

/** Summary of a list of runs. */
export function summarise(runs: number[]): Summary {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs };
}

/** Builds a figure, working out its ratio and whether the target is met. */
export function figure(opts: Omit<Figure, 'ratio' | 'met'>): Figure {
  const { value, baseline, target } = opts;
  const ratio =
    value && baseline && baseline.value.median > 0
      ? value.median / baseline.value.median
      : undefined;
  let met: boolean | undefined;
  if (target && value) {
    const diff = baseline ? value.median - baseline.value.median : undefined;
    const x = { ratio, value: value.median, diff }[target.on];
    if (x !== undefined) met = target.op === '<=' ? x <= target.limit : x >= target.limit;
  }
  return { ...opts, ratio, met };
}

function num(x: number): string {
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function targetText(target: Target | undefined, unit: string): string {
  if (!target) return '';
  const op = target.op === '<=' ? '≤' : '≥';
  return target.on === 'ratio'
    ? `${op} ${target.limit}×`
    : `${op} ${target.limit} ${unit}`;
}

/** The figures as a plain-text table, one line each, notes below. */
export function table(figures: Figure[]): string {
  const header = [
    'item',
    'figure',
    'median',
    'min',
    'max',
    'baseline',
    'ratio',
    'target',
  ];
  const rows = figures.map((f) => [
    f.item,
    f.name,
    f.value ? `${num(f.value.median)} ${f.unit}` : 'n/a',
    f.value ? num(f.value.min) : '',
    f.value ? num(f.value.max) : '',
    f.baseline ? `${num(f.baseline.value.median)} ${f.unit} (${f.baseline.name})` : '',
    f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : '',
    f.target ? `${targetText(f.target, f.unit)} ${f.met ? 'met' : 'MISSED'}` : '',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i]!.length)),
  );
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');

  const notes = figures
    .filter((f) => f.note)
    .map((f) => `  [${f.item}] ${f.name}: ${f.note}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)]
    .concat(notes.length ? ['', 'notes:', ...notes] : [])
    .join('\n');
}
