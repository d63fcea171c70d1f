import type { NationalPortal } from '@dvc-kit/spec';

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

/**
 * The procedures the reference province offers online. Codes, names, fields, levels,
 * processing times and fees are those of the spec's reference data
 * (packages/spec/data/procedures.json, VERIFIED codes); components and departments are
 * this system's own.
 */
export const OFFERED_PROCEDURES: readonly OfferedProcedure[] = Object.freeze([
  { MaTTHC: '1.001612', TenTTHC: 'Đăng ký thành lập hộ kinh doanh', MaLinhVuc: 'HKD', TenLinhVuc: 'Thành lập và hoạt động của hộ kinh doanh', MucDo: 'full', CapThucHien: ['commune'], ThoiHanGiaiQuyet: 3, KhongPhuThuocDiaGioi: false, PhiLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký hộ kinh doanh', Gia: 100000, LoaiPhiLePhi: '1' }], components: ['TP01', 'TP02', 'TP03'], department: 'Phòng Kinh tế' },
  { MaTTHC: '2.000720', TenTTHC: 'Thay đổi nội dung đăng ký hộ kinh doanh', MaLinhVuc: 'HKD', TenLinhVuc: 'Thành lập và hoạt động của hộ kinh doanh', MucDo: 'full', CapThucHien: ['commune'], ThoiHanGiaiQuyet: 3, KhongPhuThuocDiaGioi: false, PhiLePhi: [], components: ['TP01', 'TP02'], department: 'Phòng Kinh tế' },
  { MaTTHC: '1.001193', TenTTHC: 'Thủ tục đăng ký khai sinh', MaLinhVuc: 'HOTICH', TenLinhVuc: 'Hộ tịch', MucDo: 'full', CapThucHien: ['commune'], ThoiHanGiaiQuyet: 0, KhongPhuThuocDiaGioi: false, PhiLePhi: [], components: ['TP01', 'TP02'], department: 'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân' },
  { MaTTHC: '1.004873', TenTTHC: 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân', MaLinhVuc: 'HOTICH', TenLinhVuc: 'Hộ tịch', MucDo: 'full', CapThucHien: ['commune'], ThoiHanGiaiQuyet: 3, KhongPhuThuocDiaGioi: false, PhiLePhi: [{ TenPhiLePhi: 'Lệ phí cấp Giấy xác nhận tình trạng hôn nhân', Gia: 3000, LoaiPhiLePhi: '1' }], components: ['TP01', 'TP02'], department: 'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân' },
  { MaTTHC: '2.000635', TenTTHC: 'Cấp bản sao Trích lục hộ tịch', MaLinhVuc: 'HOTICH', TenLinhVuc: 'Hộ tịch', MucDo: 'full', CapThucHien: ['commune'], ThoiHanGiaiQuyet: 1, KhongPhuThuocDiaGioi: true, PhiLePhi: [{ TenPhiLePhi: 'Phí cấp bản sao trích lục hộ tịch', Gia: 8000, LoaiPhiLePhi: '2' }], components: ['TP01'], department: 'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân' },
  { MaTTHC: '1.004222', TenTTHC: 'Đăng ký thường trú', MaLinhVuc: 'CUTRU', TenLinhVuc: 'Đăng ký, quản lý cư trú', MucDo: 'full', CapThucHien: ['commune'], ThoiHanGiaiQuyet: 7, KhongPhuThuocDiaGioi: false, PhiLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký thường trú (nộp trực tuyến)', Gia: 10000, LoaiPhiLePhi: '1' }], components: ['TP01', 'TP02', 'TP03'], department: 'Công an xã' },
  { MaTTHC: '2.000884', TenTTHC: 'Chứng thực chữ ký trong các giấy tờ, văn bản', MaLinhVuc: 'CHUNGTHUC', TenLinhVuc: 'Chứng thực', MucDo: 'partial', CapThucHien: ['commune'], ThoiHanGiaiQuyet: 0, KhongPhuThuocDiaGioi: true, PhiLePhi: [{ TenPhiLePhi: 'Phí chứng thực chữ ký', Gia: 10000, LoaiPhiLePhi: '2' }], components: ['TP01', 'TP02'], department: 'Bộ phận Một cửa' },
  { MaTTHC: '1.116410', TenTTHC: 'Cấp thẻ căn cước', MaLinhVuc: 'CANCUOC', TenLinhVuc: 'Căn cước', MucDo: 'partial', CapThucHien: ['province'], ThoiHanGiaiQuyet: 7, KhongPhuThuocDiaGioi: true, PhiLePhi: [], components: ['TP01'], department: 'Phòng Cảnh sát quản lý hành chính về trật tự xã hội' },
]);

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
