import { describe, expect, it } from 'vitest';
import { memoryArea } from '../../src/keyring/area';
import { OperationLimits } from '../../src/background/limits';

describe('OperationLimits.takeEach', () => {
  it('should count in every scope with one read and one write', async () => {
    const area = memoryArea();
    let reads = 0;
    let writes = 0;
    const counted = {
      ...area,
      get: (keys: Parameters<typeof area.get>[0]) => (reads++, area.get(keys)),
      set: (items: Record<string, unknown>) => (writes++, area.set(items)),
    };
    const limits = new OperationLimits(counted, () => 1000);
    const budget = { perMinute: 5, total: 5 };

    await limits.takeEach([
      ['view:a', budget],
      ['key:k', budget],
    ]);

    expect(area.data.get('limit:view:a')).toMatchObject({ inWindow: 1, total: 1 });
    expect(area.data.get('limit:key:k')).toMatchObject({ inWindow: 1, total: 1 });
    expect({ reads, writes }).toEqual({ reads: 1, writes: 1 });
  });

  it('should count in no scope when one budget is spent', async () => {
    const area = memoryArea();
    const limits = new OperationLimits(area, () => 1000);
    const spent = { perMinute: 1, total: 1 };
    const roomy = { perMinute: 5, total: 5 };
    await limits.take('key:k', spent);

    const taking = limits.takeEach([
      ['view:b', roomy],
      ['key:k', spent],
    ]);

    await expect(taking).rejects.toMatchObject({ code: 'rate-limited' });
    expect(area.data.get('limit:view:b')).toBeUndefined();
    expect(area.data.get('limit:key:k')).toMatchObject({ total: 1 });
  });
});
