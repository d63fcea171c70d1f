import { describe, expect, it } from 'vitest';
import { schemaExamples } from './documents.js';
import type { Dossier } from './types.js';

describe('schemaExamples', () => {
  it('returns fresh copies of a component schema examples', () => {
    const [a] = schemaExamples<Dossier>('national-portal', 'Dossier');
    const [b] = schemaExamples<Dossier>('national-portal', 'Dossier');
    expect(a?.MaHoSo).toMatch(/^000\.00\.06\.H56-\d{6}-\d{4}$/);
    a!.MaHoSo = 'changed';
    expect(b!.MaHoSo).not.toBe('changed');
  });

  it('throws a RangeError for a schema the document does not have', () => {
    expect(() => schemaExamples('agency-system', 'NoSuchSchema')).toThrow(RangeError);
  });
});
