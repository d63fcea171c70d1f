import { describe, expect, it } from 'vitest';
import { parseAgencyCode } from './agency-code.js';

describe('parseAgencyCode', () => {
  it('reads the groups right to left', () => {
    const r = parseAgencyCode('000.17.22.H56');
    expect(r.ok && r.value).toMatchObject({
      groups: ['H56', '22', '17', '000'],
      topLevel: 'H56',
      kind: 'province',
      isProvince: true,
      isMinistry: false,
      level: 3,
    });
  });

  it('gives the level a code names', () => {
    const level = (c: string) => {
      const r = parseAgencyCode(c);
      return r.ok ? r.value.level : r.error.code;
    };
    expect(level('000.00.00.H56')).toBe(1);
    expect(level('000.00.06.H56')).toBe(2);
    expect(level('001.00.06.H56')).toBe(4);
    expect(level('12.000.00.00.H26')).toBe(5);
  });

  it('tells ministries from provinces by the letter', () => {
    const r = parseAgencyCode('000.00.00.G09');
    expect(r.ok && [r.value.kind, r.value.isMinistry, r.value.isProvince]).toEqual(['ministry', true, false]);
    const k = parseAgencyCode('000.00.00.K26');
    expect(k.ok && k.value.kind).toBe('provincial-council');
    const a = parseAgencyCode('000.00.00.B05');
    expect(a.ok && a.value.kind).toBe('other');
  });

  it('does not throw on a bad date option', () => {
    expect(parseAgencyCode('000.00.00.H56', { at: 'not a date' }).ok).toBe(true);
  });

  it('resolves the top-level body against the reference data as of a date', () => {
    const before = parseAgencyCode('000.00.06.H22', { at: '2024-05-01' });
    expect(before.ok && before.value.body).toMatchObject({ code: 'H22', inForce: true });
    const after = parseAgencyCode('000.00.06.H22', { at: '2025-08-01' });
    expect(after.ok && after.value.body).toMatchObject({ code: 'H22', inForce: false, successor: { name: 'Tuyên Quang' } });
    const ministry = parseAgencyCode('000.00.00.G09', { at: '2024-01-01' });
    expect(ministry.ok && ministry.value.body?.name).toMatch(/^Bộ /);
    const council = parseAgencyCode('000.00.00.K26');
    expect(council.ok && council.value.body).toBeNull();
  });
});
