import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { AuthConfigError } from './errors.js';
import type { SigningKey } from './private-key.js';

/** The portal refuses assertions that live longer than this. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

export interface ClientAssertionOptions {
  clientId: string;
  /** The token endpoint URL: the portal checks `aud` against it. */
  audience: string;
  signingKey: SigningKey;
  lifetimeSeconds?: number;
}

/**
 * A `private_key_jwt` client assertion (RFC 7523): iss = sub = client_id, aud = token endpoint,
 * a fresh jti (the portal rejects replays), iat and a short exp.
 */
export async function createClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? 60;
  if (!(lifetime > 0 && lifetime <= MAX_ASSERTION_LIFETIME_SECONDS)) {
    throw new AuthConfigError(
      `assertion lifetime must be between 1 and ${MAX_ASSERTION_LIFETIME_SECONDS} seconds, got ${lifetime}`,
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const { key, alg, kid } = options.signingKey;
  return new SignJWT({})
    .setProtectedHeader(kid === undefined ? { alg, typ: 'JWT' } : { alg, kid, typ: 'JWT' })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(key);
}
