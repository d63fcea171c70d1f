import type { Dossier, DossierStatus } from '@dvc-kit/spec';
import { validate } from '@dvc-kit/validators';
import { describe, expect, it } from 'vitest';
import type { StoredDossier } from './dossier-store.js';
import { computeStatistics } from './statistics.js';

function dossier(code: string, status: DossierStatus, fields: Partial<Dossier>, endedAt: string | null = null): StoredDossier {
  return {
    code,
    nationalRef: code,
    status,
    ownerIds: [],
    awaiting: null,
    paid: false,
    nextStepAt: null,
    endedAt,
    dossier: { MaHoSo: code, MaTTHC: '1.001612', TenTTHC: 'x', KenhThucHien: '2', ChuHoSo: 'x', LoaiDoiTuong: '1', NgayTiepNhan: '20250701080000', NgayHenTra: '20250704170000', TrangThaiHoSo: status, ...fields },
  };
}

describe('computeStatistics', () => {
  const period = { kind: 'month' as const, from: '2025-07-01', to: '2025-07-31' };
  const dossiers = [
    dossier('A-0001', '10', { NgayKetThucXuLy: '20250703100000' }), // on time
    dossier('A-0002', '9', { NgayKetThucXuLy: '20250710100000' }), // late
    dossier('A-0003', '4', { KenhThucHien: '1' }), // in progress, in person
    dossier('A-0004', '7', {}, '20250702090000'), // withdrawn
    dossier('A-0005', '4', { NgayTiepNhan: '20250620080000', MaTTHC: '2.000720.000.00.00.H56' }), // carried over
    dossier('A-0006', '10', { NgayTiepNhan: '20250601080000', NgayKetThucXuLy: '20250605080000' }), // finished before: out
    dossier('A-0007', '4', { NgayTiepNhan: '20250801080000' }), // after: out
  ];

  it('counts received = carried over + new, and received = handled + in progress + withdrawn + returned', () => {
    const r = computeStatistics(dossiers, '000.00.00.H56', period);
    expect(validate('StatisticsReport', r).ok).toBe(true);
    expect(r.totals).toEqual({ received: 5, online: 4, onTime: 1, late: 1, inProgress: 2, onlineRate: 0.8 });
    const p = Object.fromEntries(r.procedures.map((x) => [x.MaTTHC, x]));
    expect(p['1.001612']).toMatchObject({ received: 4, carriedOver: 0, onTime: 1, late: 1, inProgress: 1, withdrawn: 1 });
    expect(p['2.000720']).toMatchObject({ received: 1, carriedOver: 1, inProgress: 1 });
  });

  it('answers zeros for an empty period', () => {
    const r = computeStatistics([], '000.00.00.H56', period);
    expect(r.totals).toEqual({ received: 0, online: 0, onTime: 0, late: 0, inProgress: 0, onlineRate: 0 });
    expect(r.procedures).toEqual([]);
  });
});
