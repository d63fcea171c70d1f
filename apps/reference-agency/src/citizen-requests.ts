import type { AgencySystem, Dossier, Payment } from '@dvc-kit/spec';
import { findOfferedProcedure } from './catalogue.js';
import { issue, problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { OFFICIALS } from './officials.js';
import { idempotencyKey, idempotentWrite, jsonBody, throwInvalid, validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';
import { addWorkingDays, fromPortalDateTime, toPortalDateTime } from './vietnam-time.js';

type Supplement = AgencySystem.components['schemas']['Supplement'];
type Withdrawal = AgencySystem.components['schemas']['Withdrawal'];

/** The checks every signed, idempotent write from the portal shares; `apply` runs once. */
async function signedWrite(
  services: AgencyServices,
  ctx: RequestContext,
  operation: 'submitSupplement' | 'withdrawDossier' | 'notifyPayment',
  scope: string,
  apply: (body: unknown) => Reply,
): Promise<Reply> {
  await services.tokens.verify(ctx.headers.authorization, { scope });
  const body = jsonBody(ctx);
  // The idempotency-receive-only mutant: a key of the request's own, so nothing is required and nothing replays.
  const key = services.mutant.is('idempotency-receive-only') ? `unchecked-${ctx.requestId}` : idempotencyKey(ctx);
  // (the mutant also hands the schema check that key, as a framework filling in a request id would)
  if (services.mutant.is('idempotency-receive-only')) ctx = { ...ctx, headers: { ...ctx.headers, 'idempotency-key': key } };
  return idempotentWrite(services.idempotency, operation, key, body, async (remember) => {
    // The signature-receive-only mutant: only receiveDossier's route verifies X-DVC-Signature.
    if (!services.mutant.is('signature-receive-only')) await services.signer.verifyRequest(ctx.headers['x-dvc-signature'], body);
    validateAgainstSpec(operation, ctx, body, services.mutant);
    return services.store.transaction(() => {
      const reply = apply(body);
      remember(reply);
      return reply;
    });
  });
}

/**
 * submitSupplement: accepted only at status 5 (DVC-SUPP-002); the dossier returns to 4,
 * the files join the dossier and NgayHenTra is recomputed from the supplement (DVC-SUPP-004).
 */
export function submitSupplement(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  return signedWrite(services, ctx, 'submitSupplement', 'agency.dossiers.write', (body) => {
    const s = body as Supplement;
    const found = services.store.get(ctx.params.MaHoSo!);
    if (!found) throw problems.notFound(`No dossier ${ctx.params.MaHoSo}.`);
    if (found.status !== '5' && !services.mutant.is('supplement-any-status')) {
      throw problems.conflict(`Dossier ${found.code} is at status ${found.status}; a supplement is accepted only at status 5 (supplementation requested).`);
    }
    const procedure = findOfferedProcedure(found.dossier.MaTTHC, services.config.agencyCode);
    const wrong = s.TaiLieuNop.flatMap((f, i) =>
      procedure && f.MaThanhPhanHoSo && !procedure.components.includes(f.MaThanhPhanHoSo)
        ? [issue(`/TaiLieuNop/${i}/MaThanhPhanHoSo`, 'COMPONENT_UNKNOWN', 'Mã thành phần hồ sơ không thuộc thủ tục.', 'The component is not one of the procedure.', { expected: procedure.components.join(', '), received: f.MaThanhPhanHoSo })]
        : [],
    );
    if (wrong.length) throwInvalid(wrong);
    const at = fromPortalDateTime(s.NgayBoSung) ?? new Date();
    const received = toPortalDateTime(new Date());
    const newDue = toPortalDateTime(addWorkingDays(at > new Date() ? new Date() : at, procedure?.ThoiHanGiaiQuyet ?? 5));
    const requests = (found.dossier.DanhSachHoSoBoSung ?? []).map((r) =>
      r.TrangThaiBoSung === '0' ? { ...r, TrangThaiBoSung: '1' as const, NgayTiepNhanBoSung: received, DanhSachGiayToBoSung: s.TaiLieuNop, NgayHenTraTruoc: found.dossier.NgayHenTra, NgayHenTraMoi: newDue } : r,
    );
    const patch: Partial<Dossier> = {
      TaiLieuNop: [...(found.dossier.TaiLieuNop ?? []), ...s.TaiLieuNop],
      DanhSachHoSoBoSung: requests.length ? requests : [{ HoSoBoSungId: s.HoSoBoSungId, NoiDungBoSung: s.GhiChu ?? 'Bổ sung giấy tờ', NgayBoSung: s.NgayBoSung, NgayTiepNhanBoSung: received, TrangThaiBoSung: '1', DanhSachGiayToBoSung: s.TaiLieuNop }],
      NgayHenTra: newDue,
    };
    const updated = services.store.applyStep(found.code, {
      step: { ...OFFICIALS.reception, NoiDungXuLy: `Tiếp nhận hồ sơ bổ sung ${s.HoSoBoSungId}`, TrangThai: '4' },
      patch,
      awaiting: null,
      nextStepAt: services.officials.nextAt(),
      allowIllegal: services.mutant.is('supplement-any-status'),
    });
    return { status: 202, body: { MaHoSo: updated.code, TrangThaiHoSo: updated.status } };
  });
}

const WITHDRAWABLE = ['1', '2', '4', '5', '6'];

/** withdrawDossier: the owner withdraws a dossier in status 1, 2, 4, 5 or 6 (DVC-WDR-001). */
export function withdrawDossier(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  return signedWrite(services, ctx, 'withdrawDossier', 'agency.dossiers.write', (body) => {
    const w = body as Withdrawal;
    const found = services.store.get(ctx.params.MaHoSo!);
    const owns = found && (services.mutant.is('withdraw-any-citizen') || found.ownerIds.includes(w.SoDinhDanh));
    if (!found || !owns) throw problems.notFound(`No dossier ${ctx.params.MaHoSo} of the citizen ${w.SoDinhDanh.slice(0, 3)}…`);
    const lax = services.mutant.is('withdraw-after-final');
    if (!WITHDRAWABLE.includes(found.status) && !lax) {
      throw problems.illegalTransition(`Dossier ${found.code} is at status ${found.status}; it can no longer be withdrawn.`);
    }
    const updated = services.store.applyStep(found.code, {
      step: { ...OFFICIALS.reception, NoiDungXuLy: `Công dân yêu cầu rút hồ sơ: ${w.LyDo}`.slice(0, 2000), TrangThai: '7' },
      patch: { GhiChu: `Rút hồ sơ theo yêu cầu của công dân: ${w.LyDo}`.slice(0, 2000) },
      awaiting: null,
      nextStepAt: null,
      allowIllegal: lax,
    });
    return { status: 200, body: { MaHoSo: updated.code, TrangThaiHoSo: updated.status } };
  });
}

/** The states a payment may move to from each state (DVC-PAY-005): failed, expired and refunded are final. */
const PAYMENT_MOVES: Record<Payment['status'], readonly Payment['status'][]> = {
  pending: ['paid', 'failed', 'expired'],
  paid: ['refunded'],
  failed: [],
  expired: [],
  refunded: [],
};

/**
 * notifyPayment: a `paid` notification for a dossier waiting at status 6 moves it back to
 * processing (DVC-PAY-004); the same transaction notified again is acknowledged without a
 * second effect (DVC-PAY-003).
 */
export function notifyPayment(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  return signedWrite(services, ctx, 'notifyPayment', 'agency.payments.write', (body) => {
    const p = body as Payment;
    const found = services.store.get(p.MaHoSo);
    if (!found) throw problems.notFound(`No dossier ${p.MaHoSo}.`);
    const db = services.store.db;
    const txKey = `${p.paymentId}:${p.status}:${p.transactionRef ?? ''}`;
    const seen = db.prepare('SELECT 1 FROM payments WHERE transaction_key = ?').get(txKey);
    // A payment's states move pending → paid | failed | expired, paid → refunded and no further
    // (DVC-PAY-005): a notification that would move it otherwise is acknowledged and ignored.
    const earlier = (db.prepare('SELECT status FROM payments WHERE payment_id = ? AND code = ?').all(p.paymentId, found.code) as { status: Payment['status'] }[]).map((r) => r.status);
    const allowed = services.mutant.is('payment-state-unchecked') || earlier.every((from) => from === p.status || PAYMENT_MOVES[from].includes(p.status));
    if (!allowed) return { status: 200, body: { MaHoSo: found.code, TrangThaiHoSo: found.status } };
    const credit = p.status === 'paid' && (!seen || services.mutant.is('payment-double-credit'));
    if (!seen) {
      db.prepare('INSERT INTO payments (transaction_key, payment_id, code, status, data, received_at) VALUES (?, ?, ?, ?, ?, ?)').run(txKey, p.paymentId, found.code, p.status, JSON.stringify(p), Date.now());
    }
    if (!credit) return { status: 200, body: { MaHoSo: found.code, TrangThaiHoSo: found.status } };
    const waiting = found.status === '6';
    const step = {
      ...OFFICIALS.system,
      NoiDungXuLy: `Đã nhận thanh toán ${p.amount.toLocaleString('vi-VN')} đồng (giao dịch ${p.transactionRef ?? p.paymentId})`,
      TrangThai: waiting ? ('4' as const) : found.status,
    };
    const updated =
      waiting || services.mutant.is('payment-double-credit')
        ? services.store.applyStep(found.code, {
            step,
            patch: { DuocThanhToanTrucTuyen: '1' },
            paid: true,
            awaiting: null,
            nextStepAt: waiting ? services.officials.nextAt() : found.nextStepAt,
          })
        : (db.prepare('UPDATE dossiers SET paid = 1 WHERE code = ?').run(found.code), services.store.get(found.code)!);
    return { status: 200, body: { MaHoSo: updated.code, TrangThaiHoSo: updated.status } };
  });
}
