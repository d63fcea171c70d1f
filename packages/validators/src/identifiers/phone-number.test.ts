import { describe, expect, it } from 'vitest';
import { parsePhoneNumber } from './phone-number.js';

describe('parsePhoneNumber', () => {
  it('normalises mobile numbers to E.164', () => {
    expect(parsePhoneNumber('0912 345 678')).toEqual({
      ok: true,
      value: { e164: '+84912345678', national: '0912345678', kind: 'mobile' },
    });
    expect(parsePhoneNumber('+84912345678').ok && parsePhoneNumber('+84912345678')).toEqual(
      parsePhoneNumber('0912345678'),
    );
  });

  it('knows landlines', () => {
    const r = parsePhoneNumber('024.3825.3536');
    expect(r.ok && r.value).toEqual({ e164: '+842438253536', national: '02438253536', kind: 'landline' });
  });

  it('redacts the number in errors', () => {
    const r = parsePhoneNumber('091234567');
    expect(!r.ok && r.error.received).toBe('"091****67"');
  });
});
