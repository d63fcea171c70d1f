import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { addVietnameseFormats, formatChecks, isNamedFormat, namedFormats } from './formats.js';

describe('named formats', () => {
  it('covers every format name the spec uses', () => {
    expect(Object.keys(namedFormats).sort()).toEqual([
      'vn-agency-code',
      'vn-citizen-id',
      'vn-dossier-code',
      'vn-legacy-id',
      'vn-phone',
      'vn-portal-date',
      'vn-portal-datetime',
      'vn-procedure-code',
      'vn-tax-code',
    ]);
    expect(Object.keys(formatChecks).sort()).toEqual(Object.keys(namedFormats).sort());
    expect(isNamedFormat('vn-tax-code')).toBe(true);
    expect(isNamedFormat('__proto__')).toBe(false);
  });

  it('registers on ajv so schemas use them by name', () => {
    const ajv = addVietnameseFormats(new Ajv2020({ strict: true }));
    const validate = ajv.compile({
      type: 'object',
      properties: {
        MaSoThue: { type: 'string', format: 'vn-tax-code' },
        MaHoSo: { type: 'string', format: 'vn-dossier-code' },
        NgayTiepNhan: { type: 'string', format: 'vn-portal-datetime' },
      },
    });
    expect(validate({ MaSoThue: '0100109106', MaHoSo: '000.00.06.H56-231027-0361', NgayTiepNhan: '20231027083000' })).toBe(true);
    expect(validate({ MaSoThue: '0100109107' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'format', instancePath: '/MaSoThue' });
    expect(validate({ NgayTiepNhan: '20230229083000' })).toBe(false);
  });
});
