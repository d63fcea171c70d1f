import fc from 'fast-check';
import { provinceByCitizenIdCode, resolveAgencyCode } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { citizenIdProvinces } from '../generated/reference.js';
import { lookupTopLevelBody } from './agency-reference.js';
import { lookupFromResolution } from './top-level-body.js';

function live(top: string, day: string) {
  try {
    return lookupFromResolution(top, resolveAgencyCode(`000.00.00.${top}`, day));
  } catch {
    return null;
  }
}

describe('the tabulated reference data', () => {
  it('answers what @dvc-kit/spec answers, for any top-level code on any day', () => {
    const top = fc
      .tuple(fc.constantFrom(...'ABCDEFGHIJK'), fc.integer({ min: 0, max: 99 }))
      .map(([l, n]) => `${l}${String(n).padStart(2, '0')}`);
    const day = fc
      .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.oneof(top, fc.constantFrom('H22', 'H56', 'H26', 'G09', 'G12')), fc.oneof(day, fc.constantFrom('2025-02-28', '2025-03-01', '2025-06-30', '2025-07-01', '2026-04-30')), (t, d) => {
        expect(lookupTopLevelBody(t, d)).toEqual(live(t, d));
      }),
      { numRuns: 10_000 },
    );
  });

  it('has every birth-province prefix the spec knows', () => {
    for (let n = 0; n < 1000; n++) {
      const prefix = String(n).padStart(3, '0');
      const p = provinceByCitizenIdCode(prefix);
      expect(citizenIdProvinces[prefix] ?? null).toEqual(p ? { code: p.code, name: p.name } : null);
    }
    expect(Object.keys(citizenIdProvinces)).toHaveLength(63);
  });
});
