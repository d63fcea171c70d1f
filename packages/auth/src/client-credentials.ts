import { decodeJwt } from 'jose';
import type { Dispatcher } from 'undici';
import { createClientAssertion, MAX_ASSERTION_LIFETIME_SECONDS } from './client-assertion.js';
import { CredentialCache } from './credential-cache.js';
import type { BearerCredential, CredentialProvider } from './credential.js';
import { discoverIssuer } from './discovery.js';
import { AuthConfigError, TokenRequestError } from './errors.js';
import { importSigningKey, type PrivateKeyInput, type SigningAlgorithm, type SigningKey } from './private-key.js';
import { parseJsonObject, resolveDispatcher, send, withTimeout, type TransportOptions } from './transport.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientCredentialsOptions extends TransportOptions {
  /** The portal's issuer URL; the token endpoint is read from its discovery document. */
  issuer?: string;
  /** The token endpoint, when there is no discovery document to read. */
  tokenEndpoint?: string;
  clientId: string;
  /** Sign a `private_key_jwt` assertion with this key (the rest binding's method). */
  privateKey?: PrivateKeyInput;
  /** `kid` for the assertion header, when the key is not a JWK that carries one. */
  keyId?: string;
  alg?: SigningAlgorithm;
  /** Authenticate with `client_secret_basic` instead. */
  clientSecret?: string;
  scope?: string | string[];
  /** Renew this long before the token expires (default 60; at most half the token's lifetime). */
  refreshBeforeExpirySeconds?: number;
  /** `exp - iat` of each assertion (default 60, at most 300). */
  assertionLifetimeSeconds?: number;
  /** Give up on one token request after this long (default 30 000). */
  timeoutMs?: number;
}

/**
 * Access tokens for system-to-system calls (OAuth 2.0 client credentials), cached until shortly
 * before they expire and renewed single-flight.
 *
 * @example
 * const provider = clientCredentials({ issuer: 'https://portal.example', clientId: 'H01', privateKey: pem, scope: 'dossiers.write' });
 * const { token } = await provider.getCredential();
 */
export function clientCredentials(options: ClientCredentialsOptions): CredentialProvider {
  const settings = checkOptions(options);
  const dispatcher = resolveDispatcher(options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let tokenEndpoint: Promise<string> | undefined;

  const resolveTokenEndpoint = (): Promise<string> => {
    if (options.tokenEndpoint) return Promise.resolve(options.tokenEndpoint);
    tokenEndpoint ??= discoverIssuer(options.issuer as string, { dispatcher, timeoutMs }).then(
      (metadata) => {
        const wanted = settings.signingKey ? 'private_key_jwt' : 'client_secret_basic';
        const methods = metadata.token_endpoint_auth_methods_supported;
        if (methods && !methods.includes(wanted)) {
          throw new AuthConfigError(
            `the issuer ${metadata.issuer} does not support ${wanted} (it lists ${methods.join(', ')})`,
          );
        }
        return metadata.token_endpoint;
      },
      (error: unknown) => {
        tokenEndpoint = undefined; // try discovery again next time rather than caching a failure
        throw error;
      },
    );
    return tokenEndpoint;
  };

  const cache = new CredentialCache<BearerCredential>({
    refreshBeforeExpiryMs: (options.refreshBeforeExpirySeconds ?? 60) * 1000,
    load: async () => {
      const url = await resolveTokenEndpoint();
      return requestToken({
        url,
        clientId: options.clientId,
        signingKey: settings.signingKey,
        clientSecret: options.clientSecret,
        scope: settings.scope,
        assertionLifetimeSeconds: options.assertionLifetimeSeconds,
        dispatcher,
        signal: withTimeout(undefined, timeoutMs),
      });
    },
  });

  return {
    dispatcher,
    getCredential: (opts) => cache.get(opts?.signal),
    invalidate: (credential) => cache.invalidate(credential),
  };
}

function checkOptions(options: ClientCredentialsOptions): { signingKey: SigningKey | undefined; scope: string | undefined } {
  if (!options.clientId) throw new AuthConfigError('clientId is required');
  if (!options.issuer === !options.tokenEndpoint) {
    throw new AuthConfigError('give exactly one of `issuer` (discovery) or `tokenEndpoint`');
  }
  for (const [name, value] of [['issuer', options.issuer], ['tokenEndpoint', options.tokenEndpoint]] as const) {
    if (value !== undefined && !URL.canParse(value)) throw new AuthConfigError(`${name} is not a URL: ${value}`);
  }
  if ((options.privateKey === undefined) === (options.clientSecret === undefined)) {
    throw new AuthConfigError(
      'give exactly one of `privateKey` (private_key_jwt) or `clientSecret` (client_secret_basic)',
    );
  }
  const skew = options.refreshBeforeExpirySeconds;
  if (skew !== undefined && !(skew >= 0)) throw new AuthConfigError(`refreshBeforeExpirySeconds must be 0 or more, got ${skew}`);
  const lifetime = options.assertionLifetimeSeconds;
  if (lifetime !== undefined && !(lifetime > 0 && lifetime <= MAX_ASSERTION_LIFETIME_SECONDS)) {
    throw new AuthConfigError(
      `assertionLifetimeSeconds must be between 1 and ${MAX_ASSERTION_LIFETIME_SECONDS} (the portal's limit), got ${lifetime}`,
    );
  }
  const signingKey =
    options.privateKey === undefined
      ? undefined
      : importSigningKey(options.privateKey, {
          ...(options.alg ? { alg: options.alg } : {}),
          ...(options.keyId ? { keyId: options.keyId } : {}),
        });
  const scope = Array.isArray(options.scope) ? options.scope.join(' ') : options.scope;
  return { signingKey, scope: scope || undefined };
}

interface TokenRequest {
  url: string;
  clientId: string;
  signingKey: SigningKey | undefined;
  clientSecret: string | undefined;
  scope: string | undefined;
  assertionLifetimeSeconds: number | undefined;
  dispatcher: Dispatcher | undefined;
  signal: AbortSignal;
}

async function requestToken(request: TokenRequest): Promise<BearerCredential> {
  const { url } = request;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (request.scope) form.set('scope', request.scope);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (request.signingKey) {
    form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
    form.set(
      'client_assertion',
      await createClientAssertion({
        clientId: request.clientId,
        audience: url,
        signingKey: request.signingKey,
        ...(request.assertionLifetimeSeconds === undefined ? {} : { lifetimeSeconds: request.assertionLifetimeSeconds }),
      }),
    );
  } else {
    headers['authorization'] = basicAuthorization(request.clientId, request.clientSecret ?? '');
  }

  let answer;
  try {
    answer = await send({
      method: 'POST',
      url,
      headers,
      body: form.toString(),
      dispatcher: request.dispatcher,
      signal: request.signal,
    });
  } catch (cause) {
    throw new TokenRequestError(`could not reach the token endpoint ${url}: ${(cause as Error).message}`, { url, cause });
  }
  const body = parseJsonObject(answer.text);
  if (answer.status !== 200) {
    const oauthError = typeof body?.['error'] === 'string' ? body['error'] : undefined;
    const errorDescription = typeof body?.['error_description'] === 'string' ? body['error_description'] : undefined;
    throw new TokenRequestError(
      `token endpoint ${url} answered HTTP ${answer.status}` +
        (oauthError ? ` ${oauthError}${errorDescription ? `: ${errorDescription}` : ''}` : ''),
      { url, status: answer.status, ...(oauthError ? { oauthError } : {}), ...(errorDescription ? { errorDescription } : {}) },
    );
  }
  return toBearerCredential(body, url, answer.status);
}

/** RFC 6749 §2.3.1: both parts are form-urlencoded before base64. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function toBearerCredential(body: Record<string, unknown> | undefined, url: string, status: number): BearerCredential {
  const fail = (what: string): TokenRequestError =>
    new TokenRequestError(`token endpoint ${url} answered 200 but ${what}`, { url, status });
  if (!body) throw fail('the body is not a JSON object');
  const token = body['access_token'];
  if (typeof token !== 'string' || token === '') throw fail('without an access_token');
  const tokenType = body['token_type'];
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    throw fail(`with token_type ${JSON.stringify(tokenType)}, expected "Bearer"`);
  }
  const expiresAt = expiryOf(body['expires_in'], token);
  if (expiresAt === undefined) throw fail('with neither expires_in nor a JWT exp, so the token lifetime is unknown');
  const scope = body['scope'];
  return typeof scope === 'string' ? { type: 'bearer', token, expiresAt, scope } : { type: 'bearer', token, expiresAt };
}

function expiryOf(expiresIn: unknown, token: string): number | undefined {
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn >= 0) {
    return Date.now() + expiresIn * 1000;
  }
  // expires_in is only RECOMMENDED (RFC 6749 §5.1); the portal's tokens are JWTs, so fall back to exp.
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
