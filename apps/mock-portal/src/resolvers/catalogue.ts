import type { Catalogue } from '../catalogue.js';
import type { Clock } from '../clock.js';
import { paginate } from '../pagination.js';
import { HttpProblem, PROBLEM } from '../problem.js';
import type { Resolver, ResolverResult } from '../types.js';

/** listProcedures, getProcedure, listAgencies, getAgency, listProvinces, listMinistries. */
export function catalogueResolvers(catalogue: Catalogue, clock: Clock): Record<string, Resolver> {
  const today = () => todayInVietnam(clock);
  // The catalogue does not change while the portal runs: answers are serialised once per query.
  const cache = new Map<string, ResolverResult>();
  const cached = (resolver: Resolver): Resolver => (ctx) => {
    const key = `${ctx.operation.operationId}\u0000${Object.values(ctx.params).join('/')}\u0000${ctx.query.toString()}\u0000${today()}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const result = resolver(ctx) as ResolverResult;
    const frozen: ResolverResult = { status: result.status, headers: { 'content-type': 'application/json', ...(result.headers ?? {}) }, body: JSON.stringify(result.body), raw: true };
    if (cache.size >= 2000) cache.clear();
    cache.set(key, frozen);
    return frozen;
  };
  const resolvers: Record<string, Resolver> = {
    listProcedures: ({ query }) => {
      const list = catalogue.proceduresFor({ agency: query.get('agency'), level: query.get('level'), updatedSince: query.get('updatedSince') });
      return { status: 200, headers: { 'ratelimit-limit': '600', 'ratelimit-remaining': '599', 'ratelimit-reset': '60' }, body: paginate(list, query, `p:${query.get('agency') ?? ''}:${query.get('level') ?? ''}`) };
    },
    getProcedure: ({ params }) => {
      const p = catalogue.procedure(params.MaTTHC!);
      if (!p) throw new HttpProblem(PROBLEM.notFound, `No procedure ${params.MaTTHC} in the national catalogue.`);
      return { status: 200, body: p };
    },
    listAgencies: ({ query }) => {
      const list = catalogue.agencies(query.get('asOf') ?? today(), query.get('kind'));
      return { status: 200, body: paginate(list, query, `a:${query.get('asOf') ?? ''}:${query.get('kind') ?? ''}`) };
    },
    getAgency: ({ params, query }) => {
      const a = catalogue.agency(params.agencyCode!, query.get('asOf') ?? today());
      if (!a) throw new HttpProblem(PROBLEM.notFound, `No agency ${params.agencyCode} in the reference data.`);
      return { status: 200, body: a };
    },
    listProvinces: ({ query }) => {
      const asOf = query.get('asOf') ?? today();
      return { status: 200, body: { asOf, items: catalogue.provinces(asOf) } };
    },
    listMinistries: ({ query }) => {
      const asOf = query.get('asOf') ?? today();
      return { status: 200, body: { asOf, items: catalogue.ministries(asOf) } };
    },
  };
  for (const [name, resolver] of Object.entries(resolvers)) resolvers[name] = cached(resolver);
  return resolvers;
}

let lastDay = { at: Number.NaN, day: '' };

/** Today in Vietnam (recomputed at most once a second: it is on the hot path of every read). */
function todayInVietnam(clock: Clock): string {
  const now = clock.now();
  if (!(Math.abs(now - lastDay.at) < 1000)) lastDay = { at: now, day: new Date(now + 7 * 3600_000).toISOString().slice(0, 10) };
  return lastDay.day;
}
