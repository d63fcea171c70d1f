import { describe, expect, it } from 'vitest';
import { periodProblem } from './reports.js';

describe('periodProblem', () => {
  it('accepts whole months, quarters, half-years and years, leap February included', () => {
    expect(periodProblem({ kind: 'month', from: '2024-02-01', to: '2024-02-29' })).toBeUndefined();
    expect(periodProblem({ kind: 'month', from: '2025-02-01', to: '2025-02-28' })).toBeUndefined();
    expect(periodProblem({ kind: 'quarter', from: '2025-07-01', to: '2025-09-30' })).toBeUndefined();
    expect(periodProblem({ kind: 'half-year', from: '2025-07-01', to: '2025-12-31' })).toBeUndefined();
    expect(periodProblem({ kind: 'year', from: '2025-01-01', to: '2025-12-31' })).toBeUndefined();
  });

  it('names what is wrong with a period that is not one whole reporting period', () => {
    expect(periodProblem({ kind: 'month', from: '2025-02-01', to: '2025-02-29' })).toMatch(/not the last day .*2025-02-28/);
    expect(periodProblem({ kind: 'month', from: '2025-02-02', to: '2025-02-28' })).toMatch(/not the first day/);
    expect(periodProblem({ kind: 'quarter', from: '2025-08-01', to: '2025-10-31' })).toMatch(/does not start a quarter/);
    expect(periodProblem({ kind: 'month', from: '2025-02-01' })).toMatch(/must be dates/);
    expect(periodProblem(undefined)).toMatch(/must be dates/);
    expect(periodProblem({ kind: 'week' as 'month', from: '2025-02-01', to: '2025-02-07' })).toMatch(/not month, quarter/);
  });
});
