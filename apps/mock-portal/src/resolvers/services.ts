import type { Evaluation, Feedback, FeedbackAnswer, PaymentRequest, StatisticsReport } from '@dvc-kit/spec';
import { dossierAgency, ownsAgency } from '../agency-scope.js';
import { vietnamIso, type Clock } from '../clock.js';
import { paginate } from '../pagination.js';
import { HttpProblem, PROBLEM, pointerError } from '../problem.js';
import type { SeededRandom } from '../random.js';
import type { PortalStore } from '../store.js';
import type { Resolver, ResolverContext, SystemCaller } from '../types.js';

function agencyOf(ctx: ResolverContext): string {
  return (ctx.caller as SystemCaller).agencyCode;
}

function forbidden(what: string, owner: string, caller: string): HttpProblem {
  return new HttpProblem(PROBLEM.forbidden, `${what} belongs to agency ${owner}, not to ${caller}.`);
}

/** TrangThaiHoSo values at which a dossier's handling has ended (DVC-EVAL-002). */
const ENDED_STATUSES = new Set(['3', '7', '8', '9', '10']);

/** Feedback, evaluations, statistics reports and payments. */
export function serviceResolvers(store: PortalStore, clock: Clock, random: SeededRandom): Record<string, Resolver> {
  const answers = new Map<string, FeedbackAnswer>();
  const feedbackFor = (ctx: ResolverContext): Feedback => {
    const f = store.feedback.get(ctx.params.MaPhanAnh!);
    if (!f) throw new HttpProblem(PROBLEM.notFound, `No feedback ${ctx.params.MaPhanAnh}.`);
    if (!ownsAgency(agencyOf(ctx), f.MaCoQuanXuLy)) throw forbidden(`Feedback ${f.MaPhanAnh}`, f.MaCoQuanXuLy, agencyOf(ctx));
    return f;
  };
  return {
    listFeedback: (ctx) => {
      const status = ctx.query.get('status');
      const list = [...store.feedback.values()].filter((f) => ownsAgency(agencyOf(ctx), f.MaCoQuanXuLy) && (!status || f.TrangThai === status));
      return { status: 200, body: paginate(list, ctx.query, `f:${status ?? ''}`) };
    },
    getFeedback: (ctx) => ({ status: 200, body: feedbackFor(ctx) }),
    answerFeedback: (ctx: ResolverContext<FeedbackAnswer>) => {
      const f = feedbackFor(ctx);
      if (f.TrangThai === '3' || f.TrangThai === '4') throw new HttpProblem(PROBLEM.conflict, `Feedback ${f.MaPhanAnh} is already closed (TrangThai ${f.TrangThai}).`);
      const updated: Feedback = { ...f, TrangThai: ctx.body.KetQua === '3' ? '4' : '3' };
      store.commit({ t: 'feedback', feedback: updated });
      answers.set(f.MaPhanAnh, ctx.body);
      return { status: 201, body: updated };
    },
    submitEvaluations: (ctx: ResolverContext<{ items: Evaluation[] }>) => {
      const agency = agencyOf(ctx);
      ctx.body.items.forEach((e, i) => {
        if (!ownsAgency(agency, dossierAgency(e.MaHoSo))) {
          throw new HttpProblem(PROBLEM.forbidden, `Evaluation ${i} is about dossier ${e.MaHoSo} of agency ${dossierAgency(e.MaHoSo)}.`, {
            errors: [pointerError(`/items/${i}/MaHoSo`, 'forbidden', 'belongs to another agency', 'Hồ sơ thuộc cơ quan khác')],
          });
        }
      });
      // DVC-EVAL-002: an evaluation is of a dossier whose handling has ended, and a dossier has one
      // owner evaluation. The portal knows a dossier's status only once it is synced, so an unknown
      // dossier is taken as it is; every item the portal evaluates here counts as the owner's.
      const evaluated = new Set(store.evaluations.map((e) => e.MaHoSo));
      ctx.body.items.forEach((e, i) => {
        const record = store.dossiers.get(e.MaHoSo);
        if (record && !ENDED_STATUSES.has(record.dossier.TrangThaiHoSo)) {
          throw new HttpProblem(PROBLEM.validation, `Evaluation ${i} is about dossier ${e.MaHoSo}, whose handling has not ended (TrangThaiHoSo ${record.dossier.TrangThaiHoSo}).`, {
            errors: [pointerError(`/items/${i}/MaHoSo`, 'not-ended', 'dossier handling has not ended (status must be 3, 7, 8, 9 or 10)', 'Hồ sơ chưa kết thúc xử lý')],
          });
        }
        if (evaluated.has(e.MaHoSo)) {
          throw new HttpProblem(PROBLEM.validation, `Evaluation ${i}: dossier ${e.MaHoSo} already has its owner's evaluation.`, {
            errors: [pointerError(`/items/${i}/MaHoSo`, 'duplicate', 'the dossier already has an owner evaluation', 'Hồ sơ đã được chủ hồ sơ đánh giá')],
          });
        }
        evaluated.add(e.MaHoSo);
      });
      store.commit({ t: 'evaluations', items: ctx.body.items.map((e) => ({ ...e, agencyCode: dossierAgency(e.MaHoSo) })) });
      return { status: 202, body: { accepted: ctx.body.items.length } };
    },
    listEvaluations: (ctx) => {
      const since = ctx.query.get('since');
      const sinceMs = since ? Date.parse(since) : undefined;
      const list = store.evaluations
        .filter((e) => ownsAgency(agencyOf(ctx), e.agencyCode))
        .filter((e) => sinceMs === undefined || portalMs(e.NgayDanhGia) >= sinceMs)
        .map(({ agencyCode: _omit, ...e }) => e);
      return { status: 200, body: paginate(list, ctx.query, `v:${since ?? ''}`) };
    },
    submitStatisticsReport: (ctx: ResolverContext<StatisticsReport>) => {
      const agency = agencyOf(ctx);
      if (!ownsAgency(agency, ctx.body.agencyCode)) throw forbidden('The report', ctx.body.agencyCode, agency);
      if (ctx.body.period.from > ctx.body.period.to) {
        throw new HttpProblem(PROBLEM.validation, 'period.from is after period.to.', { errors: [pointerError('/period/from', 'range', 'must not be after period.to', 'Ngày bắt đầu sau ngày kết thúc')] });
      }
      // DVC-STAT-002: one report per agency and period; a resubmission replaces the earlier one.
      const reportId = `RPT-${ctx.body.agencyCode.replace(/\./g, '')}-${ctx.body.period.from.replace(/-/g, '')}-${ctx.body.period.to.replace(/-/g, '')}`;
      const report: StatisticsReport = { ...ctx.body, reportId };
      store.commit({ t: 'report', report });
      return { status: 201, headers: { location: `/v1/statistics/reports/${reportId}` }, body: report };
    },
    getStatisticsReport: (ctx) => {
      const report = store.reports.get(ctx.params.reportId!);
      if (!report) throw new HttpProblem(PROBLEM.notFound, `No report ${ctx.params.reportId}.`);
      if (!ownsAgency(agencyOf(ctx), report.agencyCode)) throw forbidden(`Report ${report.reportId}`, report.agencyCode, agencyOf(ctx));
      return { status: 200, body: report };
    },
    createPayment: (ctx: ResolverContext<PaymentRequest>) => {
      const agency = agencyOf(ctx);
      const code = ctx.body.MaHoSo;
      if (!ownsAgency(agency, dossierAgency(code))) throw forbidden(`Dossier ${code}`, dossierAgency(code), agency);
      const record = store.dossiers.get(code);
      if (!record) throw new HttpProblem(PROBLEM.notFound, `No dossier ${code}: sync it before asking for its fees.`);
      // DVC-PAY-001: no payment for a dossier whose synced record charges nothing.
      if (!record.dossier.DanhSachLePhi?.length) {
        throw new HttpProblem(PROBLEM.validation, `Dossier ${code} lists no fees (DanhSachLePhi is empty): there is nothing to pay.`, {
          errors: [pointerError('/MaHoSo', 'no-fee', 'the synced dossier lists no fees', 'Hồ sơ không có phí, lệ phí')],
        });
      }
      let paymentId: string;
      do paymentId = `PAY-${random.code(10)}`;
      while (store.payments.has(paymentId));
      const payment = {
        paymentId,
        MaHoSo: code,
        amount: ctx.body.DanhSachLePhi.reduce((sum, fee) => sum + fee.Gia, 0),
        currency: 'VND' as const,
        status: 'pending' as const,
        paymentUrl: `${ctx.baseUrl}/pay/${paymentId}`,
        createdAt: vietnamIso(clock.now()),
      };
      store.commit({ t: 'payment', payment });
      return { status: 201, headers: { location: `/v1/payments/${paymentId}` }, body: payment };
    },
    getPayment: (ctx) => {
      const payment = store.payments.get(ctx.params.paymentId!);
      if (!payment) throw new HttpProblem(PROBLEM.notFound, `No payment ${ctx.params.paymentId}.`);
      if (!ownsAgency(agencyOf(ctx), dossierAgency(payment.MaHoSo))) throw forbidden(`Payment ${payment.paymentId}`, dossierAgency(payment.MaHoSo), agencyOf(ctx));
      return { status: 200, body: payment };
    },
  };
}

function portalMs(d: string): number {
  return Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}+07:00`);
}
