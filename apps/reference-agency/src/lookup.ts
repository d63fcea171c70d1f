import type { AgencySystem } from '@dvc-kit/spec';
import { isCompletedStatus } from '@dvc-kit/spec';
import { HttpProblem, PROBLEM, problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { rateLimitHeaders } from './rate-limit.js';
import { validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';

type PublicDossierStatus = AgencySystem.components['schemas']['PublicDossierStatus'];
type DossierView = AgencySystem.components['schemas']['DossierView'];

/**
 * lookupDossierPublic: `GET /v1/public/dossiers/{MaHoSo}`, no authentication. Answers the
 * code and completion status only (TT 01/2018/TT-VPCP Mục I.2.d; DVC-LKP-002), rate
 * limited per client IP (DVC-RATE-004).
 */
export function lookupDossierPublic(services: AgencyServices, ctx: RequestContext): Reply {
  let limits: Record<string, string> = {};
  if (!services.mutant.is('public-lookup-unlimited')) {
    const decision = services.publicLookups.take(ctx.remoteAddress);
    limits = rateLimitHeaders(decision);
    if (!decision.allowed) {
      throw new HttpProblem(429, PROBLEM.rateLimited, 'Too many requests', `Limit of ${decision.limit} public lookups per minute reached; retry after ${decision.resetSeconds} seconds.`, { headers: limits, code: 'AGENCY_RATE_LIMITED' });
    }
  }
  try {
    validateAgainstSpec('lookupDossierPublic', ctx, undefined, services.mutant);
    if (services.mutant.is('pre-merger-codes-refused') && datedBeforeMergers(ctx.params.MaHoSo!)) {
      throw problems.malformed(`${ctx.params.MaHoSo} is not a dossier code in use.`);
    }
    const found = services.store.get(ctx.params.MaHoSo!);
    if (!found) throw problems.notFound(`No dossier ${ctx.params.MaHoSo}.`);
    const body: PublicDossierStatus = { MaHoSo: found.code, TrangThaiHoSo: found.status, DaHoanThanh: isCompletedStatus(found.status) };
    if (services.mutant.is('public-lookup-leaks')) {
      Object.assign(body, { ChuHoSo: found.dossier.ChuHoSo, DonViXuLy: found.dossier.DonViXuLy, history: services.store.history(found.code) });
    }
    return { status: 200, headers: limits, body };
  } catch (error) {
    if (error instanceof HttpProblem) Object.assign(error.headers, limits);
    throw error;
  }
}

/**
 * lookupDossier: `GET /v1/dossiers/{MaHoSo}` with the citizen's token. Only the owner's
 * dossier; any other answers 404 so that nothing about it leaks (DVC-LKA-002).
 */
export async function lookupDossier(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  const { claims } = await services.tokens.verify(ctx.headers.authorization, { citizen: true });
  validateAgainstSpec('lookupDossier', ctx, undefined, services.mutant);
  const found = services.store.get(ctx.params.MaHoSo!);
  const owns = found && (services.mutant.is('lookup-any-citizen') || found.ownerIds.includes(claims.SoDinhDanh!));
  if (!found || !owns) throw problems.notFound(`No dossier ${ctx.params.MaHoSo} of yours.`);
  const body: DossierView = {
    dossier: found.dossier,
    history: services.store.history(found.code),
    feedback: services.feedback.forDossier(found.code),
  };
  return { status: 200, body };
}

/** For the `pre-merger-codes-refused` mutant: a code whose yyMMdd is before 2025-07-01. */
function datedBeforeMergers(code: string): boolean {
  const date = /-(\d{6})-\d{4,8}$/.exec(code)?.[1];
  return date !== undefined && date < '250701';
}
