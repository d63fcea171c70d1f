import { describe, expect, it } from 'vitest';
import { invalidDossierRecord, realisticDossierRecord } from '../bench/fixtures.js';
import { validate } from './validate.js';

describe('bench fixtures', () => {
  it('the realistic record is valid and the invalid one fails in the intended places', () => {
    expect(validate('DossierRecord', realisticDossierRecord())).toEqual({ ok: true });
    const r = validate('DossierRecord', invalidDossierRecord());
    expect(!r.ok && r.errors.map((e) => `${e.pointer} ${e.code}`).sort()).toEqual([
      '/dossier/NgayHenTra DATE_NOT_REAL',
      '/dossier/SoDienThoai NOT_CANONICAL',
      '/dossier/TenTTHC REQUIRED',
      '/dossier/TrangThaiHoSo ENUM',
      '/history/2/ThoiDiemXuLy DATETIME_FORMAT',
    ]);
  });
});
