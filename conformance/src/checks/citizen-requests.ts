import { randomUUID } from 'node:crypto';
import type { Payment, ProcessingStep } from '@dvc-kit/spec';
import type { HttpResponse } from '../evidence.js';
import { asPortal, check, citizen, nowPortal, pickProcedure, portalRecord, receive, syncedAt, verifyProblem, type Check, type Ctx } from './support.js';

/** A supplement the system accepts at status 5. */
export function supplement(ctx: Ctx) {
  return { HoSoBoSungId: `BS-${ctx.random.digits(6)}`, NgayBoSung: nowPortal(-1000), GhiChu: 'Bổ sung tờ khai', TaiLieuNop: [{ TepDinhKemId: `f-${ctx.random.token(8)}`, TenTepDinhKem: 'To-khai-bo-sung.pdf', MaThanhPhanHoSo: 'TP01' }] };
}

/** The owner's withdrawal request. */
export function withdrawal(SoDinhDanh: string) {
  return { LyDo: 'Tôi muốn nộp lại hồ sơ khác.', NgayYeuCau: nowPortal(-1000), SoDinhDanh };
}

/** The owner's authenticated lookup of the dossier. */
async function ownLookup(ctx: Ctx, MaHoSo: string, label: string, owner = citizen(ctx)): Promise<HttpResponse> {
  return ctx.send({ url: `${ctx.env.target}/v1/dossiers/${encodeURIComponent(MaHoSo)}`, headers: { authorization: `Bearer ${await ctx.env.portal.citizenToken(owner)}` }, label });
}

async function history(ctx: Ctx, MaHoSo: string, owner = citizen(ctx)): Promise<ProcessingStep[]> {
  const res = await ownLookup(ctx, MaHoSo, 'lookupDossier (history)', owner);
  return ((res.json as { history?: ProcessingStep[] } | undefined)?.history ?? []) as ProcessingStep[];
}

/**
 * A fee-charging dossier paid online, synced waiting for payment (status 6), and a maker of
 * `paid` notifications for its fees (a new payment each call unless `paymentId` is given).
 */
export async function awaitingPayment(ctx: Ctx): Promise<{ MaHoSo: string; payment: (over?: { paymentId?: string }) => Payment }> {
  const { MaHoSo, submission } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: true }), payOnline: true });
  await syncedAt(ctx, MaHoSo, ['6'], ['DVC-PAY-004']);
  const amount = (submission.DanhSachLePhi ?? []).reduce((s, f) => s + f.Gia, 0);
  const createdAt = new Date(Date.now() - 60_000).toISOString();
  return {
    MaHoSo,
    payment: (over = {}) => ({ paymentId: over.paymentId ?? `PAY-${ctx.random.token(10)}`, MaHoSo, amount, currency: 'VND', status: 'paid', createdAt, paidAt: new Date().toISOString(), transactionRef: `PG${ctx.random.digits(12)}` }),
  };
}

export const citizenRequestChecks: Check[] = [
  check({
    id: 'supplementation.requested-and-accepted',
    title: 'A dossier missing documents goes to status 5 with the request; a supplement brings it back to 4',
    area: 'supplementation',
    requirements: ['DVC-SUPP-001', 'DVC-SUPP-002', 'DVC-SUPP-003', 'DVC-CODE-005', 'DVC-SIG-001', 'DVC-SUPP-004'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), files: false });
      const at5 = await syncedAt(ctx, MaHoSo, ['5'], ['DVC-SUPP-001']);
      ctx.verify((at5.dossier.DanhSachHoSoBoSung ?? []).length > 0, { requirements: ['DVC-SUPP-001'], message: 'At status 5 the synced dossier lists what must be supplied (DanhSachHoSoBoSung)', expected: '≥ 1 request', found: JSON.stringify(at5.dossier.DanhSachHoSoBoSung ?? []).slice(0, 200) });
      ctx.verify(at5.history.some((s) => s.TrangThai === '5'), { requirements: ['DVC-SUPP-001'], message: 'The supplementation request is recorded as a step', expected: 'a step with TrangThai 5', found: at5.history.map((s) => s.TrangThai).join('→') });
      const supplied = supplement(ctx);
      const res = await asPortal(ctx, { method: 'POST', path: `/v1/dossiers/${encodeURIComponent(MaHoSo)}/supplements`, body: supplied, label: 'submitSupplement at status 5' });
      ctx.verify(res.status === 202 || res.status === 200, { requirements: ['DVC-SUPP-002'], message: 'A supplement at status 5 is accepted', expected: 202, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      const fileId = supplied.TaiLieuNop[0]!.TepDinhKemId;
      const view = await ctx.send({ url: `${ctx.env.target}/v1/dossiers/${encodeURIComponent(MaHoSo)}`, headers: { authorization: `Bearer ${await ctx.env.portal.citizenToken(citizen(ctx))}` }, label: 'lookupDossier after the supplement' });
      const shown = JSON.stringify((view.json as { dossier?: unknown } | undefined)?.dossier ?? {});
      ctx.verify(shown.includes(fileId), { requirements: ['DVC-SUPP-003'], message: "The supplied file is part of the dossier in the owner's authenticated lookup", expected: `TepDinhKemId ${fileId} in TaiLieuNop or DanhSachHoSoBoSung`, found: shown.slice(0, 300), response: view });
      ctx.verify((res.json as { MaHoSo?: string } | undefined)?.MaHoSo === MaHoSo, { requirements: ['DVC-CODE-005'], message: 'The answer references the dossier by MaHoSo', expected: MaHoSo, found: (res.json as { MaHoSo?: string } | undefined)?.MaHoSo, response: res });
      const after = await syncedAt(ctx, MaHoSo, ['4', '6', '9', '10']);
      const due = at5.dossier.NgayHenTra;
      const request = (after.dossier.DanhSachHoSoBoSung ?? []) as { NgayHenTraMoi?: string }[];
      ctx.verify(after.dossier.NgayHenTra !== due || request.some((r) => !!r.NgayHenTraMoi), { requirements: ['DVC-SUPP-004'], message: 'NgayHenTra is recomputed from the supplement and synced', expected: `a new NgayHenTra (was ${due})`, found: after.dossier.NgayHenTra });
    },
  }),
  check({
    id: 'supplementation.refused-outside-status-5',
    title: 'A supplement for a dossier not at status 5 is refused with 409 and changes nothing',
    area: 'supplementation',
    requirements: ['DVC-SUPP-002', 'DVC-ERR-001', 'DVC-ERR-004'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      const before = await history(ctx, MaHoSo);
      const res = await asPortal(ctx, { method: 'POST', path: `/v1/dossiers/${encodeURIComponent(MaHoSo)}/supplements`, body: supplement(ctx), label: 'submitSupplement while not at status 5' });
      ctx.verify(res.status === 409, { requirements: ['DVC-SUPP-002'], message: 'A supplement outside status 5 answers 409', expected: 409, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      if (res.status >= 400) verifyProblem(ctx, res, 'supplement outside status 5');
      const after = await history(ctx, MaHoSo);
      const added = after.slice(before.length).filter((s) => /bổ sung|supplement/i.test(s.NoiDungXuLy ?? ''));
      ctx.verify(added.length === 0, { requirements: ['DVC-SUPP-002', 'DVC-ERR-004'], message: 'The refused supplement left no step in the history', expected: 'no supplement step', found: added.map((s) => `${s.TrangThai} ${s.NoiDungXuLy}`).join('; ') || 'none' });
    },
  }),
  check({
    id: 'withdrawal.owner-withdraws',
    title: 'The owner withdraws a dossier in progress: status 7, recorded and synced',
    area: 'withdrawal',
    requirements: ['DVC-WDR-001', 'DVC-CODE-005'],
    run: async (ctx: Ctx) => {
      const owner = citizen(ctx);
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), files: false });
      await syncedAt(ctx, MaHoSo, ['5']);
      const res = await asPortal(ctx, { method: 'POST', path: `/v1/dossiers/${encodeURIComponent(MaHoSo)}/withdrawal`, body: withdrawal(owner.SoDinhDanh!), label: 'withdrawDossier by the owner at status 5' });
      ctx.verify(res.status === 200 && (res.json as { TrangThaiHoSo?: string }).TrangThaiHoSo === '7', { message: 'The withdrawal answers 200 with status 7', expected: '200 { TrangThaiHoSo: "7" }', found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      const synced = await portalRecord(ctx, MaHoSo, (r) => r.dossier.TrangThaiHoSo === '7' && r.history.some((s) => s.TrangThai === '7'));
      ctx.verify(synced !== undefined && synced.history.some((s) => s.TrangThai === '7'), { requirements: ['DVC-WDR-001'], message: 'The withdrawal is recorded as a step and synced to the portal', expected: 'portal at status 7 with a step 7', found: synced ? 'synced' : 'not synced within the deadline' });
    },
  }),
  check({
    id: 'withdrawal.refused-after-final',
    title: 'A withdrawal after a final status is refused with 409',
    area: 'withdrawal',
    requirements: ['DVC-WDR-001', 'DVC-SYNC-004'],
    run: async (ctx: Ctx) => {
      const owner = citizen(ctx);
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      await syncedAt(ctx, MaHoSo, ['10']);
      const res = await asPortal(ctx, { method: 'POST', path: `/v1/dossiers/${encodeURIComponent(MaHoSo)}/withdrawal`, body: withdrawal(owner.SoDinhDanh!), label: 'withdrawDossier at status 10' });
      ctx.verify(res.status === 409, { message: 'Withdrawing a dossier whose result was returned (10) answers 409', expected: 409, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      if (res.status >= 400) verifyProblem(ctx, res, 'withdrawal after final status');
    },
  }),
  check({
    id: 'withdrawal.only-owner',
    title: "Another citizen cannot withdraw someone's dossier (404)",
    area: 'withdrawal',
    requirements: ['DVC-WDR-002'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), owner: citizen(ctx, 0) });
      const res = await asPortal(ctx, { method: 'POST', path: `/v1/dossiers/${encodeURIComponent(MaHoSo)}/withdrawal`, body: withdrawal(citizen(ctx, 1).SoDinhDanh!), label: "withdrawDossier with another citizen's ID" });
      ctx.verify(res.status === 404, { message: 'A withdrawal by someone else answers 404', expected: 404, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
    },
  }),
  check({
    id: 'payment.paid-notification',
    title: 'A fee-charging dossier waits at 6; a signed paid notification moves it on, once',
    area: 'payment',
    requirements: ['DVC-PAY-004', 'DVC-PAY-003', 'DVC-HIST-004'],
    online: ['full'],
    run: async (ctx: Ctx) => {
      const { MaHoSo, payment: newPayment } = await awaitingPayment(ctx);
      const payment = newPayment();
      const first = await asPortal(ctx, { method: 'POST', path: '/v1/payment-notifications', body: payment, scope: 'agency.payments.write', label: 'notifyPayment (paid)' });
      ctx.require(first.status === 200, { requirements: ['DVC-PAY-004'], message: 'The paid notification is acknowledged', expected: 200, found: `${first.status} ${first.text.slice(0, 200)}`, response: first });
      // The gateway repeats the notification (new delivery, new key): it must not credit twice.
      const repeat = await asPortal(ctx, { method: 'POST', path: '/v1/payment-notifications', body: payment, scope: 'agency.payments.write', idempotencyKey: randomUUID(), label: 'notifyPayment (the same transaction again)' });
      ctx.verify(repeat.status === 200, { requirements: ['DVC-PAY-003'], message: 'The repeated notification is acknowledged', expected: 200, found: `${repeat.status} ${repeat.text.slice(0, 200)}`, response: repeat });
      const after = await syncedAt(ctx, MaHoSo, ['4', '9', '10'], ['DVC-PAY-004']);
      const steps = await history(ctx, MaHoSo);
      const seen = new Map<string, number>();
      // The same official recording the same action twice is the notification credited twice.
      for (const s of steps) seen.set(`${s.NguoiXuLy}|${s.NoiDungXuLy}`, (seen.get(`${s.NguoiXuLy}|${s.NoiDungXuLy}`) ?? 0) + 1);
      const doubled = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
      ctx.verify(doubled.length === 0, { requirements: ['DVC-PAY-003', 'DVC-HIST-004'], message: 'The repeated notification added no second step (credited once)', expected: 'no repeated step', found: doubled.length ? `repeated: ${doubled.join('; ')}` : 'none', });
      ctx.verify(after.history.length === new Set(after.history.map((s) => `${s.TrangThai}|${s.ThoiDiemXuLy}|${s.NguoiXuLy}`)).size, { requirements: ['DVC-HIST-004'], message: 'The portal holds no duplicated step', expected: 'unique (MaHoSo, ThoiDiemXuLy, TrangThai, NguoiXuLy)', found: `${after.history.length} steps` });
    },
  }),
  check({
    id: 'payment.final-states-kept',
    title: "A payment's final state holds: a paid notification after a failed one for the same payment changes nothing",
    area: 'payment',
    requirements: ['DVC-PAY-005', 'DVC-PAY-004'],
    online: ['full'],
    run: async (ctx: Ctx) => {
      const { MaHoSo, payment } = await awaitingPayment(ctx);
      const notify = (body: Record<string, unknown>, label: string) => asPortal(ctx, { method: 'POST', path: '/v1/payment-notifications', body, scope: 'agency.payments.write', idempotencyKey: randomUUID(), label });
      const { paidAt: _never, ...failing } = payment();
      const failed = await notify({ ...failing, status: 'failed' }, 'notifyPayment (failed)');
      ctx.require(failed.status === 200, { message: 'The failed notification is acknowledged', expected: 200, found: `${failed.status} ${failed.text.slice(0, 200)}`, response: failed });
      const late = await notify(payment({ paymentId: failing.paymentId }), 'notifyPayment (paid, for the payment that failed)');
      ctx.verify(late.status === 200 || late.status === 409, { message: 'A notification that would leave a final state is acknowledged or refused as a conflict', expected: '200 or 409', found: `${late.status} ${late.text.slice(0, 200)}`, response: late });
      const view = await ownLookup(ctx, MaHoSo, 'lookupDossier (after the paid for the failed payment)');
      const status = (view.json as { dossier?: { TrangThaiHoSo?: string } } | undefined)?.dossier?.TrangThaiHoSo;
      const receipt = late.status === 200 ? (late.json as { TrangThaiHoSo?: string } | undefined)?.TrangThaiHoSo : '6';
      ctx.verify(status === '6' && receipt === '6', {
        message: 'The "paid" for a payment that had failed (a final state) is not credited: the dossier still waits for payment at 6',
        expected: "TrangThaiHoSo '6' in the answer and in the owner's lookup",
        found: `answer ${receipt ?? 'none'}, lookup ${status ?? `${view.status}`}`,
        response: [late, view],
      });
      // A new payment is credited: the dossier was waiting, and the system still takes payments.
      const fresh = await notify(payment(), 'notifyPayment (paid, a new payment)');
      ctx.verify(fresh.status === 200 && (fresh.json as { TrangThaiHoSo?: string } | undefined)?.TrangThaiHoSo !== '6', { requirements: ['DVC-PAY-004'], message: 'A new, paid payment moves the dossier on', expected: "200 with TrangThaiHoSo other than '6'", found: `${fresh.status} ${fresh.text.slice(0, 200)}`, response: fresh });
    },
  }),
  check({
    id: 'payment.tampered-notification-refused',
    title: 'A payment notification with a bad signature is refused and changes nothing',
    area: 'payment',
    requirements: ['DVC-PAY-003', 'DVC-SIG-004'],
    online: ['full'],
    run: async (ctx: Ctx) => {
      const { MaHoSo, payment: newPayment } = await awaitingPayment(ctx);
      const payment = newPayment();
      const signature = await ctx.env.portal.sign({ ...payment, amount: 1 });
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/payment-notifications', body: payment, signature, scope: 'agency.payments.write', label: 'notifyPayment signed over another amount' });
      ctx.verify(res.status >= 400 && res.status < 500, { message: 'A notification whose signature does not match is refused', expected: '4xx', found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      const still = ctx.env.portal.dossier(MaHoSo);
      ctx.verify(still?.dossier.TrangThaiHoSo === '6', { requirements: ['DVC-SIG-004'], message: 'The dossier still waits for payment (no change applied)', expected: '6', found: still?.dossier.TrangThaiHoSo });
    },
  }),
];
