import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgencyCodeError, parseAgencyCode, provincialAgencies, resolveAgencyCode } from './agencies.js';
import { ministries, ministriesAsOf } from './ministries.js';

describe('parseAgencyCode', () => {
  it('reads the groups right to left', () => {
    expect(parseAgencyCode('000.17.22.H56')).toEqual({
      code: '000.17.22.H56',
      top: 'H56',
      letter: 'H',
      levels: ['000', '17', '22'],
      isTopLevel: false,
    });
    expect(parseAgencyCode('000.00.00.G09').isTopLevel).toBe(true);
    expect(parseAgencyCode('H22')).toMatchObject({ top: 'H22', isTopLevel: true });
  });

  it.each(['', 'H5', 'h56', '00.00.00.H56', '000.00.00.56', '000.00.00.H56.', '000.00.00.HH6', 'G09.20'])(
    'throws a typed error for %j',
    (bad) => {
      const err = (() => {
        try {
          parseAgencyCode(bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(AgencyCodeError);
      expect((err as AgencyCodeError).code).toBe('ERR_AGENCY_CODE_INVALID');
    },
  );
});

describe('resolveAgencyCode', () => {
  it('resolves a unit of Thanh Hóa while the 63 provinces are in force', () => {
    const r = resolveAgencyCode('000.00.06.H56', '2023-10-27')!;
    expect(r).toMatchObject({ kind: 'province', top: 'H56', inForce: true, isTopLevel: false });
    expect(r.province?.name).toBe('Thanh Hóa');
    expect(r.agency?.name).toBe('Ủy ban nhân dân tỉnh Thanh Hóa');
    expect(r.successor).toBeUndefined();
  });

  it('resolves an H code after 2025-06-30 through the province successor mapping', () => {
    const haGiang = resolveAgencyCode('000.00.01.H22', '2025-07-01')!;
    expect(haGiang.inForce).toBe(false);
    expect(haGiang.province?.name).toBe('Hà Giang');
    expect(haGiang.successor?.province).toMatchObject({ code: '08', name: 'Tuyên Quang', validFrom: '2025-07-01' });

    // Hà Tĩnh was not merged: the unit in force keeps code 42.
    expect(resolveAgencyCode('H27', '2026-01-01')?.successor?.province).toMatchObject({ code: '42', name: 'Hà Tĩnh' });
    // Hậu Giang went into Cần Thơ.
    expect(resolveAgencyCode('H30', '2026-01-01')?.successor?.province?.name).toBe('Cần Thơ');
  });

  it('uses the boundary day of each reorganisation in Vietnam time', () => {
    expect(resolveAgencyCode('H29', '2025-06-30')?.inForce).toBe(true);
    expect(resolveAgencyCode('H29', new Date('2025-06-30T17:00:00Z'))?.inForce).toBe(false);
  });

  it('resolves a merged ministry to its successor and a continuing one to itself', () => {
    const transport = resolveAgencyCode('000.00.00.G04', '2025-06-01')!;
    expect(transport).toMatchObject({ kind: 'ministry', inForce: false });
    expect(transport.ministry?.name).toBe('Bộ Giao thông vận tải');
    expect(transport.successor?.ministry?.name).toBe('Bộ Xây dựng');

    const construction = resolveAgencyCode('G17', '2025-06-01')!;
    expect(construction).toMatchObject({ inForce: true });
    expect(construction.ministry?.name).toBe('Bộ Xây dựng');
    expect(construction.successor).toBeUndefined();

    expect(resolveAgencyCode('000.00.18.G12', '2024-01-01')).toMatchObject({ kind: 'ministry', isTopLevel: false, inForce: true });
  });

  it('answers undefined for well-formed codes outside the reference data', () => {
    expect(resolveAgencyCode('000.00.00.K56', '2024-01-01')).toBeUndefined();
    expect(resolveAgencyCode('H64', '2024-01-01')).toBeUndefined();
    expect(resolveAgencyCode('G66', '2024-01-01')).toBeUndefined();
  });

  it('throws a typed error for a malformed code', () => {
    expect(() => resolveAgencyCode('H-56')).toThrow(AgencyCodeError);
  });
});

describe('provincialAgencies', () => {
  it('holds H01–H63 once each, frozen', () => {
    expect(provincialAgencies.map((a) => a.top)).toEqual(Array.from({ length: 63 }, (_, i) => `H${String(i + 1).padStart(2, '0')}`));
    expect(Object.isFrozen(provincialAgencies)).toBe(true);
    expect(Object.isFrozen(provincialAgencies[0])).toBe(true);
  });

  it('keeps the codes confirmed by sources', () => {
    const byTop = new Map(provincialAgencies.map((a) => [a.top, a]));
    const confirmed: Record<string, string> = {
      H14: '04', H20: '87', H22: '02', H26: '01', H27: '42', H29: '79', H30: '93', H41: '40', H50: '45', H56: '38',
    };
    for (const [top, provinceCode] of Object.entries(confirmed)) {
      expect(byTop.get(top)?.provinceCode, top).toBe(provinceCode);
      expect(byTop.get(top)?.codeStatus, top).toBe('VERIFIED-secondary');
    }
    expect(provincialAgencies.filter((a) => a.codeStatus === 'GUESS')).toHaveLength(53);
  });
});

describe('resolveAgencyCode over time (property)', () => {
  const days = fc
    .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 11, 31) })
    .map((ms) => new Date(ms).toISOString().slice(0, 10));

  it('resolves every H code on every day, to a province in force on that day once the code has ended', () => {
    fc.assert(
      fc.property(fc.constantFrom(...provincialAgencies.map((a) => a.top)), days, (top, day) => {
        const r = resolveAgencyCode(`000.00.00.${top}`, day)!;
        expect(r.inForce).toBe(day <= '2025-06-30');
        if (!r.inForce) {
          const successor = r.successor?.province;
          expect(successor).toBeDefined();
          expect(successor!.validFrom! <= day && (successor!.validTo === null || day <= successor!.validTo)).toBe(true);
          expect(successor!.mergedFrom).toContain(r.province!.code);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('resolves every G code on every day to a ministry in force then, directly or through its successor', () => {
    const codes = [...new Set(ministries.map((m) => m.code))];
    fc.assert(
      fc.property(fc.constantFrom(...codes), days, (top, day) => {
        const r = resolveAgencyCode(top, day)!;
        const inForceThen = r.inForce ? r.ministry : r.successor?.ministry;
        expect(inForceThen).toBeDefined();
        expect(ministriesAsOf(day)).toContain(inForceThen);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseAgencyCode (property)', () => {
  const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
  const letter = fc.integer({ min: 65, max: 90 }).map((c) => String.fromCharCode(c));

  it('reads back the groups of any well-formed code', () => {
    fc.assert(
      fc.property(digits(3), digits(2), digits(2), letter, digits(2), (a, b, c, x, n) => {
        const parsed = parseAgencyCode(`${a}.${b}.${c}.${x}${n}`);
        expect(parsed.top).toBe(`${x}${n}`);
        expect(parsed.levels).toEqual([a, b, c]);
        expect(parsed.isTopLevel).toBe(a === '000' && b === '00' && c === '00');
      }),
    );
  });
});
