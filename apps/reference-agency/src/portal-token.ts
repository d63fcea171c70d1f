import { createRemoteJWKSet, customFetch, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { HttpProblem, problems } from './errors.js';
import type { Mutant } from './mutants.js';
import type { PortalDiscovery } from './portal-discovery.js';

const ALGORITHMS = ['RS256', 'PS256', 'ES256'];
const TEN_YEARS_S = 10 * 365 * 24 * 3600;

export interface VerifyTokenOptions {
  /** Scope the token must carry (portal tokens). */
  scope?: string;
  /** A citizen token: must carry the `SoDinhDanh` claim. */
  citizen?: boolean;
  /** Only for the feedback-token-decoded-only mutant: the claims are read, nothing is verified. */
  decodeOnly?: boolean;
}

export interface VerifiedToken {
  claims: JWTPayload & { scope?: string; SoDinhDanh?: string };
}

/**
 * Checks the bearer JWTs the national portal presents (DVC-AUTH-005, DVC-AUTH-011,
 * DVC-LKA-003): the signature against a key of the portal's JWKS, `iss` equal to the
 * portal's issuer, `aud` equal to this system's client id, `exp`, and the scope.
 */
export class PortalTokenVerifier {
  readonly #discovery: PortalDiscovery;
  readonly #clientId: string;
  readonly #mutant: Mutant;
  #jwks: { uri: string; set: ReturnType<typeof createRemoteJWKSet> } | undefined;

  constructor(discovery: PortalDiscovery, clientId: string, mutant: Mutant) {
    this.#discovery = discovery;
    this.#clientId = clientId;
    this.#mutant = mutant;
  }

  async verify(authorization: string | undefined, options: VerifyTokenOptions = {}): Promise<VerifiedToken> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization?.trim() ?? '');
    if (!match) throw problems.unauthorized('An Authorization: Bearer access token is required.', 'invalid_request');
    const token = match[1]!;
    const metadata = await this.#discovery.get();
    let claims: VerifiedToken['claims'];
    try {
      if (options.decodeOnly) claims = decodeJwt(token) as VerifiedToken['claims'];
      else claims = this.#mutant.is('token-signature-unchecked') ? this.#decodeOnly(token, metadata.issuer) : await this.#verify(token, metadata);
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      // The portal's JWKS cannot be read: our side's trouble, not a bad token.
      if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError) || error.code === 'ERR_JOSE_GENERIC') {
        throw problems.unavailable("The national portal's keys (JWKS) cannot be read; try again shortly.");
      }
      throw problems.unauthorized(describeJoseError(error));
    }
    if (options.scope && !this.#mutant.is('token-scope-unchecked')) {
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
      if (!scopes.includes(options.scope)) throw problems.insufficientScope(options.scope);
    }
    if (options.citizen && (typeof claims.SoDinhDanh !== 'string' || claims.SoDinhDanh === '')) {
      throw problems.unauthorized('The token is not a citizen token: it has no SoDinhDanh claim.');
    }
    return { claims };
  }

  async #verify(token: string, metadata: { issuer: string; jwks_uri: string }): Promise<VerifiedToken['claims']> {
    if (this.#jwks?.uri !== metadata.jwks_uri) {
      this.#jwks = { uri: metadata.jwks_uri, set: createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: 5000, cooldownDuration: 1000, [customFetch]: this.#discovery.fetch }) };
    }
    const { payload } = await jwtVerify(token, this.#jwks.set, {
      issuer: metadata.issuer,
      ...(this.#mutant.is('token-audience-unchecked') ? {} : { audience: this.#clientId }),
      algorithms: ALGORITHMS,
      requiredClaims: ['exp'],
      ...(this.#mutant.is('token-expiry-unchecked') ? { clockTolerance: TEN_YEARS_S } : { clockTolerance: 5 }),
    });
    return payload;
  }

  /** The token-signature-unchecked mutant: claims are checked, the signature is not. */
  #decodeOnly(token: string, issuer: string): VerifiedToken['claims'] {
    const claims = decodeJwt(token) as VerifiedToken['claims'];
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (claims.iss !== issuer) throw problems.unauthorized('The token was not issued by the national portal.');
    if (!aud.includes(this.#clientId)) throw problems.unauthorized('The token is not meant for this system (aud).');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) throw problems.unauthorized('The access token has expired.');
    return claims;
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token is not meant for this system (aud).';
    if (error.claim === 'iss') return 'The access token was not issued by the national portal (iss).';
    return `The access token's "${error.claim}" claim is invalid (${error.reason}).`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "No key of the portal's JWKS matches the token (kid).";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The access token signature is invalid.';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The access token is signed with an algorithm that is not allowed (RS256, PS256, ES256 only).';
  if (error instanceof joseErrors.JOSEError) return `The access token is invalid (${error.code}).`;
  return 'The access token is invalid.';
}
