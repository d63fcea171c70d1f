import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { MUTANTS, readMutant } from './mutants.js';

describe('mutants', () => {
  it('lists at least fifteen documented defects', () => {
    expect(Object.keys(MUTANTS).length).toBeGreaterThanOrEqual(15);
    for (const text of Object.values(MUTANTS)) expect(text.length).toBeGreaterThan(20);
  });

  it('is off by default and turns on exactly one behaviour', () => {
    expect(readMutant({}).name).toBeUndefined();
    expect(readMutant({ DVC_MUTANT: '' }).is('late-sync')).toBe(false);
    const m = readMutant({ DVC_MUTANT: 'late-sync' });
    expect(m.is('late-sync')).toBe(true);
    expect(Object.keys(MUTANTS).filter((n) => m.is(n as keyof typeof MUTANTS))).toEqual(['late-sync']);
  });

  it('refuses an unknown name with a typed error', () => {
    expect(() => readMutant({ DVC_MUTANT: 'no-such-thing' })).toThrow(ConfigError);
    try {
      readMutant({ DVC_MUTANT: 'no-such-thing' });
    } catch (e) {
      expect((e as ConfigError).code).toBe('AGENCY_CONFIG_INVALID');
      expect((e as ConfigError).variable).toBe('DVC_MUTANT');
    }
  });
});
