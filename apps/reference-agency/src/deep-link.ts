import { sessionAccount } from './accounts.js';
import { findOfferedProcedure } from './catalogue.js';
import { problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The submission form's address for a local procedure code (and the agency, when given). */
function formUrl(services: AgencyServices, local: string, agency: string | null): string {
  const form = new URL(`${services.config.publicUrl}/nop-ho-so/${encodeURIComponent(local)}`);
  if (agency) form.searchParams.set('MaCoQuanThucHien', agency);
  return form.toString();
}

/**
 * openDeepLink: `GET /dvc?vnconnect=1&MaTTHCDP=…` (DVC-SSO-008). A signed-in citizen goes
 * straight to the submission form of that procedure; an anonymous one to the national
 * portal's sign-on (code flow, PKCE S256, nonce, LoA2) with the form's address in `state`.
 */
export async function openDeepLink(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  validateAgainstSpec('openDeepLink', ctx, undefined, services.mutant);
  const local = ctx.query.get('MaTTHCDP')!;
  if (!findOfferedProcedure(local, services.config.agencyCode)) throw problems.notFound(`This system does not offer the procedure ${local} online.`);
  const form = formUrl(services, local, ctx.query.get('MaCoQuanThucHien'));
  if (sessionAccount(services, ctx)) return { status: 302, headers: { location: form, 'cache-control': 'no-store' } };
  let location: string;
  try {
    location = await services.signOn.start(form);
  } catch {
    throw problems.unavailable("The national portal's sign-on cannot be reached.");
  }
  return { status: 302, headers: { location, 'cache-control': 'no-store' } };
}

/**
 * signOnCallback: `GET /dvc/callback`, where the portal sends the citizen back after sign-on.
 * The userinfo opens or updates the citizen's account, keyed by TechID (DVC-SSO-006); the
 * session carries the account key.
 */
export async function signOnCallback(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  validateAgainstSpec('signOnCallback', ctx, undefined, services.mutant);
  const error = ctx.query.get('error');
  if (error) throw problems.unauthorized(`Sign-on refused by the national portal: ${error.slice(0, 200)}.`, 'invalid_request');
  let done: Awaited<ReturnType<AgencyServices['signOn']['finish']>>;
  try {
    done = await services.signOn.finish(`${ctx.path}?${ctx.query.toString()}`);
  } catch (error) {
    throw problems.unauthorized(`Sign-on refused: ${(error as Error).message}`, 'invalid_request');
  }
  const account = services.accounts.signIn(done.user);
  const cookie = services.signOn.sessionValue(account.id, done.acr);
  return { status: 302, headers: { location: done.returnTo, 'set-cookie': services.signOn.setCookie(cookie), 'cache-control': 'no-store' } };
}

/** `GET /nop-ho-so/{MaTTHC}`: the submission form, for a signed-in citizen. */
export function submissionForm(services: AgencyServices, ctx: RequestContext): Reply {
  const local = ctx.params.MaTTHC!;
  const procedure = findOfferedProcedure(local, services.config.agencyCode);
  if (!procedure) throw problems.notFound(`This system does not offer the procedure ${local} online.`);
  const account = sessionAccount(services, ctx);
  if (!account) {
    const again = new URL(`${services.config.publicUrl}/dvc`);
    again.search = new URLSearchParams({ vnconnect: '1', MaTTHCDP: local }).toString();
    return { status: 302, headers: { location: again.toString(), 'cache-control': 'no-store' } };
  }
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Nộp hồ sơ trực tuyến — ${escapeHtml(procedure.TenTTHC)}</title></head>
<body><h1>${escapeHtml(procedure.TenTTHC)}</h1>
<p>Người nộp: <strong id="citizen">${escapeHtml(account.HoVaTen ?? account.sub)}</strong>${account.SoDinhDanh ? ` (số định danh ${escapeHtml(account.SoDinhDanh.slice(0, 3))}…)` : ''}</p>
<form method="post" action="#"><p>Mã thủ tục: ${escapeHtml(local)} — thời hạn giải quyết ${procedure.ThoiHanGiaiQuyet} ngày làm việc.</p>
${procedure.components.map((c) => `<label>${c} <input type="file" name="${c}"></label>`).join('\n')}
</form></body></html>`;
  return { status: 200, headers: { 'cache-control': 'no-store' }, body: html, contentType: 'text/html' };
}
