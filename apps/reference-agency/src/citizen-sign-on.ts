import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createCitizenSignOn, type CitizenSignOn } from '@dvc-kit/auth';
import type { UserInfo } from '@dvc-kit/spec';
import type { Dispatcher } from 'undici';
import type { AgencyConfig } from './config.js';

/** Sign-on state and session cookies live this long. */
const STATE_TTL_MS = 10 * 60_000;
const SESSION_TTL_MS = 30 * 60_000;
export const SESSION_COOKIE = 'dvc_session';

/** Who is signed in: the account key (see accounts.ts), the level of assurance, the expiry. */
export interface CitizenSession {
  account: string;
  acr?: string;
  exp: number;
}

/**
 * Citizen sign-on through the national portal (DVC-SSO-001..008) without server-side
 * sessions: `state` is signed with the server's secret and carries the return address; the
 * nonce and PKCE verifier are derived from it; the session is a signed, HttpOnly cookie.
 */
export class CitizenSignOnFlow {
  readonly #secret: Buffer;
  readonly #config: AgencyConfig;
  #signOn: CitizenSignOn | undefined;

  readonly #dispatcher: Dispatcher | undefined;

  /** `dispatcher`: the portal transport (its TLS trust), for discovery, token and userinfo. */
  constructor(config: AgencyConfig, secret: Buffer, dispatcher?: Dispatcher) {
    this.#config = config;
    this.#secret = secret;
    this.#dispatcher = dispatcher;
  }

  get redirectUri(): string {
    return `${this.#config.publicUrl}/dvc/callback`;
  }

  #client(): CitizenSignOn {
    this.#signOn ??= createCitizenSignOn({
      issuer: this.#config.portalUrl,
      clientId: this.#config.clientId,
      redirectUri: this.redirectUri,
      privateKey: this.#config.clientKeyPem,
      allowInsecureRequests: this.#config.portalUrl.startsWith('http:'),
      ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
    });
    return this.#signOn;
  }

  #mac(what: string): string {
    return createHmac('sha256', this.#secret).update(what).digest('base64url');
  }

  #derived(state: string) {
    return { nonce: this.#mac(`nonce:${state}`), codeVerifier: this.#mac(`pkce:${state}`) };
  }

  /** The portal's authorization URL for an anonymous visitor who should come back to `returnTo`. */
  async start(returnTo: string): Promise<string> {
    const payload = Buffer.from(JSON.stringify({ r: returnTo, t: Date.now(), n: randomBytes(8).toString('base64url') })).toString('base64url');
    const state = `${payload}.${this.#mac(`state:${payload}`)}`;
    const { url } = await this.#client().authorizationUrl({ acr: 'LoA2', state, ...this.#derived(state) });
    return url;
  }

  /**
   * Finishes the sign-on: the user as the portal's userinfo describes them (claim names as the
   * portal's) and where to send the browser. Throws on a bad callback.
   */
  async finish(callbackUrl: string): Promise<{ user: UserInfo; acr: string | undefined; returnTo: string }> {
    const state = new URL(callbackUrl, this.#config.publicUrl).searchParams.get('state') ?? '';
    const [payload, mac] = state.split('.');
    if (!payload || !mac || !safeEqual(mac, this.#mac(`state:${payload}`))) throw new Error('the state is missing or was not issued here');
    const { r, t } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { r: string; t: number };
    if (Date.now() - t > STATE_TTL_MS) throw new Error('the sign-on took too long; start again');
    if (!r.startsWith(`${this.#config.publicUrl}/`)) throw new Error('the return address is not on this site');
    const { profile, claims } = await this.#client().handleCallback(new URL(callbackUrl, this.#config.publicUrl), { state, ...this.#derived(state), acr: 'LoA2' });
    return { user: profile.claims, acr: typeof claims.acr === 'string' ? claims.acr : undefined, returnTo: r };
  }

  /** The value of a new session cookie for an account. */
  sessionValue(account: string, acr: string | undefined): string {
    const session: CitizenSession = { account, ...(acr ? { acr } : {}), exp: Date.now() + SESSION_TTL_MS };
    const value = Buffer.from(JSON.stringify(session)).toString('base64url');
    return `${value}.${this.#mac(`session:${value}`)}`;
  }

  /** The session of a request's Cookie header, if valid. */
  session(cookieHeader: string | undefined): CitizenSession | undefined {
    const raw = cookieHeader?.split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
    const [value, mac] = raw?.split('.') ?? [];
    if (!value || !mac || !safeEqual(mac, this.#mac(`session:${value}`))) return undefined;
    try {
      const session = JSON.parse(Buffer.from(value, 'base64url').toString()) as CitizenSession;
      return typeof session.account === 'string' && session.exp > Date.now() ? session : undefined;
    } catch {
      return undefined;
    }
  }

  setCookie(value: string): string {
    const secure = this.#config.publicUrl.startsWith('https:') ? '; Secure' : '';
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_MS / 1000}${secure}`;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a === b;
}
