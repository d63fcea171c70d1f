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
      const base = `RPT-${ctx.body.agencyCode.replace(/\./g, '')}-${ctx.body.period.from.replace(/-/g, '')}-${ctx.body.period.to.replace(/-/g, '')}`;
      let reportId = base;
      for (let n = 2; store.reports.has(reportId); n++) reportId = `${base}-${n}`;
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
      if (!store.dossiers.has(code)) throw new HttpProblem(PROBLEM.notFound, `No dossier ${code}: sync it before asking for its fees.`);
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
