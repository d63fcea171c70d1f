/**
 * A small OAuth 2.0 / OIDC authorization server for the tests, on node:http + jose, strict in the
 * ways the portal is: it verifies private_key_jwt assertions (aud, iss = sub, jti replay, lifetime),
 * client_secret_basic, PKCE S256 and one-time codes, and signs its tokens with keys in its JWKS.
 */
import { createHash, randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

export interface RegisteredClient {
  clientId: string;
  /** Public JWK for private_key_jwt. */
  publicJwk?: JWK;
  clientSecret?: string;
  redirectUris?: string[];
  agency?: string;
}

interface SigningKeyPair {
  kid: string;
  privateKey: webcrypto.CryptoKey;
  publicJwk: JWK;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | undefined;
  acr: string | undefined;
  sub: string;
}

/** How the next ID token should be spoiled, to test the relying party's checks. */
export type IdTokenFault =
  | 'wrong-nonce'
  | 'wrong-audience'
  | 'wrong-issuer'
  | 'expired'
  | 'alg-none'
  | 'hs256-with-client-secret'
  | 'unknown-kid'
  | 'bad-signature';

export interface TestAuthServer {
  issuer: string;
  tokenEndpoint: string;
  close(): Promise<void>;
  register(client: RegisteredClient): void;
  /** Access tokens issued by client_credentials. */
  tokenRequests: number;
  /** Token requests answered with an error. */
  rejectedTokenRequests: Array<{ status: number; error: string; description: string }>;
  jwksRequests: number;
  /** Lifetime of the next access tokens, in seconds. */
  expiresIn: number;
  /** Delay before answering a token request, so concurrent callers overlap. */
  tokenDelayMs: number;
  /** Access tokens the protected resource now refuses (as if revoked). */
  revoked: Set<string>;
  /** Issue a new signing key and drop the old ones from the JWKS. */
  rotateKeys(): Promise<void>;
  idTokenFault: IdTokenFault | undefined;
  /** Claims the userinfo endpoint (and ID token) return for a subject. */
  userInfo: Record<string, unknown>;
  /** Requests seen at the protected resource `/api/echo`. */
  resourceRequests: number;
  /** Merged into client_credentials token answers (a key set to undefined is dropped), to test odd answers. */
  tokenAnswerPatch: Record<string, unknown> | undefined;
  /** Answer the next this-many JWKS requests with 503. */
  jwksFailures: number;
  /** Merged into the discovery document. */
  metadataPatch: Record<string, unknown> | undefined;
  /** Answer the next this-many discovery requests with 503. */
  discoveryFailures: number;
  /** Put this `acr` in ID tokens instead of the level asked for. */
  issuedAcr: string | undefined;
  /** Answer userinfo about this subject instead of the token's. */
  userInfoSub: string | undefined;
  /** Make `/api/echo` refuse every token, as a server with a broken key would. */
  refuseAllTokens: boolean;
  /** Headers of the last token request. */
  lastTokenRequestHeaders: IncomingMessage['headers'] | undefined;
}

export async function startAuthServer(options: { secure?: (handler: Handler) => Server } = {}): Promise<TestAuthServer> {
  const clients = new Map<string, RegisteredClient>();
  const seenJti = new Set<string>();
  const codes = new Map<string, PendingCode>();
  let keys: SigningKeyPair[] = [await firstSigningKey()];

  const state: Omit<TestAuthServer, 'issuer' | 'tokenEndpoint' | 'close'> = {
    register: (client) => void clients.set(client.clientId, client),
    tokenRequests: 0,
    rejectedTokenRequests: [],
    jwksRequests: 0,
    expiresIn: 3600,
    tokenDelayMs: 0,
    revoked: new Set(),
    rotateKeys: async () => {
      keys = [await newSigningKey()];
    },
    idTokenFault: undefined,
    userInfo: {},
    resourceRequests: 0,
    refuseAllTokens: false,
    issuedAcr: undefined,
    discoveryFailures: 0,
    jwksFailures: 0,
    metadataPatch: undefined,
    tokenAnswerPatch: undefined,
    userInfoSub: undefined,
    lastTokenRequestHeaders: undefined,
  };

  let issuer = '';
  const handler: Handler = (req, res) => {
    route(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };
  const server = options.secure ? options.secure(handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = `${options.secure ? 'https' : 'http'}://127.0.0.1:${port}`;
  const tokenEndpoint = `${issuer}/oauth2/token`;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      if (state.discoveryFailures > 0) {
        state.discoveryFailures--;
        return json(res, 503, { error: 'temporarily_unavailable' });
      }
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/oauth2/authorize`,
        token_endpoint: tokenEndpoint,
        userinfo_endpoint: `${issuer}/oauth2/userinfo`,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
        code_challenge_methods_supported: ['S256'],
        acr_values_supported: ['LoA1', 'LoA2', 'LoA3'],
        ...state.metadataPatch,
      });
    }
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') {
      state.jwksRequests++;
      if (state.jwksFailures > 0) {
        state.jwksFailures--;
        return json(res, 503, { error: 'temporarily_unavailable' });
      }
      return json(res, 200, { keys: keys.map((k) => k.publicJwk) });
    }
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return token(req, res);
    if (req.method === 'GET' && url.pathname === '/oauth2/userinfo') return userinfo(req, res);
    if (url.pathname === '/api/echo') return protectedResource(req, res);
    return json(res, 404, { error: 'not_found' });
  }

  function authorize(url: URL, res: ServerResponse): void {
    const p = url.searchParams;
    const client = clients.get(p.get('client_id') ?? '');
    const redirectUri = p.get('redirect_uri') ?? '';
    if (!client || !client.redirectUris?.includes(redirectUri)) return json(res, 400, { error: 'invalid_request' });
    const back = new URL(redirectUri);
    if (p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
      back.searchParams.set('error', 'invalid_request');
    } else if (!(p.get('scope') ?? '').split(' ').includes('openid')) {
      back.searchParams.set('error', 'invalid_scope');
    } else {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        clientId: client.clientId,
        redirectUri,
        codeChallenge: p.get('code_challenge') as string,
        nonce: p.get('nonce') ?? undefined,
        acr: p.get('acr_values')?.split(' ')[0],
        sub: String(state.userInfo['sub'] ?? 'citizen-1'),
      });
      back.searchParams.set('code', code);
    }
    const st = p.get('state');
    if (st) back.searchParams.set('state', st);
    back.searchParams.set('iss', issuer);
    res.writeHead(302, { location: back.toString() }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    state.lastTokenRequestHeaders = req.headers;
    const form = new URLSearchParams(await readBody(req));
    if (state.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, state.tokenDelayMs));
    const reject = (status: number, error: string, description: string): void => {
      state.rejectedTokenRequests.push({ status, error, description });
      json(res, status, { error, error_description: description });
    };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return reject(400, 'invalid_request', 'form-urlencoded body required');
    }
    const client = await authenticateClient(req, form).catch((e: Error) => e);
    if (client instanceof Error) return reject(401, 'invalid_client', client.message);

    const grant = form.get('grant_type');
    if (grant === 'client_credentials') {
      state.tokenRequests++;
      const scope = form.get('scope') ?? 'default';
      const accessToken = await signWithCurrentKey({ sub: client.clientId, scope, agency: client.agency ?? 'H01' }, 'dvcqg-api', state.expiresIn);
      return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: state.expiresIn, scope, ...state.tokenAnswerPatch });
    }
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code); // one use only
      if (!pending || pending.clientId !== client.clientId) return reject(400, 'invalid_grant', 'unknown or used code');
      if (form.get('redirect_uri') !== pending.redirectUri) return reject(400, 'invalid_grant', 'redirect_uri mismatch');
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) {
        return reject(400, 'invalid_grant', 'PKCE verification failed');
      }
      const accessToken = await signWithCurrentKey({ sub: pending.sub, scope: 'openid' }, 'dvcqg-api', 3600);
      const idToken = await makeIdToken(pending);
      return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, id_token: idToken, scope: 'openid' });
    }
    return reject(400, 'unsupported_grant_type', `grant_type ${grant ?? '(none)'} is not supported`);
  }

  async function authenticateClient(req: IncomingMessage, form: URLSearchParams): Promise<RegisteredClient> {
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString();
      const [id, secret] = decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
      const client = clients.get(id ?? '');
      if (!client?.clientSecret || client.clientSecret !== secret) throw new Error('bad client credentials');
      return client;
    }
    if (form.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      const assertion = form.get('client_assertion') ?? '';
      const unverified = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()) as JWTPayload;
      const client = clients.get(String(unverified.iss));
      if (!client?.publicJwk) throw new Error('unknown client');
      const header = JSON.parse(Buffer.from(assertion.split('.')[0] ?? '', 'base64url').toString()) as { alg?: string };
      // A registered key pinned to one alg only verifies that alg.
      const key = await importJWK(client.publicJwk, client.publicJwk.alg ?? header.alg);
      const { payload } = await jwtVerify(assertion, key, {
        issuer: client.clientId,
        subject: client.clientId,
        audience: tokenEndpoint,
        algorithms: ['RS256', 'PS256', 'ES256'],
        requiredClaims: ['jti', 'iat', 'exp'],
      });
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > 300) throw new Error('assertion lives longer than 5 minutes');
      if (seenJti.has(payload.jti as string)) throw new Error('assertion jti replayed');
      seenJti.add(payload.jti as string);
      return client;
    }
    throw new Error('no client authentication');
  }

  async function makeIdToken(pending: PendingCode): Promise<string> {
    const fault = state.idTokenFault;
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      nonce: fault === 'wrong-nonce' ? 'not-the-nonce' : pending.nonce,
      acr: state.issuedAcr ?? pending.acr ?? 'LoA1',
      TechID: state.userInfo['TechID'],
    };
    const current = keys[0] as SigningKeyPair;
    if (fault === 'alg-none') {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(
        JSON.stringify({ ...claims, iss: issuer, sub: pending.sub, aud: pending.clientId, iat: now, exp: now + 300 }),
      ).toString('base64url');
      return `${header}.${body}.`;
    }
    if (fault === 'hs256-with-client-secret') {
      // The classic confusion attack: an HMAC "signature" keyed with something the client knows.
      const secret = new TextEncoder().encode(clients.get(pending.clientId)?.clientSecret ?? 'secret');
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(pending.sub)
        .setAudience(pending.clientId)
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(secret);
    }
    let signingKey = current;
    if (fault === 'unknown-kid' || fault === 'bad-signature') {
      const other = await newSigningKey();
      signingKey = fault === 'unknown-kid' ? other : { ...other, kid: current.kid };
    }
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: 'JWT' })
      .setIssuer(fault === 'wrong-issuer' ? 'https://elsewhere.example' : issuer)
      .setSubject(pending.sub)
      .setAudience(fault === 'wrong-audience' ? 'another-client' : pending.clientId)
      .setIssuedAt(fault === 'expired' ? now - 7200 : now)
      .setExpirationTime(fault === 'expired' ? now - 3600 : now + 300)
      .sign(signingKey.privateKey);
  }

  async function signWithCurrentKey(claims: JWTPayload, audience: string, lifetime: number): Promise<string> {
    const current = keys[0] as SigningKeyPair;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: current.kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(current.privateKey);
  }

  async function verifyAccessToken(req: IncomingMessage): Promise<JWTPayload | undefined> {
    const authorization = req.headers.authorization ?? '';
    if (!authorization.startsWith('Bearer ')) return undefined;
    const token = authorization.slice(7);
    if (state.revoked.has(token) || state.refuseAllTokens) return undefined;
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid?: string };
    const key = keys.find((k) => k.kid === header.kid);
    if (!key) return undefined;
    try {
      const { payload } = await jwtVerify(token, key.publicJwk, { issuer, audience: 'dvcqg-api' });
      return payload;
    } catch {
      return undefined;
    }
  }

  async function userinfo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const payload = await verifyAccessToken(req);
    if (!payload) {
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      return json(res, 401, { error: 'invalid_token' });
    }
    return json(res, 200, { ...state.userInfo, sub: state.userInfoSub ?? payload.sub });
  }

  async function protectedResource(req: IncomingMessage, res: ServerResponse): Promise<void> {
    state.resourceRequests++;
    const payload = await verifyAccessToken(req);
    if (!payload) {
      res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
      return json(res, 401, { error: 'invalid_token' });
    }
    return json(res, 200, { sub: payload.sub, scope: payload['scope'], agency: payload['agency'] });
  }

  return Object.assign(state, {
    issuer,
    tokenEndpoint,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  }) as TestAuthServer;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let sharedFirstKey: Promise<SigningKeyPair> | undefined;

/** RSA key generation is slow on a busy CI machine; servers start with one shared key, and rotateKeys makes fresh ones. */
function firstSigningKey(): Promise<SigningKeyPair> {
  sharedFirstKey ??= newSigningKey();
  return sharedFirstKey;
}

async function newSigningKey(): Promise<SigningKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
