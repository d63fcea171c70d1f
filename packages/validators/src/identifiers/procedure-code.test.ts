import { describe, expect, it } from 'vitest';
import { parseProcedureCode } from './procedure-code.js';

describe('parseProcedureCode', () => {
  it('parses a national code', () => {
    expect(parseProcedureCode('1.000656')).toEqual({
      ok: true,
      value: { code: '1.000656', national: '1.000656', agency: null },
    });
  });

  it('splits a local code into the national code and the agency', () => {
    const r = parseProcedureCode('2.000477.000.00.00.H56');
    expect(r.ok && r.value.national).toBe('2.000477');
    expect(r.ok && r.value.agency?.topLevel).toBe('H56');
  });

  it('carries the agency reason into the message', () => {
    const r = parseProcedureCode('2.000477.000.00.00.H99');
    expect(!r.ok && r.error.code).toBe('PROCEDURE_CODE_AGENCY');
    expect(!r.ok && r.error.message.en).toContain('H99 is not a province code');
  });
});
