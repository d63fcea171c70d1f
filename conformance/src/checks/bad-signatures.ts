import { createHmac } from 'node:crypto';
import { canonicalize } from '@dvc-kit/signature';
import { b64url } from './bad-tokens.js';
import { anotherAgency, type Ctx } from './support.js';

/**
 * The X-DVC-Signature values a receiver must refuse, each over `body`: what is wrong, the
 * requirement that says so, and how the suite makes it (null: no header at all). Shared by
 * receiveDossier's signatures.* checks and the per-operation ones.
 */
export interface BadSignature {
  slug: string;
  what: string;
  requirements: string[];
  make(ctx: Ctx, body: unknown): Promise<string | null>;
}

/** A JWS over the JCS form of `body` with alg HS256, keyed with a guessable secret (the header is the portal's own). */
export async function hs256Signature(ctx: Ctx, body: unknown): Promise<string> {
  const genuine = await ctx.env.portal.sign(body);
  const header = JSON.parse(Buffer.from(genuine.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const h = b64url({ ...header, alg: 'HS256' });
  const mac = createHmac('sha256', 'secret').update(Buffer.concat([Buffer.from(`${h}.`), Buffer.from(canonicalize(body))])).digest('base64url');
  return `${h}..${mac}`;
}

/** A certificate of another agency's system from the trusted government CA: a valid chain, the wrong signer. */
export function otherAgencySigner(ctx: Ctx): { code: string; party: ReturnType<Ctx['env']['portal']['pki']['issueEndEntity']> } {
  const code = anotherAgency(ctx.env.portal.agencyCode);
  return { code, party: ctx.env.portal.pki.issueEndEntity({ subject: { commonName: `Hệ thống một cửa ${code}`, organization: code, country: 'VN' }, issuer: 'governmentCa' }) };
}

export const BAD_SIGNATURES: readonly BadSignature[] = [
  { slug: 'missing', what: 'no X-DVC-Signature', requirements: ['DVC-SIG-004'], make: async () => null },
  {
    slug: 'tampered',
    what: 'a signature over another body (changed after signing)',
    requirements: ['DVC-SIG-004', 'DVC-SIG-001'],
    make: (ctx, body) => ctx.env.portal.sign({ ...(body as Record<string, unknown>), TruongDaSua: 'đã sửa sau khi ký' }),
  },
  {
    slug: 'untrusted-chain',
    what: 'a signature by a certificate outside the trust anchors',
    requirements: ['DVC-SIG-003', 'DVC-SIG-004'],
    make: async (ctx, body) => ctx.env.portal.sign(body, await ctx.env.portal.untrustedSigner()),
  },
  {
    slug: 'other-agency-signer',
    what: "a signature by another agency system's certificate (trusted chain)",
    requirements: ['DVC-SIG-005'],
    make: async (ctx, body) => ctx.env.portal.sign(body, await otherAgencySigner(ctx).party),
  },
  { slug: 'hs256', what: 'an HS256 signature (an algorithm the standard does not allow)', requirements: ['DVC-SIG-002'], make: hs256Signature },
];
