import { createHmac } from 'node:crypto';
import type { OperationInfo } from '@dvc-kit/spec';
import { dossierFor, pathFor, portalBody, validBody, type Json } from './operation-support.js';
import { asPortal, verifyProblem, type Ctx } from './support.js';

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const [h, p] = token.split('.');
  try {
    return { header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')), payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) };
  } catch {
    return undefined;
  }
}

/** An access token that must be refused with 401, made by the suite's portal with one thing wrong. */
export interface BadToken {
  /** Check-id segment: `expired`, `alg-none`, … */
  slug: string;
  /** How it reads after "with": `a token that expired 2 minutes ago`. */
  what: string;
  requirements: string[];
  /** `claims` are added to the token (a citizen's SoDinhDanh for the citizen operations). */
  make(ctx: Ctx, claims?: Record<string, unknown>): Promise<string>;
}

const signed = (ctx: Ctx, claims: Record<string, unknown> | undefined) => ctx.env.portal.systemToken(claims ? { extraClaims: claims } : {});

export const BAD_TOKENS: readonly BadToken[] = [
  { slug: 'expired', what: 'a token that expired 2 minutes ago', requirements: ['DVC-AUTH-005'], make: (ctx, claims) => ctx.env.portal.systemToken({ expiresIn: -120, ...(claims ? { extraClaims: claims } : {}) }) },
  { slug: 'wrong-audience', what: 'a token whose aud is another system', requirements: ['DVC-AUTH-005'], make: (ctx, claims) => ctx.env.portal.systemToken({ audience: 'another-agency-system', ...(claims ? { extraClaims: claims } : {}) }) },
  { slug: 'foreign-key', what: 'a token signed by a key outside the JWKS', requirements: ['DVC-AUTH-005'], make: async (ctx, claims) => ctx.env.portal.systemToken({ foreignKey: await ctx.env.portal.foreignKey(), ...(claims ? { extraClaims: claims } : {}) }) },
  { slug: 'wrong-issuer', what: 'a token from another issuer', requirements: ['DVC-AUTH-005'], make: (ctx, claims) => ctx.env.portal.systemToken({ issuer: 'https://xacthuc.example.invalid', ...(claims ? { extraClaims: claims } : {}) }) },
  {
    slug: 'alg-none',
    what: 'an unsigned token (alg none)',
    requirements: ['DVC-AUTH-004', 'DVC-AUTH-005'],
    make: async (ctx, claims) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(decodeJwt(await signed(ctx, claims))!.payload)}.`,
  },
  {
    slug: 'hs256-jwks',
    what: 'an HS256 token keyed with the public JWKS',
    requirements: ['DVC-AUTH-004', 'DVC-AUTH-005'],
    make: async (ctx, claims) => {
      const valid = decodeJwt(await signed(ctx, claims))!;
      const head = `${b64url({ alg: 'HS256', typ: 'JWT', kid: valid.header.kid })}.${b64url(valid.payload)}`;
      const jwks = await (await ctx.env.fetch(`${ctx.env.portal.url}/.well-known/jwks.json`)).text();
      return `${head}.${createHmac('sha256', jwks).update(head).digest('base64url')}`;
    },
  },
];

export const badToken = (slug: string): BadToken => BAD_TOKENS.find((t) => t.slug === slug)!;

/**
 * Calls `op` with `token` (null: none) and an otherwise acceptable request — a real dossier in
 * the path, a body the system would take — so that a route that does not check the token
 * answers something else than 401: 401 problem+json with a Bearer challenge.
 */
export async function refusedToken(ctx: Ctx, op: OperationInfo, token: string | null, what: string, requirements: string[]): Promise<void> {
  const code = await dossierFor(ctx, op);
  const example = portalBody(op)?.example as Json | undefined;
  const body = example && typeof example === 'object' ? await validBody(ctx, op, example, code) : undefined;
  const res = await asPortal(ctx, { method: op.method.toUpperCase(), path: pathFor(op, code), ...(body ? { body } : {}), token, label: `${op.operationId} with ${what}` });
  ctx.verify(res.status === 401, { requirements, message: `${op.operationId} with ${what} is refused with 401`, expected: 401, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
  ctx.verify(/^Bearer\b/i.test(res.headers['www-authenticate'] ?? ''), { requirements, message: `The 401 for ${what} carries a WWW-Authenticate: Bearer challenge`, expected: 'WWW-Authenticate: Bearer …', found: res.headers['www-authenticate'] ?? 'none', response: res });
  if (res.status >= 400) verifyProblem(ctx, res, `${op.operationId} with ${what}`);
  if (res.status >= 200 && res.status < 300) ctx.note(`${op.operationId} was carried out (${res.status}) for a request with ${what}.`);
}
