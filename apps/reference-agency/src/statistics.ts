import type { StatisticsReport } from '@dvc-kit/spec';
import type { StoredDossier } from './dossier-store.js';
import { issue } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { throwInvalid, validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';

type Period = StatisticsReport['period'];
type Counts = { received: number; online: number; carriedOver: number; onTime: number; late: number; inProgress: number; returned: number; withdrawn: number };

const zero = (): Counts => ({ received: 0, online: 0, carriedOver: 0, onTime: 0, late: 0, inProgress: 0, returned: 0, withdrawn: 0 });

/**
 * Figures of a period (DVC-STAT-001, DVC-STAT-003): the dossiers handled in the period are
 * those received by its last day and not ended before its first; received = carried over
 * + newly received; handled (on time + late) are those done in the period; in progress =
 * received − handled − withdrawn − returned (not received or stopped).
 */
export function computeStatistics(dossiers: readonly StoredDossier[], agencyCode: string, period: Period): StatisticsReport {
  const from = `${period.from.replaceAll('-', '')}000000`;
  const to = `${period.to.replaceAll('-', '')}235959`;
  const totals = zero();
  const byProcedure = new Map<string, Counts>();
  for (const d of dossiers) {
    const receivedAt = d.dossier.NgayTiepNhan;
    if (!receivedAt || receivedAt > to) continue;
    const doneAt = d.dossier.NgayKetThucXuLy;
    const endedAt = d.endedAt && d.status !== '10' ? d.endedAt : undefined;
    const finishedBefore = (doneAt && doneAt < from) || (endedAt && endedAt < from);
    if (finishedBefore) continue;
    const national = d.dossier.MaTTHC.slice(0, 8);
    const c = byProcedure.get(national) ?? zero();
    byProcedure.set(national, c);
    for (const t of [totals, c]) {
      t.received += 1;
      if (receivedAt < from) t.carriedOver += 1;
      if (d.dossier.KenhThucHien === '2') t.online += 1;
      if (doneAt && doneAt <= to) {
        if (doneAt <= (d.dossier.NgayHenTra ?? doneAt)) t.onTime += 1;
        else t.late += 1;
      } else if (endedAt && endedAt <= to && d.status === '7') t.withdrawn += 1;
      else if (endedAt && endedAt <= to && (d.status === '3' || d.status === '8')) t.returned += 1;
      else t.inProgress += 1;
    }
  }
  return {
    agencyCode,
    period,
    totals: {
      received: totals.received,
      online: totals.online,
      onTime: totals.onTime,
      late: totals.late,
      inProgress: totals.inProgress,
      onlineRate: totals.received === 0 ? 0 : Math.round((totals.online / totals.received) * 1000) / 1000,
    },
    procedures: [...byProcedure.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([MaTTHC, c]) => ({ MaTTHC, ...c })),
  };
}

/** getStatistics: `GET /v1/statistics?kind=&from=&to=`. */
export async function getStatistics(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  await services.tokens.verify(ctx.headers.authorization, { scope: 'agency.statistics.read' });
  validateAgainstSpec('getStatistics', ctx, undefined, services.mutant);
  const period = { kind: ctx.query.get('kind'), from: ctx.query.get('from'), to: ctx.query.get('to') } as Period;
  if (period.from > period.to) {
    throwInvalid([issue('#/query/to', 'PERIOD_REVERSED', 'Ngày cuối kỳ phải sau ngày đầu kỳ.', 'The period must end on or after its first day.', { received: `${period.from} … ${period.to}` })]);
  }
  return { status: 200, body: computeStatistics(services.store.all(), services.config.agencyCode, period) };
}
