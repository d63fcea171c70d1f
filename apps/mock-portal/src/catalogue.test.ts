import { describe, expect, it } from 'vitest';
import { Catalogue } from './catalogue.js';

describe('Catalogue agencies as of a date (DVC-REF-002)', () => {
  it("resolves a merged province's committee to the committee of the province that absorbed it", () => {
    const c = new Catalogue();
    const haGiang = c.agency('000.00.00.H22', '2025-07-01');
    expect(haGiang).toMatchObject({ code: '000.00.00.H22', provinceCode: '02', validTo: '2025-06-30' });
    const successor = c.agency(haGiang!.successorCode!, '2025-07-01');
    expect(successor).toMatchObject({ provinceCode: '08', name: 'Ủy ban nhân dân tỉnh Tuyên Quang' });
  });

  it('names no successor for a province that kept its code', () => {
    expect(new Catalogue().agency('000.00.00.H56', '2025-07-01')!.successorCode).toBeUndefined();
  });
});
