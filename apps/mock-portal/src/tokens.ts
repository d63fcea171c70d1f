import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Clock } from './clock.js';
import { HttpProblem, PROBLEM } from './problem.js';
import type { SigningKeys } from './signing-keys.js';
import type { PortalStore, RegisteredSystem } from './store.js';
import type { Caller } from './types.js';

export const ACCESS_TOKEN_AUDIENCE = 'dvcqg-api';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const SYSTEM_SCOPES = [
  'catalogue.read', 'dossiers.read', 'dossiers.write', 'feedback.read', 'feedback.write',
  'evaluations.read', 'evaluations.write', 'statistics.read', 'statistics.write', 'payments.read', 'payments.write',
] as const;
const ASSERTION_ALGS = ['RS256', 'PS256', 'ES256'];
const MAX_ASSERTION_LIFETIME = 300;

/** An RFC 6749 §5.2 error of the token endpoint. */
export class OAuthError extends Error {
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope',
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

interface CachedToken {
  caller: Caller;
  exp: number;
  gen: number;
}

export interface TokenServiceOptions {
  issuer: () => string;
  keys: SigningKeys;
  store: PortalStore;
  clock: Clock;
  accessTokenTtlSeconds: number;
}

/**
 * System-to-system tokens: checks `private_key_jwt` assertions (signature by a registered
 * key, iss = sub = client_id, aud = the token endpoint, single-use jti, short lifetime) and
 * `client_secret_basic`, issues access tokens signed by the portal, and checks them on
 * every call (signature, issuer, audience, expiry, scope).
 */
export class TokenService {
  private readonly usedJti = new Map<string, number>();
  private readonly verified = new Map<string, CachedToken>();
  /** Fault injection: tokens of an older generation are treated as expired. */
  generation = 0;

  constructor(private readonly options: TokenServiceOptions) {}

  get tokenEndpoint(): string {
    return `${this.options.issuer()}/oauth2/token`;
  }

  /** Authenticates the client of a token request; returns its registration. */
  async authenticateClient(form: URLSearchParams, authorization: string | undefined): Promise<RegisteredSystem> {
    const assertion = form.get('client_assertion');
    if (authorization?.toLowerCase().startsWith('basic ')) {
      if (assertion) throw new OAuthError('invalid_request', 'use one client authentication method, not both');
      return this.checkBasic(authorization.slice(6).trim());
    }
    if (!assertion) throw new OAuthError('invalid_client', 'no client authentication: send a private_key_jwt client_assertion or use client_secret_basic');
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    }
    return this.checkAssertion(assertion, form.get('client_id'));
  }

  private checkBasic(encoded: string): RegisteredSystem {
    let decoded: string;
    try {
      decoded = Buffer.from(encoded, 'base64').toString('utf8');
    } catch {
      throw new OAuthError('invalid_client', 'malformed Basic credentials');
    }
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials');
    const clientId = decodeURIComponent(decoded.slice(0, colon));
    const secret = decodeURIComponent(decoded.slice(colon + 1));
    const system = this.options.store.systems.get(clientId);
    if (!system?.clientSecret || !timingSafeEqualString(system.clientSecret, secret)) {
      throw new OAuthError('invalid_client', 'unknown client or wrong client secret');
    }
    return system;
  }

  private async checkAssertion(assertion: string, formClientId: string | null): Promise<RegisteredSystem> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(assertion);
      const body = assertion.split('.')[1] ?? '';
      unverified = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as JWTPayload;
    } catch {
      throw new OAuthError('invalid_client', 'client_assertion is not a JWT');
    }
    if (typeof header.alg !== 'string' || !ASSERTION_ALGS.includes(header.alg)) {
      throw new OAuthError('invalid_client', `client_assertion alg must be one of ${ASSERTION_ALGS.join(', ')}, got ${String(header.alg)}`);
    }
    const clientId = typeof unverified.iss === 'string' ? unverified.iss : '';
    const system = this.options.store.systems.get(clientId);
    if (!system) throw new OAuthError('invalid_client', `unknown client ${JSON.stringify(clientId)}`);
    if (formClientId !== null && formClientId !== clientId) throw new OAuthError('invalid_client', 'client_id does not match the assertion issuer');
    const now = this.options.clock.now();
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(assertion, this.keyResolver(system), {
        issuer: clientId,
        subject: clientId,
        audience: this.tokenEndpoint,
        algorithms: ASSERTION_ALGS,
        currentDate: new Date(now),
        clockTolerance: 30,
        requiredClaims: ['jti', 'exp', 'iat'],
      });
      payload = verified.payload;
    } catch (e) {
      throw new OAuthError('invalid_client', `client_assertion rejected: ${(e as Error).message}`);
    }
    if (payload.exp! - payload.iat! > MAX_ASSERTION_LIFETIME) {
      throw new OAuthError('invalid_client', `client_assertion exp must be at most ${MAX_ASSERTION_LIFETIME} s after iat`);
    }
    const jtiKey = `${clientId}\u0000${payload.jti!}`;
    this.sweepJti(now);
    if (this.usedJti.has(jtiKey)) throw new OAuthError('invalid_client', 'client_assertion jti has already been used');
    this.usedJti.set(jtiKey, payload.exp! * 1000 + 60_000);
    return system;
  }

  private keyResolver(system: RegisteredSystem): Parameters<typeof jwtVerify>[1] {
    const keys = [...(system.jwks?.keys ?? [])];
    if (system.certificatePem) {
      const leaf = new X509Certificate(system.certificatePem);
      const jwk = leaf.publicKey.export({ format: 'jwk' });
      keys.push(jwk as never);
    }
    if (keys.length === 0) throw new OAuthError('invalid_client', 'the client has no registered public key; use client_secret_basic');
    return createLocalJWKSet({ keys }) as Parameters<typeof jwtVerify>[1];
  }

  private sweepJti(now: number): void {
    if (this.usedJti.size < 10_000) return;
    for (const [k, until] of this.usedJti) if (until < now) this.usedJti.delete(k);
  }

  /** Grants the requested scopes if the system may have them. */
  grantScopes(system: RegisteredSystem, requested: string | null): string[] {
    if (!requested) return [...system.scopes];
    const wanted = requested.split(' ').filter(Boolean);
    const refused = wanted.filter((s) => !system.scopes.includes(s));
    if (refused.length > 0) throw new OAuthError('invalid_scope', `scope not allowed for this client: ${refused.join(' ')}`);
    return wanted;
  }

  async issueAccessToken(system: RegisteredSystem, scopes: string[]): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }> {
    const now = Math.floor(this.options.clock.now() / 1000);
    const ttl = this.options.accessTokenTtlSeconds;
    const key = this.options.keys.current;
    const token = await new SignJWT({ scope: scopes.join(' '), agency: system.agencyCode, client_id: system.clientId, gen: this.generation })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.options.issuer())
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setSubject(system.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' ') };
  }

  /** Checks a bearer token of a system (401 problem when it is not acceptable). */
  async authenticateBearer(authorization: string | undefined): Promise<Caller> {
    if (!authorization) throw unauthorized('No access token: send Authorization: Bearer <token>.', 'invalid_request');
    const now = this.options.clock.now();
    // Cached by the header value as received: a hit costs one map lookup.
    const cached = this.verified.get(authorization);
    if (cached) {
      if (cached.exp * 1000 <= now) throw unauthorized('The access token has expired.');
      if (cached.gen !== this.generation) throw unauthorized('The access token has expired.');
      return cached.caller;
    }
    if (!/^bearer /i.test(authorization)) throw unauthorized('The Authorization scheme must be Bearer.', 'invalid_request');
    const token = authorization.slice(7).trim();
    let payload: JWTPayload;
    try {
      const verified = await jwtVerify(token, createLocalJWKSet(this.options.keys.jwks()), {
        issuer: this.options.issuer(),
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: ['RS256', 'ES256', 'PS256'],
        currentDate: new Date(now),
        requiredClaims: ['exp', 'sub'],
      });
      payload = verified.payload;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_JWT_EXPIRED') throw unauthorized('The access token has expired.');
      throw unauthorized(`The access token is not valid: ${(e as Error).message}`);
    }
    if ((payload.gen ?? 0) !== this.generation) throw unauthorized('The access token has expired.');
    const sub = String(payload.sub);
    let caller: Caller;
    if (typeof payload.agency === 'string') {
      caller = { kind: 'system', clientId: sub, agencyCode: payload.agency, scopes: new Set(String(payload.scope ?? '').split(' ').filter(Boolean)) };
    } else {
      caller = { kind: 'citizen', sub, clientId: String(payload.client_id ?? ''), scopes: new Set(String(payload.scope ?? '').split(' ').filter(Boolean)) };
    }
    if (this.verified.size > 50_000) this.verified.clear();
    this.verified.set(authorization, { caller, exp: payload.exp!, gen: this.generation });
    return caller;
  }
}

function unauthorized(detail: string, error = 'invalid_token'): HttpProblem {
  return new HttpProblem(PROBLEM.unauthorized, detail, { headers: { 'www-authenticate': `Bearer error="${error}", error_description="${detail.replace(/"/g, "'")}"` } });
}

function timingSafeEqualString(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return ha.equals(hb);
}
