import { describe, expect, it } from 'vitest';
import { DEFAULT_PUBLIC_HOST, PUBLIC_HOST_PATTERN, publicHostFor } from './public-host.js';

describe('publicHostFor', () => {
  it('derives dichvucong.<province>.gov.vn from an H code, without diacritics', () => {
    expect(publicHostFor('000.00.06.H56')).toBe('dichvucong.thanhhoa.gov.vn');
    expect(publicHostFor('000.00.00.H26')).toBe('dichvucong.hanoi.gov.vn');
  });

  it('takes the name from the table where the host differs from the province name', () => {
    expect(publicHostFor('000.00.00.H29')).toBe('dichvucong.hochiminhcity.gov.vn');
    expect(publicHostFor('H06')).toBe('dichvucong.baria-vungtau.gov.vn');
  });

  it('uses the initials of a ministry’s English name for a G code', () => {
    expect(publicHostFor('000.00.00.G01')).toBe('dichvucong.mops.gov.vn');
  });

  it('falls back to the default for codes the reference data does not hold, or malformed ones', () => {
    expect(publicHostFor('000.00.00.K99')).toBe(DEFAULT_PUBLIC_HOST);
    expect(publicHostFor('not a code')).toBe(DEFAULT_PUBLIC_HOST);
  });

  it('every derived host matches the standard’s pattern', () => {
    for (const code of ['H56', 'H26', 'H29', 'H06', 'G01', 'G04']) expect(publicHostFor(code)).toMatch(PUBLIC_HOST_PATTERN);
    expect('dichvucong.thanhhoa.example.com').not.toMatch(PUBLIC_HOST_PATTERN);
  });
});
