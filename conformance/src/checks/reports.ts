import type { StatisticsReport } from '@dvc-kit/spec';
import { check, observed, type Check, type Ctx } from './support.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** The last day of a calendar month (1-based), as YYYY-MM-DD. */
function lastDayOf(year: number, month: number): string {
  return `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;
}

/** What is wrong with a report period (first and last day of one reporting period), or undefined. */
export function periodProblem(period: Partial<StatisticsReport['period']> | undefined): string | undefined {
  const from = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period?.from ?? '');
  const to = /^(\d{4})-(\d{2})-(\d{2})$/.exec(period?.to ?? '');
  if (!period || !from || !to) return `period.from and period.to must be dates, got ${JSON.stringify(period)}`;
  const [y, m] = [Number(from[1]), Number(from[2])];
  if (from[3] !== '01') return `period.from ${period.from} is not the first day of a month`;
  const span = period.kind === 'month' ? 1 : period.kind === 'quarter' ? 3 : period.kind === 'half-year' ? 6 : period.kind === 'year' ? 12 : undefined;
  if (span === undefined) return `period.kind ${String(period.kind)} is not month, quarter, half-year or year`;
  if ((m - 1) % span !== 0) return `period.from ${period.from} does not start a ${period.kind}`;
  const end = lastDayOf(y, m + span - 1);
  return period.to === end ? undefined : `period.to ${period.to} is not the last day of the ${period.kind} starting ${period.from} (${end})`;
}

export const reportChecks: Check[] = [
  check({
    id: 'statistics.period-report-submitted',
    title: 'The system submits a report per reporting period, naming its agency and the period’s first and last day',
    area: 'statistics',
    requirements: ['DVC-STAT-002'],
    bindings: ['rest'],
    run: async (ctx: Ctx) => {
      const reports = await ctx.env.portal.waitFor(() => {
        const sent = ctx.env.portal.requests({ operationIds: ['submitStatisticsReport'] });
        return sent.length > 0 ? sent : undefined;
      }, ctx.env.timing.syncDeadlineMs, ctx.signal);
      // A system reports when a period ends; a run that sees no report cannot tell a missing one from one not yet due.
      if (!reports) ctx.inconclusive(`the system sent no statistics report to the portal within ${ctx.env.timing.syncDeadlineMs} ms of the run (reports are due when a period ends)`);
      for (const r of reports) {
        observed(ctx, r, 'statistics report sent by the system');
        const body = r.body as Partial<StatisticsReport> | undefined;
        ctx.verify(body?.agencyCode === ctx.env.portal.agencyCode, { requirements: ['DVC-STAT-002'], message: 'The report names the system’s agency', expected: ctx.env.portal.agencyCode, found: body?.agencyCode });
        const problem = periodProblem(body?.period);
        ctx.verify(problem === undefined, { requirements: ['DVC-STAT-002'], message: 'The report covers one reporting period, from its first to its last day', expected: 'a month, quarter, half-year or year: first day … last day', found: problem ?? JSON.stringify(body?.period) });
        ctx.verify(r.status === 201 || r.status === 200, { requirements: ['DVC-STAT-002'], message: 'The portal accepted the report', expected: 201, found: `${r.status} ${r.responseBody.slice(0, 200)}` });
      }
    },
  }),
];
