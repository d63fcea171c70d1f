import { describe, expect, it } from 'vitest';
import { parseCitizenId, parseLegacyId } from './citizen-id.js';

const AT = new Date('2026-11-23T00:00:00Z');

describe('parseCitizenId', () => {
  it('exposes birth province, gender, century and sequence', () => {
    expect(parseCitizenId('038195012345', { at: AT })).toEqual({
      ok: true,
      value: {
        id: '038195012345',
        birthProvince: { citizenIdCode: '038', code: '38', name: 'Thanh Hóa' },
        gender: 'female',
        birthYear: 1995,
        sequence: '012345',
      },
    });
    const r = parseCitizenId('079203000001', { at: AT });
    expect(r.ok && [r.value.gender, r.value.birthYear, r.value.birthProvince.code]).toEqual(['male', 2003, '79']);
  });

  it('judges the birth year against the given day, in Vietnam time', () => {
    // 2026-12-31T17:00Z is already 2027-01-01 in Vietnam.
    expect(parseCitizenId('001227000001', { at: new Date('2026-12-31T16:59:59Z') }).ok).toBe(false);
    expect(parseCitizenId('001227000001', { at: new Date('2026-12-31T17:00:00Z') }).ok).toBe(true);
  });

  it('accepts every one of the 63 birth-province prefixes', async () => {
    const { provincesUntil20250630 } = await import('@dvc-kit/spec');
    for (const p of provincesUntil20250630) {
      const r = parseCitizenId(`${p.citizenIdCode}095000123`, { at: AT });
      expect(r.ok && r.value.birthProvince.name).toBe(p.name);
    }
  });

  it('redacts the ID in errors', () => {
    const r = parseCitizenId('001799000001', { at: AT });
    expect(!r.ok && r.error.code).toBe('CITIZEN_ID_BIRTH_YEAR');
    expect(JSON.stringify(r)).not.toContain('001799000001');
    const f = parseCitizenId('03809500012x');
    expect(!f.ok && f.error.received).toBe('"038*******2x"');
  });
});

describe('parseLegacyId', () => {
  it('accepts 9 digits', () => {
    expect(parseLegacyId('012345678')).toEqual({ ok: true, value: { id: '012345678' } });
    expect(parseLegacyId('01234567').ok).toBe(false);
  });
});
