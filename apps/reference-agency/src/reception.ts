import type { Dossier } from '@dvc-kit/spec';
import { parseCitizenId, parseLegacyId, parseTaxCode, type ValidationIssue } from '@dvc-kit/validators';
import { findOfferedProcedure, topLevelOf, type OfferedProcedure } from './catalogue.js';
import type { AgencyServices } from './services.js';
import type { DossierSubmission } from './dossier-store.js';
import { issue, problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { OFFICIALS } from './officials.js';
import { idempotencyKey, idempotentWrite, jsonBody, throwInvalid, validateAgainstSpec } from './request-guard.js';
import { addWorkingDays, fromPortalDateTime, toPortalDateTime } from './vietnam-time.js';

/**
 * The standard's rules beyond the schema (DVC-RCV-004, DVC-RCV-008, DVC-CAT-003): the
 * procedure is one this system offers, the agency is one of its units, the owner is
 * identified as the owner type requires, and each file names a component of the procedure.
 */
export function receptionIssues(s: DossierSubmission, agencyCode: string, now = new Date()): { issues: ValidationIssue[]; procedure?: OfferedProcedure } {
  const issues: ValidationIssue[] = [];
  const procedure = findOfferedProcedure(s.MaTTHC, agencyCode);
  if (!procedure) {
    issues.push(issue('/MaTTHC', 'PROCEDURE_NOT_OFFERED', 'Hệ thống không tiếp nhận trực tuyến thủ tục này.', 'This system does not receive this procedure online (see GET /v1/procedures).', { received: s.MaTTHC }));
  }
  if (topLevelOf(s.MaCoQuanThucHien) !== topLevelOf(agencyCode)) {
    issues.push(issue('/MaCoQuanThucHien', 'AGENCY_NOT_SERVED', 'Cơ quan thực hiện không thuộc hệ thống này.', `The handling agency is not a unit of ${agencyCode}.`, { expected: `a unit of ${topLevelOf(agencyCode)}`, received: s.MaCoQuanThucHien }));
  }
  const ids = s.DinhDanhCHS ?? [];
  if (s.LoaiDoiTuong === '1' && ids.length === 0) {
    issues.push(issue('/DinhDanhCHS', 'OWNER_ID_REQUIRED', 'Chủ hồ sơ là công dân phải có số định danh (DinhDanhCHS).', 'A citizen owner must be identified in DinhDanhCHS.'));
  }
  ids.forEach((d, i) => {
    const parsed = d.LoaiDinhDanh === '1' ? parseCitizenId(d.SoDinhDanh) : parseLegacyId(d.SoDinhDanh);
    if (!parsed.ok) issues.push({ ...parsed.error, pointer: `/DinhDanhCHS/${i}/SoDinhDanh` });
  });
  if (s.LoaiDoiTuong === '2') {
    const tax = parseTaxCode(s.MaDoiTuong ?? '');
    if (!tax.ok) issues.push({ ...tax.error, pointer: '/MaDoiTuong' });
  }
  const submittedAt = fromPortalDateTime(s.NgayNopHoSo);
  if (submittedAt && submittedAt.getTime() > now.getTime() + 5 * 60_000) {
    // Steps are recorded from now on, and must not precede the submission (DVC-HIST-003).
    issues.push(issue('/NgayNopHoSo', 'SUBMITTED_IN_FUTURE', 'Ngày nộp hồ sơ ở tương lai.', 'The submission time is in the future.', { received: s.NgayNopHoSo }));
  }
  (s.TaiLieuNop ?? []).forEach((f, i) => {
    if (!f.MaThanhPhanHoSo) {
      issues.push(issue(`/TaiLieuNop/${i}/MaThanhPhanHoSo`, 'COMPONENT_REQUIRED', 'Tệp phải ghi mã thành phần hồ sơ.', 'Each file must name the dossier component it satisfies.'));
    } else if (procedure && !procedure.components.includes(f.MaThanhPhanHoSo)) {
      issues.push(issue(`/TaiLieuNop/${i}/MaThanhPhanHoSo`, 'COMPONENT_UNKNOWN', 'Mã thành phần hồ sơ không thuộc thủ tục.', 'The component is not one of the procedure.', { expected: procedure.components.join(', '), received: f.MaThanhPhanHoSo }));
    }
  });
  return { issues, ...(procedure ? { procedure } : {}) };
}

/** The dossier record made from a submission, received now (status 2). */
function toDossier(s: DossierSubmission, procedure: OfferedProcedure | undefined, now: Date): Omit<Dossier, 'MaHoSo'> {
  const due = addWorkingDays(now, procedure?.ThoiHanGiaiQuyet ?? 5);
  return {
    MaTTHC: s.MaTTHC,
    TenTTHC: procedure?.TenTTHC ?? s.MaTTHC,
    ...(procedure ? { MaLinhVuc: procedure.MaLinhVuc, TenLinhVuc: procedure.TenLinhVuc } : {}),
    KenhThucHien: '2',
    ChuHoSo: s.ChuHoSo,
    LoaiDoiTuong: s.LoaiDoiTuong,
    ...(s.MaDoiTuong ? { MaDoiTuong: s.MaDoiTuong } : {}),
    ...(s.DinhDanhCHS ? { DinhDanhCHS: s.DinhDanhCHS } : {}),
    ...(s.Email ? { Email: s.Email } : {}),
    ...(s.SoDienThoai ? { SoDienThoai: s.SoDienThoai } : {}),
    ...(s.TrichYeuHoSo ? { TrichYeuHoSo: s.TrichYeuHoSo } : {}),
    NgayNopHoSo: s.NgayNopHoSo,
    NgayTiepNhan: toPortalDateTime(now),
    NgayHenTra: toPortalDateTime(due),
    TrangThaiHoSo: '2',
    DonViXuLy: 'Bộ phận Một cửa',
    ...(s.TaiKhoanDuocXacThucVoiVNeID ? { TaiKhoanDuocXacThucVoiVNeID: s.TaiKhoanDuocXacThucVoiVNeID } : {}),
    ...(s.DuocThanhToanTrucTuyen ? { DuocThanhToanTrucTuyen: s.DuocThanhToanTrucTuyen } : {}),
    ...(s.TaiLieuNop ? { TaiLieuNop: s.TaiLieuNop } : {}),
    ...(s.DanhSachLePhi ? { DanhSachLePhi: s.DanhSachLePhi } : {}),
  } as Omit<Dossier, 'MaHoSo'>;
}

/** receiveDossier: `POST /v1/dossiers`. */
export async function receiveDossier(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  const { config, mutant } = services;
  await services.tokens.verify(ctx.headers.authorization, { scope: 'agency.dossiers.write' });
  const body = jsonBody(ctx);
  const key = mutant.is('idempotency-ignored') ? `ignored-${ctx.requestId}` : idempotencyKey(ctx);
  return idempotentWrite(services.idempotency, 'receiveDossier', key, body, async (remember) => {
    await services.signer.verifyRequest(ctx.headers['x-dvc-signature'], body);
    validateAgainstSpec('receiveDossier', ctx, body, mutant);
    const submission = body as DossierSubmission;
    const { issues, procedure } = mutant.is('validation-skipped') ? { issues: [], procedure: findOfferedProcedure(String(submission.MaTTHC), config.agencyCode) } : receptionIssues(submission, config.agencyCode);
    if (issues.length) throwInvalid(issues);
    return services.store.transaction(() => {
      if (!mutant.is('idempotency-ignored')) {
        const earlier = services.store.findByNationalRef(submission.MaHoSoQuocGia);
        if (earlier) throw problems.conflict(`The national submission ${submission.MaHoSoQuocGia} was already received as dossier ${earlier.code}.`);
      }
      const now = new Date();
      const stored = services.store.receive({
        agencyCode: submission.MaCoQuanThucHien,
        submission,
        dossier: toDossier(submission, procedure, now),
        step: { ...OFFICIALS.system, NoiDungXuLy: 'Tiếp nhận hồ sơ nộp trực tuyến qua Cổng Dịch vụ công quốc gia', TrangThai: '2' },
        nextStepAt: services.officials.nextAt(now.getTime()),
      });
      const d = stored.dossier;
      const reply: Reply = {
        status: 201,
        headers: { location: `${config.publicUrl}/v1/dossiers/${encodeURIComponent(stored.code)}` },
        body: { MaHoSo: stored.code, MaHoSoQuocGia: submission.MaHoSoQuocGia, TrangThaiHoSo: d.TrangThaiHoSo, NgayNopHoSo: submission.NgayNopHoSo, NgayTiepNhan: d.NgayTiepNhan, NgayHenTra: d.NgayHenTra },
      };
      remember(reply);
      return reply;
    });
  });
}
