import { describe, expect, it } from 'vitest';
import { parseDossierCode } from './dossier-code.js';

describe('parseDossierCode', () => {
  it('splits agency, date and sequence', () => {
    const r = parseDossierCode('000.00.06.H56-231027-0361');
    expect(r.ok && { agency: r.value.agency.code, date: r.value.date, sequence: r.value.sequence }).toEqual({
      agency: '000.00.06.H56',
      date: '2023-10-27',
      sequence: '0361',
    });
  });

  it('allows more than 4 digits when a day passes 9,999', () => {
    const r = parseDossierCode('000.00.06.H56-231027-10000');
    expect(r.ok && r.value.sequence).toBe('10000');
  });

  it('rejects a date that is not in the calendar', () => {
    const r = parseDossierCode('000.00.06.H56-230229-0001');
    expect(!r.ok && r.error).toMatchObject({ code: 'DOSSIER_CODE_DATE', received: '"000.00.06.H56-230229-0001"' });
  });

  it('resolves the agency as of the day the dossier was received', () => {
    const r = parseDossierCode('000.00.01.H22-240105-0001');
    expect(r.ok && r.value.agency.body).toMatchObject({ code: 'H22', inForce: true });
    expect(r.ok && r.value.agency.body?.name).toContain('Hà Giang');
  });
});
