import { generateKeyPairSync } from 'node:crypto';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAuthServer, type IdTokenFault, type TestAuthServer } from '../test/oauth-server.js';
import { createCitizenSignOn, type AssuranceLevel, type CitizenSignOn, type CitizenSignOnOptions } from './citizen-sign-on.js';
import { AuthConfigError, CallbackError, IdTokenInvalidError, UserInfoInvalidError, UserInfoRequestError } from './errors.js';

const REDIRECT = 'https://dichvucong.h01.gov.vn/auth/callback';
const citizen = {
  sub: 'c0a8f1e2-0001',
  TechID: 'TECH-000123',
  LoaiTaiKhoan: '1',
  loAs: ['LoA1', 'LoA2'],
  SoDinhDanh: '001203004567',
  SoCMND: '012345678',
  HoVaTen: 'Nguyễn Văn An',
  NgayThangNamSinh: '19900215',
  GioiTinh: '1',
  ThuDienTu: 'an.nguyen@example.vn',
  SoDienThoai: '0912345678',
  ThuongTru: 'Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội',
  QuocTich: 'VN',
};
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

let server: TestAuthServer;

beforeEach(async () => {
  server = await startAuthServer();
  server.userInfo = { ...citizen };
  server.register({ clientId: 'H01.PORTAL', clientSecret: 'portal-secret', redirectUris: [REDIRECT] });
  server.register({ clientId: 'H01.PKJ', publicJwk: rsa.publicKey.export({ format: 'jwk' }), redirectUris: [REDIRECT] });
});

afterEach(async () => {
  vi.useRealTimers();
  await server.close();
});

function signOnWith(extra: Partial<CitizenSignOnOptions> = {}): CitizenSignOn {
  return createCitizenSignOn({
    issuer: server.issuer,
    clientId: 'H01.PORTAL',
    clientSecret: 'portal-secret',
    redirectUri: REDIRECT,
    allowInsecureRequests: true,
    ...extra,
  });
}

/** Plays the browser: follows the authorization URL to the portal and returns where it redirects back. */
async function visit(url: string): Promise<string> {
  const response = await request(url);
  await response.body.dump();
  expect(response.statusCode).toBe(302);
  return response.headers.location as string;
}

async function signIn(signOn: CitizenSignOn, acr?: AssuranceLevel) {
  const { url, ...pending } = await signOn.authorizationUrl(acr ? { acr } : {});
  return signOn.handleCallback(await visit(url), pending);
}

describe('createCitizenSignOn', () => {
  it('builds an authorization URL with PKCE S256, state, nonce, scope openid and acr_values', async () => {
    const { url, state, nonce, codeVerifier, acr } = await signOnWith().authorizationUrl({ acr: 'LoA2' });
    const params = new URL(url).searchParams;
    expect(new URL(url).origin + new URL(url).pathname).toBe(`${server.issuer}/oauth2/authorize`);
    expect(Object.fromEntries(params)).toMatchObject({
      client_id: 'H01.PORTAL',
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid',
      state,
      nonce,
      acr_values: 'LoA2',
      code_challenge_method: 'S256',
    });
    expect(codeVerifier).toMatch(/^[\w-]{43,}$/);
    expect(params.get('code_challenge')).not.toBe(codeVerifier);
    expect(acr).toBe('LoA2');
  });

  it('signs a citizen in: validated ID token claims and a typed profile from userinfo', async () => {
    const { tokens, claims, profile } = await signIn(signOnWith(), 'LoA2');
    expect(claims).toMatchObject({ iss: server.issuer, aud: 'H01.PORTAL', sub: citizen.sub, acr: 'LoA2' });
    expect(tokens.accessToken).toMatch(/^ey/);
    expect(tokens.idToken).toMatch(/^ey/);
    expect(profile).toMatchObject({
      subject: citizen.sub,
      techId: 'TECH-000123',
      accountType: '1',
      assuranceLevels: ['LoA1', 'LoA2'],
      citizenId: '001203004567',
      identityCardNumber: '012345678',
      fullName: 'Nguyễn Văn An',
      birthDate: '1990-02-15',
      gender: '1',
      email: 'an.nguyen@example.vn',
      phoneNumber: '0912345678',
      permanentAddress: 'Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội',
      nationality: 'VN',
    });
    expect(profile.claims.HoVaTen).toBe('Nguyễn Văn An');
  });

  it('accepts the callback as a bare path and query, as req.url gives it behind a proxy', async () => {
    const signOn = signOnWith();
    const { url, ...pending } = await signOn.authorizationUrl();
    const back = new URL(await visit(url));
    const { profile } = await signOn.handleCallback(`/auth/callback${back.search}`, pending);
    expect(profile.subject).toBe(citizen.sub);

    // The internal address the proxy forwarded to is not the registered redirect_uri; the registered one is sent.
    const again = await signOn.authorizationUrl();
    const internal = `http://10.0.0.5:3000/auth/callback${new URL(await visit(again.url)).search}`;
    await expect(signOn.handleCallback(internal, again)).resolves.toMatchObject({ claims: { sub: citizen.sub } });
    expect(server.rejectedTokenRequests).toEqual([]);
  });

  it('authenticates the code exchange with private_key_jwt (aud = token endpoint)', async () => {
    const signOn = signOnWith({ clientId: 'H01.PKJ', clientSecret: undefined, privateKey: rsa.privateKey });
    const { profile } = await signIn(signOn);
    expect(profile.citizenId).toBe('001203004567');
    expect(server.rejectedTokenRequests).toEqual([]);
  });

  const faults: Array<[IdTokenFault, string]> = [
    ['wrong-nonce', 'nonce'],
    ['wrong-audience', 'audience'],
    ['wrong-issuer', 'issuer'],
    ['expired', 'expired'],
    ['alg-none', 'algorithm'],
    ['hs256-with-client-secret', 'algorithm'],
    ['unknown-kid', 'unknown-key'],
    ['bad-signature', 'signature'],
  ];
  it.each(faults)('rejects an ID token with %s as AUTH_ID_TOKEN_INVALID (%s)', async (fault, reason) => {
    const signOn = signOnWith();
    await signIn(signOn); // a good sign-on first, so the JWKS is cached as it would be in production
    server.idTokenFault = fault;
    const error = await signIn(signOn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdTokenInvalidError);
    expect(error).toMatchObject({ code: 'AUTH_ID_TOKEN_INVALID', reason });
  });

  it('says so when the JWKS cannot be read, rather than blaming the token endpoint', async () => {
    server.jwksFailures = 1;
    const error = await signIn(signOnWith()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdTokenInvalidError);
    expect(error).toMatchObject({ reason: 'jwks-unavailable' });
    expect((error as Error).message).toContain('HTTP 503');
  });

  it('fetches the JWKS again when the portal rotates its signing key', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const signOn = signOnWith();
    await signIn(signOn);
    expect(server.jwksRequests).toBe(1);
    await server.rotateKeys();
    // openid-client re-reads a JWKS for an unknown kid once its copy is a minute old (a guard against kid flooding).
    vi.setSystemTime(Date.now() + 61_000);
    const { claims } = await signIn(signOn);
    expect(claims.sub).toBe(citizen.sub);
    expect(server.jwksRequests).toBe(2);
  });

  it('refuses an ID token whose acr is weaker than the level asked for', async () => {
    server.issuedAcr = 'LoA1';
    await expect(signIn(signOnWith(), 'LoA3')).rejects.toMatchObject({ code: 'AUTH_ID_TOKEN_INVALID', reason: 'acr' });
  });

  it('lets a server without sessions supply state, nonce and codeVerifier it can recompute', async () => {
    const signOn = signOnWith();
    const derived = { state: 'eyJyIjoiL25vcC1oby1zbyJ9.signed', nonce: 'n-'.padEnd(32, 'x'), codeVerifier: 'v'.repeat(43) };
    const { url, ...pending } = await signOn.authorizationUrl({ ...derived, extraParams: { login_hint: 'x', state: 'ignored' } });
    expect(pending).toEqual(derived);
    expect(new URL(url).searchParams.get('state')).toBe(derived.state);
    expect(new URL(url).searchParams.get('login_hint')).toBe('x');
    const { claims } = await signOn.handleCallback(await visit(url), derived);
    expect(claims.nonce).toBe(derived.nonce);
    await expect(signOn.authorizationUrl({ codeVerifier: 'short' })).rejects.toThrow(/RFC 7636/);
    await expect(signOn.authorizationUrl({ state: 'abc' })).rejects.toThrow(/at least 16/);
  });

  it('refuses a callback whose state is not this sign-on’s', async () => {
    const signOn = signOnWith();
    const first = await signOn.authorizationUrl();
    const second = await signOn.authorizationUrl();
    const error = await signOn.handleCallback(await visit(first.url), second).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallbackError);
    expect(error).toMatchObject({ code: 'AUTH_CALLBACK_INVALID', reason: 'state' });
  });

  it('reports an error sent back by the portal (e.g. the citizen cancelled)', async () => {
    const signOn = signOnWith();
    const { state, nonce, codeVerifier } = await signOn.authorizationUrl();
    const callback = `${REDIRECT}?error=access_denied&error_description=cancelled&state=${state}`;
    await expect(signOn.handleCallback(callback, { state, nonce, codeVerifier })).rejects.toMatchObject({
      code: 'AUTH_CALLBACK_INVALID',
      reason: 'authorization-error',
      oauthError: 'access_denied',
    });
  });

  it('refuses to redeem a code twice, and a code with the wrong PKCE verifier', async () => {
    const signOn = signOnWith();
    const { url, ...pending } = await signOn.authorizationUrl();
    const callback = await visit(url);
    await signOn.handleCallback(callback, pending);
    await expect(signOn.handleCallback(callback, pending)).rejects.toMatchObject({ reason: 'token-request', oauthError: 'invalid_grant' });

    const other = await signOn.authorizationUrl();
    const otherCallback = await visit(other.url);
    await expect(
      signOn.handleCallback(otherCallback, { ...other, codeVerifier: pending.codeVerifier }),
    ).rejects.toMatchObject({ code: 'AUTH_CALLBACK_INVALID', reason: 'token-request', oauthError: 'invalid_grant' });
  });

  it('refuses userinfo about another subject than the ID token', async () => {
    server.userInfoSub = 'someone-else';
    const error = await signIn(signOnWith()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInfoInvalidError);
    expect(error).toMatchObject({ code: 'AUTH_USERINFO_INVALID', claim: 'sub' });
  });

  it('fetchUserInfo reports a refused access token as AUTH_USERINFO_FAILED with status 401', async () => {
    const signOn = signOnWith();
    const { tokens } = await signIn(signOn);
    await expect(signOn.fetchUserInfo(tokens.accessToken)).resolves.toMatchObject({ profile: { fullName: 'Nguyễn Văn An' } });
    server.revoked.add(tokens.accessToken);
    const error = await signOn.fetchUserInfo(tokens.accessToken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInfoRequestError);
    expect(error).toMatchObject({ code: 'AUTH_USERINFO_FAILED', status: 401 });
  });

  it('refuses unsafe or incomplete settings', async () => {
    const base = { issuer: server.issuer, clientId: 'H01.PORTAL', redirectUri: REDIRECT };
    expect(() => createCitizenSignOn(base)).toThrow(/https/);
    expect(() => createCitizenSignOn({ ...base, allowInsecureRequests: true, clientSecret: 'x', privateKey: rsa.privateKey })).toThrow(AuthConfigError);
    expect(() => createCitizenSignOn({ ...base, redirectUri: '/callback', allowInsecureRequests: true })).toThrow(/redirectUri/);
    await expect(signOnWith().authorizationUrl({ acr: 'LoA9' as AssuranceLevel })).rejects.toThrow(AuthConfigError);
  });

  it('pins RS256 when the issuer also advertises algorithms that are not allowed', async () => {
    server.metadataPatch = { id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none'] };
    const signOn = signOnWith();
    await expect(signIn(signOn)).resolves.toMatchObject({ claims: { sub: citizen.sub } });
    server.idTokenFault = 'hs256-with-client-secret';
    await expect(signIn(signOn)).rejects.toMatchObject({ code: 'AUTH_ID_TOKEN_INVALID', reason: 'algorithm' });
  });

  it.each([
    [{ id_token_signing_alg_values_supported: ['HS256'] }, /only RS256, PS256, ES256/],
    [{ code_challenge_methods_supported: ['plain'] }, /PKCE S256/],
    [{ jwks_uri: undefined }, /jwks_uri/],
    [{ issuer: 'https://elsewhere.example' }, /names issuer/],
  ])('refuses an issuer whose discovery document is unsafe or incomplete (%o)', async (patch, message) => {
    server.metadataPatch = patch;
    const error = await signOnWith().authorizationUrl().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_DISCOVERY_FAILED' });
    expect((error as Error).message).toMatch(message);
  });

  it('reports an unreachable issuer as AUTH_DISCOVERY_FAILED', async () => {
    const signOn = signOnWith({ issuer: 'http://127.0.0.1:9' });
    await expect(signOn.authorizationUrl()).rejects.toMatchObject({ code: 'AUTH_DISCOVERY_FAILED' });
  });

  it('does not cache a failed discovery: the next sign-on asks again', async () => {
    server.discoveryFailures = 1;
    const signOn = signOnWith();
    await expect(signOn.authorizationUrl()).rejects.toMatchObject({ code: 'AUTH_DISCOVERY_FAILED' });
    await expect(signOn.authorizationUrl()).resolves.toMatchObject({ url: expect.stringContaining('/oauth2/authorize') });
  });
});
