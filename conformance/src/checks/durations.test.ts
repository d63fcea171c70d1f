import { describe, expect, it } from 'vitest';
import { EXPECTED_MS } from './durations.js';
import { allChecks } from './index.js';
import { runOrder } from '../runner.js';

describe('expected check durations', () => {
  it('name checks that exist (a renamed check would silently lose its place at the front)', () => {
    const ids = new Set(allChecks.map((c) => c.id));
    expect(Object.keys(EXPECTED_MS).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('put the measured slowest check first in the run order', () => {
    const { parallel } = runOrder(allChecks);
    const slowest = Object.entries(EXPECTED_MS).sort((a, b) => b[1] - a[1])[0]![0];
    expect(allChecks[parallel[0]!]!.id).toBe(slowest);
  });
});
