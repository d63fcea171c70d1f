import { createHash, createHmac } from 'node:crypto';
import { findOfferedProcedure } from './catalogue.js';
import { problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';

/**
 * openDeepLink: `GET /dvc?vnconnect=1&MaTTHCDP=…` (DVC-SSO-008). This system keeps no
 * browser sessions, so every visitor is anonymous: it is sent to the national portal's
 * sign-on (code flow, PKCE S256, nonce) with the submission form's address in `state`.
 * The PKCE verifier and nonce are derived from `state` with the server's secret, so the
 * callback can recompute them without storing anything.
 */
export async function openDeepLink(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  validateAgainstSpec('openDeepLink', ctx, undefined, services.mutant);
  const local = ctx.query.get('MaTTHCDP')!;
  const procedure = findOfferedProcedure(local, services.config.agencyCode);
  if (!procedure) throw problems.notFound(`This system does not offer the procedure ${local} online.`);
  const form = new URL(`${services.config.publicUrl}/nop-ho-so/${encodeURIComponent(local)}`);
  const agency = ctx.query.get('MaCoQuanThucHien');
  if (agency) form.searchParams.set('MaCoQuanThucHien', agency);
  const metadata = await services.discovery.get();
  if (!metadata.authorization_endpoint) throw problems.unavailable('The national portal publishes no authorization_endpoint.');
  const state = Buffer.from(JSON.stringify({ r: form.toString(), t: Date.now() })).toString('base64url');
  const derive = (what: string) => createHmac('sha256', services.secret).update(`${what}:${state}`).digest('base64url');
  const challenge = createHash('sha256').update(derive('pkce')).digest('base64url');
  const authorize = new URL(metadata.authorization_endpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: services.config.clientId,
    redirect_uri: `${services.config.publicUrl}/dvc/callback`,
    scope: 'openid',
    acr_values: 'LoA2',
    state,
    nonce: derive('nonce'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  return { status: 302, headers: { location: authorize.toString(), 'cache-control': 'no-store' } };
}
