import { describe, expect, it } from 'vitest';
import { previousMonth } from './monthly-report.js';

describe('previousMonth', () => {
  it('is the calendar month before, in Vietnam time, across years and leap Februaries', () => {
    expect(previousMonth(new Date('2025-07-15T00:00:00Z'))).toEqual({ kind: 'month', from: '2025-06-01', to: '2025-06-30' });
    expect(previousMonth(new Date('2025-01-03T00:00:00Z'))).toEqual({ kind: 'month', from: '2024-12-01', to: '2024-12-31' });
    expect(previousMonth(new Date('2024-03-01T00:00:00Z'))).toEqual({ kind: 'month', from: '2024-02-01', to: '2024-02-29' });
    // 18:00 UTC on 31 March is already 1 April in Vietnam.
    expect(previousMonth(new Date('2025-03-31T18:00:00Z'))).toEqual({ kind: 'month', from: '2025-03-01', to: '2025-03-31' });
  });
});
