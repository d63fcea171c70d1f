import { describe, expect, it } from 'vitest';
import { dossierAgency, ownsAgency } from './agency-scope.js';

describe('ownsAgency', () => {
  it('lets a province system own its units and nothing of another province', () => {
    expect(ownsAgency('000.00.00.H56', '000.00.06.H56')).toBe(true);
    expect(ownsAgency('000.00.00.H56', '000.17.22.H56')).toBe(true);
    expect(ownsAgency('000.00.00.H56', '000.00.06.H22')).toBe(false);
  });
  it('limits a unit system to its own branch', () => {
    expect(ownsAgency('000.00.06.H56', '000.00.06.H56')).toBe(true);
    expect(ownsAgency('000.00.06.H56', '000.01.06.H56')).toBe(true);
    expect(ownsAgency('000.00.06.H56', '000.00.07.H56')).toBe(false);
    expect(ownsAgency('000.00.06.H56', '000.00.00.H56')).toBe(false);
  });
  it('refuses malformed codes', () => {
    expect(ownsAgency('H56', '000.00.06.H56')).toBe(false);
    expect(ownsAgency('000.00.00.H56', 'x')).toBe(false);
  });
  it('reads the agency of a dossier code', () => {
    expect(dossierAgency('000.00.06.H56-231027-0361')).toBe('000.00.06.H56');
  });
});
