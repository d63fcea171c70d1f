import { procedures as referenceProcedures, type NationalPortal } from '@dvc-kit/spec';

type Procedure = NationalPortal.components['schemas']['Procedure'];

/** A procedure this system receives online, with what its officials need to handle it. */
export interface OfferedProcedure {
  /** National procedure code. */
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  TenLinhVuc: string;
  MucDo: 'full' | 'partial';
  CapThucHien: ('province' | 'commune')[];
  /** Legal processing time in working days. */
  ThoiHanGiaiQuyet: number;
  KhongPhuThuocDiaGioi: boolean;
  PhiLePhi: { TenPhiLePhi: string; Gia: number; LoaiPhiLePhi: '1' | '2' }[];
  /** The dossier components (thành phần hồ sơ) a file may satisfy. */
  components: string[];
  /** The department that handles it. */
  department: string;
}

/** Departments that handle each field (lĩnh vực) in the reference province. */
const DEPARTMENTS: Record<string, string> = {
  HOTICH: 'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân',
  CHUNGTHUC: 'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân',
  CUTRU: 'Công an xã',
  CANCUOC: 'Phòng Cảnh sát quản lý hành chính về trật tự xã hội',
  HKD: 'Phòng Kinh tế',
};

/** Components every offered procedure accepts (the reference data lists none). */
const COMPONENTS = ['TP01', 'TP02', 'TP03', 'TP04', 'TP05'];

/**
 * The procedures the reference province offers online: every procedure of the spec's
 * reference data performed at province or commune level (two-tier local government from
 * 2025-07-01), with its name, field, online level, processing time, fees and
 * cross-locality flag from there; components and departments are this system's own.
 */
export const OFFERED_PROCEDURES: readonly OfferedProcedure[] = Object.freeze(
  referenceProcedures
    .filter((p) => p.agencyLevel === 'province' || p.agencyLevel === 'commune')
    .map(
      (p): OfferedProcedure => ({
        MaTTHC: p.MaTTHC,
        TenTTHC: p.TenTTHC,
        MaLinhVuc: p.MaLinhVuc,
        TenLinhVuc: p.TenLinhVuc,
        MucDo: p.onlineLevel,
        CapThucHien: [p.agencyLevel as 'province' | 'commune'],
        ThoiHanGiaiQuyet: p.processingDays,
        KhongPhuThuocDiaGioi: p.allowsCrossLocality,
        PhiLePhi: (p.fees ?? []).map((f) => ({ ...f })),
        components: COMPONENTS,
        department: DEPARTMENTS[p.MaLinhVuc] ?? 'Bộ phận Một cửa',
      }),
    )
    .sort((a, b) => a.MaTTHC.localeCompare(b.MaTTHC)),
);

const byCode = new Map(OFFERED_PROCEDURES.map((p) => [p.MaTTHC, p]));

/** The offered procedure for a national or local (`1.001612.000.00.00.H56`) code. */
export function findOfferedProcedure(MaTTHC: string, agencyCode: string): OfferedProcedure | undefined {
  const m = /^(\d\.\d{6})(?:\.(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}))?$/.exec(MaTTHC);
  if (!m) return undefined;
  // A local code names the agency that performs it; it must be one of this system's.
  if (m[2] && topLevelOf(m[2]) !== topLevelOf(agencyCode)) return undefined;
  return byCode.get(m[1]!);
}

/** The top-level body of an agency code (`000.00.06.H56` → `H56`). */
export function topLevelOf(agencyCode: string): string {
  return agencyCode.slice(agencyCode.lastIndexOf('.') + 1);
}

/** The catalogue entry as the spec's `Procedure` schema publishes it. */
export function toPublishedProcedure(p: OfferedProcedure, agencyCode: string): Procedure {
  return {
    MaTTHC: p.MaTTHC,
    TenTTHC: p.TenTTHC,
    MaLinhVuc: p.MaLinhVuc,
    TenLinhVuc: p.TenLinhVuc,
    MucDo: p.MucDo,
    CapThucHien: [...p.CapThucHien],
    CoQuanThucHien: [agencyCode],
    ThoiHanGiaiQuyet: p.ThoiHanGiaiQuyet,
    PhiLePhi: p.PhiLePhi.map((f) => ({ ...f })),
    KhongPhuThuocDiaGioi: p.KhongPhuThuocDiaGioi,
  };
}
