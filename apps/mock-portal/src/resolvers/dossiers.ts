import type { Dossier, DossierRecord, ProcessingStep } from '@dvc-kit/spec';
import type { DossierService } from '../dossier-service.js';
import { paginate } from '../pagination.js';
import { HttpProblem, PROBLEM, pointerError } from '../problem.js';
import type { RequestValidator } from '../request-validation.js';
import type { Resolver, ResolverContext, SystemCaller } from '../types.js';

export const MAX_BATCH = 1000;

function agencyOf(ctx: ResolverContext): string {
  return (ctx.caller as SystemCaller).agencyCode;
}

function withEtag(record: DossierRecord): Record<string, string> {
  return { etag: `"${record.version}"` };
}

/** The rest binding's dossier operations over the shared dossier rules. */
export function dossierResolvers(dossiers: DossierService, validator: RequestValidator): Record<string, Resolver> {
  return {
    listDossiers: (ctx) => {
      const list = dossiers.list(agencyOf(ctx), { status: ctx.query.get('status'), updatedSince: ctx.query.get('updatedSince') });
      return { status: 200, body: paginate(list, ctx.query, `d:${ctx.query.get('status') ?? ''}:${ctx.query.get('updatedSince') ?? ''}`) };
    },
    getDossier: (ctx) => {
      const record = dossiers.read(agencyOf(ctx), ctx.params.MaHoSo!);
      return { status: 200, headers: withEtag(record), body: record };
    },
    upsertDossier: (ctx: ResolverContext<Dossier>) => {
      if (ctx.body.MaHoSo !== ctx.params.MaHoSo) {
        throw new HttpProblem(PROBLEM.validation, `The body's MaHoSo (${ctx.body.MaHoSo}) differs from the path's (${ctx.params.MaHoSo}).`, {
          errors: [pointerError('/MaHoSo', 'mismatch', 'must equal the dossier code in the path', 'Phải trùng mã hồ sơ trên đường dẫn')],
        });
      }
      const { outcome, record } = dossiers.upsert(agencyOf(ctx), ctx.body, { ifMatch: ctx.headers['if-match'] });
      return { status: outcome === 'created' ? 201 : 200, headers: withEtag(record), body: record };
    },
    appendDossierEvents: (ctx: ResolverContext<{ events: ProcessingStep[] }>) => {
      const record = dossiers.appendEvents(agencyOf(ctx), ctx.params.MaHoSo!, ctx.body.events);
      return { status: 201, headers: withEtag(record), body: record };
    },
    listDossierEvents: (ctx) => {
      const record = dossiers.read(agencyOf(ctx), ctx.params.MaHoSo!);
      return { status: 200, body: paginate(record.history, ctx.query, `e:${ctx.params.MaHoSo}`) };
    },
    syncDossierBatch: (ctx: ResolverContext<{ items: unknown[] }>) => {
      const items = ctx.body.items;
      if (items.length > MAX_BATCH) throw new HttpProblem(PROBLEM.payloadTooLarge, `A batch holds at most ${MAX_BATCH} records; this one has ${items.length}.`);
      const summary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
      const results = items.map((item, index) => {
        const key = typeof (item as { MaHoSo?: unknown })?.MaHoSo === 'string' ? String((item as { MaHoSo: string }).MaHoSo).slice(0, 64) : undefined;
        const base = key === undefined ? { index } : { index, key };
        try {
          const issues = validator.schemaIssues('Dossier', item, `/items/${index}`);
          if (issues.length > 0) throw new HttpProblem(PROBLEM.validation, `Record ${index} failed validation.`, { errors: issues });
          const { outcome, record } = dossiers.upsert(agencyOf(ctx), item as Dossier, { pointer: `/items/${index}` });
          summary[outcome]++;
          return { ...base, outcome, version: record.version };
        } catch (e) {
          if (!(e instanceof HttpProblem)) throw e;
          summary.rejected++;
          return { ...base, outcome: 'rejected' as const, problem: e.toJSON() };
        }
      });
      return { status: 200, body: { results, summary } };
    },
  };
}
