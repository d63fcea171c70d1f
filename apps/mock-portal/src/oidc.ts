import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import type { UserInfo } from '@dvc-kit/spec';
import type { Clock } from './clock.js';
import { HttpProblem, PROBLEM } from './problem.js';
import type { SigningKeys } from './signing-keys.js';
import type { PortalStore, RegisteredSystem } from './store.js';
import { CitizenRegistry } from './test-citizens.js';
import { OAuthError } from './tokens.js';

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string;
  acr: string;
  scope: string;
  sub: string;
  expiresAt: number;
  used: boolean;
}

const CODE_TTL_MS = 60_000;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The portal's citizen sign-on, shaped like xacthuc.dichvucong.gov.vn: authorization code
 * with PKCE (S256), `state`, `nonce`, `acr_values` LoA1–LoA3. Strict on redirect_uri
 * (exact match), code replay (a second use fails), code expiry and the verifier.
 */
export class OidcProvider {
  private readonly codes = new Map<string, PendingCode>();

  /** The citizens this portal's sign-on knows (tests add citizens and change their claims here). */
  readonly citizens = new CitizenRegistry();

  constructor(
    private readonly options: { issuer: () => string; keys: SigningKeys; store: PortalStore; clock: Clock; tokenTtlSeconds: number },
  ) {}

  private clientFor(clientId: string, redirectUri: string): RegisteredSystem {
    const system = this.options.store.systems.get(clientId);
    if (!system) throw new HttpProblem(PROBLEM.malformed, `client_id ${JSON.stringify(clientId)} is not registered.`);
    if (!system.redirectUris.includes(redirectUri)) throw new HttpProblem(PROBLEM.malformed, 'redirect_uri is not registered for this client');
    return system;
  }

  /** GET /oauth2/authorize: the login page, or (with `login_hint`) the redirect with a code. */
  authorize(query: URLSearchParams): { status: number; headers: Record<string, string>; body?: string } {
    const clientId = query.get('client_id')!;
    const redirectUri = query.get('redirect_uri')!;
    this.clientFor(clientId, redirectUri);
    const state = query.get('state')!;
    const back = (params: Record<string, string>) => {
      const url = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      url.searchParams.set('state', state);
      return { status: 302, headers: { location: url.toString() } };
    };
    const scope = query.get('scope')!;
    if (!scope.split(' ').includes('openid')) return back({ error: 'invalid_scope', error_description: 'scope must contain openid' });
    const acr = query.get('acr_values') ?? 'LoA1';
    const hint = query.get('login_hint');
    if (!hint) return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: this.loginPage(query, acr) };
    const citizen = this.citizens.find(hint);
    if (!citizen) return back({ error: 'access_denied', error_description: 'unknown test citizen' });
    if (!citizen.loAs?.includes(acr as 'LoA1')) return back({ error: 'access_denied', error_description: `the account does not hold ${acr}` });
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, {
      clientId, redirectUri, codeChallenge: query.get('code_challenge')!, nonce: query.get('nonce')!, acr, scope, sub: citizen.sub,
      expiresAt: this.options.clock.now() + CODE_TTL_MS, used: false,
    });
    return back({ code });
  }

  private loginPage(query: URLSearchParams, acr: string): string {
    const items = this.citizens.list().filter((c) => c.loAs?.includes(acr as 'LoA1'))
      .map((c) => {
        const q = new URLSearchParams(query);
        q.set('login_hint', c.sub);
        return `<li><a data-sub="${escapeHtml(c.sub)}" href="/oauth2/authorize?${escapeHtml(q.toString())}">${escapeHtml(c.HoVaTen ?? c.sub)} — ${escapeHtml(c.SoDinhDanh ?? '')} (${escapeHtml((c.loAs ?? []).join(', '))})</a></li>`;
      })
      .join('\n');
    return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập — Cổng DVC quốc gia (mock)</title></head>
<body><h1>Đăng nhập</h1><p>Chọn một công dân thử nghiệm (mức ${escapeHtml(acr)}). VNeID is simulated.</p><ul id="citizens">${items}</ul></body></html>`;
  }

  /** grant_type=authorization_code, for an authenticated client. */
  async exchangeCode(system: RegisteredSystem, form: URLSearchParams): Promise<Record<string, unknown>> {
    const code = form.get('code');
    const verifier = form.get('code_verifier');
    const redirectUri = form.get('redirect_uri');
    if (!code || !verifier || !redirectUri) throw new OAuthError('invalid_request', 'code, code_verifier and redirect_uri are required');
    const pending = this.codes.get(code);
    const now = this.options.clock.now();
    if (!pending) throw new OAuthError('invalid_grant', 'unknown authorization code');
    if (pending.used) {
      this.codes.delete(code);
      throw new OAuthError('invalid_grant', 'authorization code has already been used');
    }
    pending.used = true;
    if (pending.expiresAt < now) throw new OAuthError('invalid_grant', 'authorization code has expired');
    if (pending.clientId !== system.clientId) throw new OAuthError('invalid_grant', 'authorization code was issued to another client');
    if (pending.redirectUri !== redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri differs from the authorization request');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (challenge !== pending.codeChallenge) throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge (S256)');
    const citizen = this.citizens.find(pending.sub);
    if (!citizen) throw new OAuthError('invalid_grant', 'the account no longer exists');
    const nowS = Math.floor(now / 1000);
    const ttl = this.options.tokenTtlSeconds;
    const key = this.options.keys.current;
    const idToken = await new SignJWT({ nonce: pending.nonce, acr: pending.acr, auth_time: nowS, TechID: citizen.TechID, LoaiTaiKhoan: citizen.LoaiTaiKhoan, loAs: citizen.loAs })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.options.issuer()).setAudience(system.clientId).setSubject(citizen.sub)
      .setIssuedAt(nowS).setExpirationTime(nowS + ttl).sign(key.privateKey);
    const accessToken = await this.citizenAccessToken(system.clientId, citizen, pending.scope, pending.acr);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope: pending.scope, id_token: idToken };
  }

  /** A citizen access token for a client (aud = client id, claim SoDinhDanh), as the lookup API expects. */
  async citizenAccessToken(clientId: string, citizen: UserInfo, scope = 'openid', acr = 'LoA1'): Promise<string> {
    const nowS = Math.floor(this.options.clock.now() / 1000);
    const key = this.options.keys.current;
    return new SignJWT({ scope, acr, SoDinhDanh: citizen.SoDinhDanh, client_id: clientId })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.options.issuer()).setAudience(clientId).setSubject(citizen.sub)
      .setIssuedAt(nowS).setExpirationTime(nowS + this.options.tokenTtlSeconds).setJti(randomUUID()).sign(key.privateKey);
  }

  /** GET /oauth2/userinfo with a citizen access token. */
  async userInfo(authorization: string | undefined): Promise<UserInfo> {
    const fail = (detail: string) => new HttpProblem(PROBLEM.unauthorized, detail, { headers: { 'www-authenticate': `Bearer error="invalid_token"` } });
    if (!authorization || !/^bearer /i.test(authorization)) throw fail('No citizen access token.');
    try {
      const { payload } = await jwtVerify(authorization.slice(7).trim(), createLocalJWKSet(this.options.keys.jwks()), {
        issuer: this.options.issuer(),
        algorithms: ['RS256'],
        currentDate: new Date(this.options.clock.now()),
      });
      const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      if (!aud || !this.options.store.systems.has(aud)) throw new Error('audience is not a registered client');
      if (!String(payload.scope ?? '').split(' ').includes('openid')) throw new Error('the token lacks the openid scope');
      const citizen = this.citizens.find(String(payload.sub));
      if (!citizen) throw new Error('unknown subject');
      return citizen;
    } catch (e) {
      throw fail(`The citizen access token is not valid: ${(e as Error).message}`);
    }
  }
}
