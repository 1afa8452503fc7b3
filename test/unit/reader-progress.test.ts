import { describe, expect, it } from 'vitest';
import { ReaderProgress } from '../../src/background/progress';

describe('ReaderProgress', () => {
  it('should tell the stage only to the tab that started the decryption', () => {
    const progress = new ReaderProgress();
    progress.set('t1', 7, 'reading');
    progress.set('t1', 7, 'decrypting');

    expect(progress.get('t1', 7)).toBe('decrypting');
    expect(progress.get('t1', 8)).toBeNull();
    expect(progress.get('t2', 7)).toBeNull();

    progress.done('t1');
    expect(progress.get('t1', 7)).toBeNull();
  });
});
