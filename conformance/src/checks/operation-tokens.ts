import { listOperations, type OperationInfo } from '@dvc-kit/spec';
import { AGENCY_SCOPES } from '../harness/portal-side.js';
import { BAD_TOKENS, refusedToken } from './bad-tokens.js';
import { dossierFor, kebab, pathFor, portalBody, portalScopes, schemes, validBody, type Json } from './operation-support.js';
import { asPortal, check, citizen, verifyProblem, type Check, type Ctx } from './support.js';

/*
 * Every token-secured operation of agency-system.yaml refuses every bad token, not only the
 * one the authentication checks call (receiveDossier): a route wired to the wrong middleware,
 * or none, is the classic gap. `contract.<operation-id>.token.<what is wrong>`.
 */

/** One check per bad token: 401 problem+json with a Bearer challenge. */
function badTokenChecks(op: OperationInfo): Check[] {
  const all = schemes(op);
  const forCitizen = all.includes('citizenToken');
  if (!forCitizen && !all.includes('portalToken')) return [];
  return BAD_TOKENS.map((bad) =>
    check({
      id: `contract.${kebab(op.operationId)}.token.${bad.slug}`,
      title: `${op.operationId} (${op.method.toUpperCase()} ${op.path}) refuses ${bad.what}: 401 problem+json with WWW-Authenticate: Bearer`,
      area: 'authentication',
      requirements: [...bad.requirements, 'DVC-ERR-001'],
      run: async (ctx: Ctx) => {
        // A citizen operation's token names its citizen; everything but the fault is right.
        const claims = forCitizen ? { SoDinhDanh: citizen(ctx).SoDinhDanh, sub: citizen(ctx).sub } : undefined;
        await refusedToken(ctx, op, await bad.make(ctx, claims), bad.what, bad.requirements);
      },
    }),
  );
}

/** A valid portal token with every agency scope but the operation's: 403 insufficient_scope. */
function missingScopeCheck(op: OperationInfo): Check | undefined {
  const needed = portalScopes(op);
  if (needed.length === 0) return undefined;
  const others = AGENCY_SCOPES.filter((s) => !needed.includes(s));
  return check({
    id: `contract.${kebab(op.operationId)}.token.missing-scope`,
    title: `${op.operationId} refuses a token without ${needed.join(' ')} (every other agency scope granted): 403 insufficient_scope`,
    area: 'authentication',
    requirements: ['DVC-AUTH-011'],
    run: async (ctx: Ctx) => {
      const code = await dossierFor(ctx, op);
      const example = portalBody(op)?.example as Json | undefined;
      const body = example && typeof example === 'object' ? await validBody(ctx, op, example, code) : undefined;
      const res = await asPortal(ctx, { method: op.method.toUpperCase(), path: pathFor(op, code), ...(body ? { body } : {}), scope: others.join(' '), label: `${op.operationId} with a token lacking ${needed.join(' ')}` });
      ctx.verify(res.status === 403, { message: `${op.operationId} with a token lacking ${needed.join(' ')} is refused with 403`, expected: 403, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      ctx.verify(/insufficient_scope/.test(res.headers['www-authenticate'] ?? ''), { message: 'The 403 says error="insufficient_scope" in WWW-Authenticate', expected: 'Bearer error="insufficient_scope"', found: res.headers['www-authenticate'] ?? 'none', response: res });
      if (res.status >= 400) verifyProblem(ctx, res, `${op.operationId} without its scope`);
    },
  });
}

/** The token checks of every operation but receiveDossier (the authentication checks call it with each bad token). */
export function operationTokenChecks(): Check[] {
  return listOperations('agency-system')
    .filter((op) => op.operationId !== 'receiveDossier')
    .flatMap((op) => [...badTokenChecks(op), ...[missingScopeCheck(op)].filter((c): c is Check => c !== undefined)]);
}
