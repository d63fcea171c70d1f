import { describe, expect, it } from 'vitest';
import { EXPECTED_MS } from './durations.js';
import { allChecks } from './index.js';
import { runOrder } from '../runner.js';

describe('expected check durations', () => {
  it('name checks that exist (a renamed check would silently lose its place at the front)', () => {
    const ids = new Set(allChecks.map((c) => c.id));
    expect(Object.keys(EXPECTED_MS).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('put the pause-sensitive checks first, then the pausing ones, then the measured slowest of the others', () => {
    const order = runOrder(allChecks).parallel.map((i) => allChecks[i]!);
    const sensitive = order.filter((c) => c.pauseSensitive).length;
    const pausing = order.filter((c) => c.pausesSystem).length;
    expect(sensitive).toBeGreaterThan(0);
    expect(order.slice(0, sensitive).every((c) => c.pauseSensitive)).toBe(true);
    expect(order.slice(sensitive, sensitive + pausing).every((c) => c.pausesSystem)).toBe(true);
    const others = new Set(order.slice(sensitive + pausing).map((c) => c.id));
    const slowest = Object.entries(EXPECTED_MS).filter(([id]) => others.has(id)).sort((a, b) => b[1] - a[1])[0]![0];
    expect(order[sensitive + pausing]!.id).toBe(slowest);
  });
});
