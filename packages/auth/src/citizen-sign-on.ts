import { exportPKCS8, importPKCS8 } from 'jose';
import * as oidc from 'openid-client';
import { fetch as undiciFetch, type Dispatcher } from 'undici';
import { toCitizenProfile, type CitizenProfile, type PortalUserInfo } from './citizen-profile.js';
import { discoverIssuer, discoveryUrl } from './discovery.js';
import { AuthConfigError, DiscoveryError, IdTokenInvalidError } from './errors.js';
import { toCallbackOrIdTokenError, toUserInfoError } from './oidc-errors.js';
import { importSigningKey, type PrivateKeyInput, type SigningAlgorithm } from './private-key.js';
import { resolveDispatcher, type TransportOptions } from './transport.js';

/** The portal's levels of assurance, weakest first. */
export type AssuranceLevel = 'LoA1' | 'LoA2' | 'LoA3';
const LEVELS: readonly string[] = ['LoA1', 'LoA2', 'LoA3'];

export interface CitizenSignOnOptions extends TransportOptions {
  /** The portal's sign-on issuer, e.g. `https://xacthuc.dichvucong.gov.vn`. */
  issuer: string;
  clientId: string;
  /** Where the portal sends the citizen back; must be registered with the portal. */
  redirectUri: string;
  /** A confidential client authenticating with client_secret_basic. */
  clientSecret?: string;
  /** A confidential client authenticating with private_key_jwt. */
  privateKey?: PrivateKeyInput;
  keyId?: string;
  alg?: SigningAlgorithm;
  /** Scopes besides `openid`. */
  scope?: string[];
  /** Allow `http:` issuers, for the mock portal on loopback. Never in production. */
  allowInsecureRequests?: boolean;
  /** Clock skew accepted on `exp`, `iat`, `nbf` (default 30). */
  clockToleranceSeconds?: number;
  /** Per-request timeout in seconds (default 30). */
  timeoutSeconds?: number;
}

/** What to remember (server-side, e.g. in the session) between `authorizationUrl` and `handleCallback`. */
export interface SignOnState {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** The level asked for; the callback is refused if the ID token's `acr` is weaker. */
  acr?: AssuranceLevel;
}

export interface AuthorizationUrlOptions {
  acr?: AssuranceLevel;
  state?: string;
  nonce?: string;
  /** RFC 7636: 43–128 characters of A–Z a–z 0–9 - . _ ~ */
  codeVerifier?: string;
  /** More authorization parameters (e.g. `login_hint`, `ui_locales`); cannot override the flow's own. */
  extraParams?: Record<string, string>;
}

export interface SignOnTokens {
  accessToken: string;
  idToken: string;
  tokenType: string;
  expiresIn: number | undefined;
  refreshToken: string | undefined;
  scope: string | undefined;
}

/** The validated ID token's claims. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  acr?: string;
  [claim: string]: unknown;
}

export interface SignOnResult {
  tokens: SignOnTokens;
  claims: IdTokenClaims;
  profile: CitizenProfile;
}

export interface CitizenSignOn {
  /**
   * Starts a sign-on: redirect the browser to `url`, keep the rest for the callback. `state`,
   * `nonce` and `codeVerifier` are random unless given: a server that keeps no sessions can
   * derive them (e.g. an HMAC of a signed `state`) and recompute them at the callback.
   */
  authorizationUrl(options?: AuthorizationUrlOptions): Promise<{ url: string } & SignOnState>;
  /**
   * Finishes a sign-on from the URL the browser came back on (absolute, or `req.url`'s path and
   * query): checks `state`, exchanges the code
   * (with the PKCE verifier), validates the ID token (signature against the JWKS, issuer,
   * audience, expiry, nonce, acr), then fetches userinfo for the profile.
   */
  handleCallback(callbackUrl: string | URL, checks: SignOnState): Promise<SignOnResult>;
  /** Userinfo for an access token; when `expectedSubject` is given the answer must be about that subject. */
  fetchUserInfo(accessToken: string, options?: { expectedSubject?: string }): Promise<{ userInfo: PortalUserInfo; profile: CitizenProfile }>;
}

/**
 * A relying party for citizen sign-on through the national portal (OIDC authorization code + PKCE),
 * built on openid-client.
 *
 * @example
 * const signOn = createCitizenSignOn({ issuer, clientId: 'H01.PORTAL', redirectUri: 'https://dichvucong.h01.gov.vn/callback', clientSecret });
 * const { url, ...pending } = await signOn.authorizationUrl({ acr: 'LoA2' });   // keep `pending` in the session
 * const { profile } = await signOn.handleCallback(req.url, pending);           // profile.citizenId, profile.fullName…
 */
export function createCitizenSignOn(options: CitizenSignOnOptions): CitizenSignOn {
  checkOptions(options);
  const dispatcher = resolveDispatcher(options);
  let configuration: Promise<oidc.Configuration> | undefined;

  const config = (): Promise<oidc.Configuration> => {
    configuration ??= discover(options, dispatcher).catch((error: unknown) => {
      configuration = undefined; // a failed discovery is retried on the next sign-on
      throw error;
    });
    return configuration;
  };

  const fetchUserInfo: CitizenSignOn['fetchUserInfo'] = async (accessToken, opts = {}) => {
    const cfg = await config();
    let userInfo;
    try {
      userInfo = await oidc.fetchUserInfo(cfg, accessToken, opts.expectedSubject ?? oidc.skipSubjectCheck);
    } catch (error) {
      throw toUserInfoError(error);
    }
    return { userInfo: userInfo as PortalUserInfo, profile: toCitizenProfile(userInfo) };
  };

  return {
    async authorizationUrl(opts = {}) {
      if (opts.acr !== undefined && !LEVELS.includes(opts.acr)) {
        throw new AuthConfigError(`acr must be one of ${LEVELS.join(', ')}, got ${String(opts.acr)}`);
      }
      if (opts.codeVerifier !== undefined && !/^[A-Za-z0-9._~-]{43,128}$/.test(opts.codeVerifier)) {
        throw new AuthConfigError('codeVerifier must be 43–128 characters of A–Z a–z 0–9 - . _ ~ (RFC 7636 §4.1)');
      }
      for (const name of ['state', 'nonce'] as const) {
        if (opts[name] !== undefined && opts[name].length < 16) {
          throw new AuthConfigError(`${name} must be at least 16 characters so that it cannot be guessed`);
        }
      }
      const cfg = await config();
      const state = opts.state ?? oidc.randomState();
      const nonce = opts.nonce ?? oidc.randomNonce();
      const codeVerifier = opts.codeVerifier ?? oidc.randomPKCECodeVerifier();
      const params: Record<string, string> = {
        ...opts.extraParams,
        response_type: 'code',
        redirect_uri: options.redirectUri,
        scope: ['openid', ...(options.scope ?? [])].join(' '),
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      };
      if (opts.acr) params['acr_values'] = opts.acr;
      const url = oidc.buildAuthorizationUrl(cfg, params).toString();
      return opts.acr ? { url, state, nonce, codeVerifier, acr: opts.acr } : { url, state, nonce, codeVerifier };
    },

    async handleCallback(callbackUrl, checks) {
      if (!checks?.state || !checks.nonce || !checks.codeVerifier) {
        throw new AuthConfigError('handleCallback needs the state, nonce and codeVerifier that authorizationUrl returned');
      }
      const cfg = await config();
      let response;
      try {
        response = await oidc.authorizationCodeGrant(cfg, callbackAt(options.redirectUri, callbackUrl), {
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          pkceCodeVerifier: checks.codeVerifier,
          idTokenExpected: true,
        });
      } catch (error) {
        throw toCallbackOrIdTokenError(error, cfg.serverMetadata().jwks_uri);
      }
      const claims = response.claims() as IdTokenClaims;
      checkAcr(claims, checks.acr);
      const tokens: SignOnTokens = {
        accessToken: response.access_token,
        idToken: response.id_token as string,
        tokenType: response.token_type,
        expiresIn: response.expires_in,
        refreshToken: response.refresh_token,
        scope: response.scope,
      };
      const { profile } = await fetchUserInfo(tokens.accessToken, { expectedSubject: claims.sub });
      return { tokens, claims, profile };
    },

    fetchUserInfo,
  };
}

function checkOptions(options: CitizenSignOnOptions): void {
  for (const name of ['issuer', 'redirectUri'] as const) {
    if (!options[name] || !URL.canParse(options[name])) throw new AuthConfigError(`${name} is not a URL: ${String(options[name])}`);
  }
  if (!options.clientId) throw new AuthConfigError('clientId is required');
  if (options.clientSecret !== undefined && options.privateKey !== undefined) {
    throw new AuthConfigError('give at most one of `clientSecret` or `privateKey`');
  }
  if (!options.allowInsecureRequests && new URL(options.issuer).protocol !== 'https:') {
    throw new AuthConfigError(`issuer must be https (got ${options.issuer}); set allowInsecureRequests only for a local mock portal`);
  }
}

/** DVC-AUTH-004: a receiver refuses every other algorithm (none, HMAC…). */
const ID_TOKEN_ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256'];

async function clientAuthentication(options: CitizenSignOnOptions, tokenEndpoint: string): Promise<oidc.ClientAuth> {
  if (options.clientSecret !== undefined) return oidc.ClientSecretBasic(options.clientSecret);
  if (options.privateKey === undefined) return oidc.None();
  const signing = importSigningKey(options.privateKey, {
    ...(options.alg ? { alg: options.alg } : {}),
    ...(options.keyId ? { keyId: options.keyId } : {}),
  });
  // openid-client signs with WebCrypto keys; jose converts the KeyObject for the chosen alg.
  const key = await importPKCS8(await exportPKCS8(signing.key), signing.alg);
  return oidc.PrivateKeyJwt(signing.kid === undefined ? { key } : { key, kid: signing.kid }, {
    // The portal checks aud against its token endpoint (openid-client defaults to the issuer).
    [oidc.modifyAssertion]: (_header, payload) => {
      payload.aud = tokenEndpoint;
    },
  });
}

/**
 * Reads the discovery document with our own transport and checks (typed errors, issuer match),
 * then hands openid-client a Configuration built from it.
 */
async function discover(options: CitizenSignOnOptions, dispatcher: Dispatcher | undefined): Promise<oidc.Configuration> {
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  const metadata = await discoverIssuer(options.issuer, { dispatcher, timeoutMs: timeoutSeconds * 1000 });
  const url = discoveryUrl(options.issuer);
  for (const field of ['authorization_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
    const value = metadata[field];
    if (typeof value !== 'string' || !URL.canParse(value)) throw new DiscoveryError(`${url} has no valid ${field}`, { url });
  }
  const challengeMethods = metadata['code_challenge_methods_supported'];
  if (!Array.isArray(challengeMethods) || !challengeMethods.includes('S256')) {
    // Without S256 advertised the portal may ignore PKCE; refuse rather than run a weaker flow.
    throw new DiscoveryError(`${url} does not advertise PKCE S256 (code_challenge_methods_supported)`, { url });
  }
  const idTokenAlg = idTokenAlgorithm(metadata['id_token_signing_alg_values_supported'], url);
  const cfg = new oidc.Configuration(
    metadata as unknown as oidc.ServerMetadata,
    options.clientId,
    {
      redirect_uris: [options.redirectUri],
      [oidc.clockTolerance]: options.clockToleranceSeconds ?? 30,
      ...(idTokenAlg === undefined ? {} : { id_token_signed_response_alg: idTokenAlg }),
    },
    await clientAuthentication(options, metadata.token_endpoint),
  );
  if (dispatcher) {
    cfg[oidc.customFetch] = ((input: string, init: oidc.CustomFetchOptions) =>
      undiciFetch(input, { ...init, dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as oidc.CustomFetch;
  }
  if (options.allowInsecureRequests) oidc.allowInsecureRequests(cfg);
  cfg.timeout = timeoutSeconds;
  // openid-client trusts an ID token from the token endpoint on TLS alone (OIDC Core 3.1.3.7 allows
  // it); the portal's standard asks relying parties to verify its signature against the JWKS too.
  oidc.enableNonRepudiationChecks(cfg);
  return cfg;
}

/**
 * The ID token algorithm to insist on: undefined lets openid-client accept any the issuer
 * advertises, which is safe only when every one of them is allowed; otherwise pin one.
 */
function idTokenAlgorithm(advertised: unknown, url: string): string | undefined {
  if (!Array.isArray(advertised) || advertised.length === 0) return 'RS256'; // the OIDC default
  if (advertised.every((alg) => ID_TOKEN_ALGORITHMS.includes(alg))) return undefined;
  const usable = advertised.filter((alg): alg is string => ID_TOKEN_ALGORITHMS.includes(alg));
  if (usable.length === 0) {
    throw new DiscoveryError(
      `${url} advertises ID token algorithms ${advertised.join(', ')}; only ${ID_TOKEN_ALGORITHMS.join(', ')} are allowed`,
      { url },
    );
  }
  return usable.includes('RS256') ? 'RS256' : usable[0];
}

/**
 * The callback's parameters on the registered redirect URI. openid-client sends the URL it is given
 * (less its query) as `redirect_uri`, so behind a proxy or with `req.url` (a bare path) it must be
 * the registered one, not the address the request reached.
 */
function callbackAt(redirectUri: string, callbackUrl: string | URL): URL {
  const received = new URL(callbackUrl, redirectUri);
  const url = new URL(redirectUri);
  url.search = received.search;
  return url;
}

function checkAcr(claims: IdTokenClaims, requested: AssuranceLevel | undefined): void {
  if (!requested) return;
  const got = LEVELS.indexOf(String(claims.acr));
  if (got < LEVELS.indexOf(requested)) {
    throw new IdTokenInvalidError(
      'acr',
      `the ID token's acr is ${JSON.stringify(claims.acr)}, weaker than the ${requested} this sign-on asked for`,
    );
  }
}
