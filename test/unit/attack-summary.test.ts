import { describe, expect, it } from 'vitest';
import { ATTACK_ROWS, summarise } from '../security/summary';

describe('attack suite summary', () => {
  it('counts a row as passed only when a test named after it passed and none failed', () => {
    const summary = summarise([
      { title: 'EF-01 one', status: 'passed' },
      { title: 'EF-02 one', status: 'passed' },
      { title: 'EF-02 two', status: 'failed' },
      { title: 'EF-03 n/a: reason', status: 'skipped' },
      { title: 'control for EF-04', status: 'passed' },
      { title: 'EF-05 (partial: half) works', status: 'passed' },
      { title: 'EF-100 not a row', status: 'passed' },
    ]);
    expect(summary.passed).toEqual(['EF-01']);
    expect(summary.failed).toEqual(['EF-02']);
    expect(summary.partial).toEqual(['EF-05']);
    expect(summary.notApplicable).toEqual(['EF-03']);
    expect(summary.untested).toContain('EF-04');
    expect(ATTACK_ROWS).toHaveLength(70);
  });
});
