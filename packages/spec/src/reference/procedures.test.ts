import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProcedureCodeError, findProcedure, nationalProcedureCode, procedures, proceduresWhere } from './procedures.js';

describe('nationalProcedureCode', () => {
  it('keeps a national code and drops a local agency suffix', () => {
    expect(nationalProcedureCode('1.000656')).toBe('1.000656');
    expect(nationalProcedureCode('2.000477.000.00.00.H56')).toBe('2.000477');
  });

  it.each(['1.00065', '1.0006566', '01.000656', '1-000656', '2.000477.H56', '2.000477.000.00.00.h56', ' 1.000656'])(
    'throws a typed error for %j',
    (bad) => {
      expect(() => nationalProcedureCode(bad)).toThrow(ProcedureCodeError);
      try {
        nationalProcedureCode(bad);
      } catch (e) {
        expect((e as ProcedureCodeError).code).toBe('ERR_PROCEDURE_CODE_INVALID');
        expect((e as ProcedureCodeError).input).toBe(bad);
      }
    },
  );
});

describe('findProcedure', () => {
  it('finds the real codes named in DOMAIN.md', () => {
    expect(findProcedure('1.000656')?.TenTTHC).toBe('Thủ tục đăng ký khai tử');
    for (const code of ['2.002492', '1.005129', '2.000477']) expect(findProcedure(code)?.status).toBe('VERIFIED');
  });

  it('finds a procedure by its local variant code', () => {
    expect(findProcedure('1.001612.000.00.00.H48')?.TenTTHC).toBe('Đăng ký thành lập hộ kinh doanh');
  });

  it('answers undefined for a well-formed unknown code', () => {
    expect(findProcedure('1.999999')).toBeUndefined();
  });
});

describe('proceduresWhere', () => {
  it('filters on every given field', () => {
    const crossLocalityCommune = proceduresWhere({ agencyLevel: 'commune', allowsCrossLocality: true });
    expect(crossLocalityCommune.length).toBeGreaterThan(0);
    for (const p of crossLocalityCommune) {
      expect(p.agencyLevel).toBe('commune');
      expect(p.allowsCrossLocality).toBe(true);
    }
    expect(proceduresWhere({ ministryCode: 'G01', onlineLevel: 'full' }).map((p) => p.MaTTHC)).toContain('1.004222');
  });

  it('returns everything for an empty filter', () => {
    expect(proceduresWhere({})).toHaveLength(procedures.length);
  });
});

describe('the exported data', () => {
  it('is frozen down to the fees', () => {
    const withFees = procedures.find((p) => p.fees && p.fees.length > 0)!;
    expect(Object.isFrozen(procedures)).toBe(true);
    expect(Object.isFrozen(withFees)).toBe(true);
    expect(Object.isFrozen(withFees.fees)).toBe(true);
    expect(Object.isFrozen(withFees.fees![0])).toBe(true);
  });
});

describe('nationalProcedureCode (property)', () => {
  it('reduces any local variant to its national code', () => {
    const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
    fc.assert(
      fc.property(digits(1), digits(6), digits(3), digits(2), digits(2), fc.constantFrom('G', 'H', 'K'), digits(2), (d, six, a, b, c, x, n) => {
        const national = `${d}.${six}`;
        expect(nationalProcedureCode(national)).toBe(national);
        expect(nationalProcedureCode(`${national}.${a}.${b}.${c}.${x}${n}`)).toBe(national);
      }),
    );
  });
});
