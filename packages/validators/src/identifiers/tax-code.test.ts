import { describe, expect, it } from 'vitest';
import { parseTaxCode, taxCodeCheckDigit } from './tax-code.js';

describe('parseTaxCode', () => {
  it('names the parent and the branch', () => {
    expect(parseTaxCode('0100109106-042')).toEqual({
      ok: true,
      value: { code: '0100109106-042', parent: '0100109106', branch: '042' },
    });
    expect(parseTaxCode('0300588569')).toEqual({
      ok: true,
      value: { code: '0300588569', parent: '0300588569', branch: null },
    });
  });

  it('computes the check digit by the weights 31, 29, 23, 19, 17, 13, 7, 5, 3', () => {
    expect(taxCodeCheckDigit('010010910')).toBe(6);
    expect(taxCodeCheckDigit('030058856')).toBe(9);
    expect(taxCodeCheckDigit('871506362')).toBeNull();
  });

  it('explains a wrong check digit without echoing the code in clear', () => {
    const r = parseTaxCode('0100109107');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'TAX_CODE_CHECK_DIGIT', pointer: '', expected: 'check digit 6' });
    expect(r.error.message.vi).toContain('chữ số kiểm tra');
    expect(r.error.message.en).toContain('check digit');
    expect(r.error.received).toBe('"010*****07"');
    expect(JSON.stringify(r.error)).not.toContain('0100109107');
  });
});
