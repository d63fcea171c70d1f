import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { getJson, postJson, send } from './helpers.js';
import { clientAssertion, register, type Credentials } from './scenario.js';

const REDIRECT = 'https://dichvucong.thanhhoa.gov.vn/auth/callback';

describe('citizen sign-on (OIDC provider)', () => {
  let portal: MockPortal;
  let creds: Credentials;
  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 4 });
    creds = await register(send, portal.url, { clientId: 'h56-portal', agencyCode: '000.00.00.H56', redirectUris: [REDIRECT] });
  });
  afterAll(() => portal.close());

  function authorizeUrl(overrides: Record<string, string | null> = {}) {
    const verifier = randomBytes(32).toString('base64url');
    const params: Record<string, string | null> = {
      response_type: 'code', client_id: 'h56-portal', redirect_uri: REDIRECT, scope: 'openid', state: 'state-1234567890', nonce: 'nonce-1234567890',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', acr_values: 'LoA2', ...overrides,
    };
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null) q.set(k, v);
    return { url: `${portal.url}/oauth2/authorize?${q}`, verifier };
  }

  async function signIn(citizen = 'c3f1d2a4-5b6e-4f70-8a9b-0c1d2e3f4a5b') {
    const { url, verifier } = authorizeUrl({ login_hint: citizen });
    const r = await send('GET', url);
    expect(r.status).toBe(302);
    const location = new URL(r.headers.location!);
    return { code: location.searchParams.get('code')!, state: location.searchParams.get('state'), verifier, location };
  }

  async function exchange(code: string, verifier: string, redirectUri = REDIRECT) {
    const form = new URLSearchParams({
      grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(creds, `${portal.url}/oauth2/token`),
    });
    const r = await send('POST', `${portal.url}/oauth2/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    return { status: r.status, body: JSON.parse(r.text) };
  }

  it('publishes discovery and JWKS shaped like the real portal', async () => {
    const d = await getJson(`${portal.url}/.well-known/openid-configuration`);
    expect(d.body).toMatchObject({ issuer: portal.url, token_endpoint: `${portal.url}/oauth2/token`, code_challenge_methods_supported: ['S256'], acr_values_supported: ['LoA1', 'LoA2', 'LoA3'] });
    expect(d.body.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_basic']));
    const jwks = await getJson(`${portal.url}/.well-known/jwks.json`);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  it('shows a login page listing test citizens who hold the asked level', async () => {
    const page = await send('GET', authorizeUrl().url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('Lê Thị Hồng Nhung');
    expect(page.text).not.toContain('Trần Ngọc Mai'); // holds LoA1 only
  });

  it('runs the code flow with PKCE: ID token (nonce, acr) and userinfo with the portal claim names', async () => {
    const { code, state, verifier } = await signIn();
    expect(state).toBe('state-1234567890');
    const tokens = await exchange(code, verifier);
    expect(tokens.status).toBe(200);
    const { payload } = await jwtVerify(tokens.body.id_token, createRemoteJWKSet(new URL(`${portal.url}/.well-known/jwks.json`)), { issuer: portal.url, audience: 'h56-portal' });
    expect(payload).toMatchObject({ nonce: 'nonce-1234567890', acr: 'LoA2', sub: 'c3f1d2a4-5b6e-4f70-8a9b-0c1d2e3f4a5b' });
    const info = await getJson(`${portal.url}/oauth2/userinfo`, { authorization: `Bearer ${tokens.body.access_token}` });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ SoDinhDanh: '038190004521', HoVaTen: 'Lê Thị Hồng Nhung', NgayThangNamSinh: '19900512', loAs: ['LoA1', 'LoA2'] });
  });

  it('refuses a replayed code, a wrong verifier and another redirect_uri', async () => {
    const first = await signIn();
    expect((await exchange(first.code, first.verifier)).status).toBe(200);
    const replay = await exchange(first.code, first.verifier);
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'authorization code has already been used' } });
    const second = await signIn();
    expect((await exchange(second.code, randomBytes(32).toString('base64url'))).body.error_description).toMatch(/code_verifier/);
    const third = await signIn();
    expect((await exchange(third.code, third.verifier, 'https://evil.example/cb')).body.error).toBe('invalid_grant');
  });

  it('never redirects to an unregistered redirect_uri and insists on state, nonce and PKCE', async () => {
    const evil = await send('GET', authorizeUrl({ redirect_uri: 'https://evil.example/cb' }).url);
    expect(evil.status).toBe(400);
    expect(evil.headers.location).toBeUndefined();
    for (const missing of ['state', 'nonce', 'code_challenge']) {
      const r = await send('GET', authorizeUrl({ [missing]: null }).url);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).errors[0].pointer).toBe(`#/query/${missing}`);
    }
    const plain = await send('GET', authorizeUrl({ code_challenge_method: 'plain' }).url);
    expect(plain.status).toBe(400);
  });

  it('sends errors back to the client with its state (unknown citizen, missing openid, level not held)', async () => {
    const back = async (overrides: Record<string, string | null>) => {
      const r = await send('GET', authorizeUrl(overrides).url);
      expect(r.status).toBe(302);
      const location = new URL(r.headers.location!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get('state')).toBe('state-1234567890');
      expect(location.searchParams.get('code')).toBeNull();
      return location.searchParams.get('error');
    };
    expect(await back({ login_hint: 'nobody' })).toBe('access_denied');
    expect(await back({ scope: 'profile', login_hint: 'c3f1d2a4-5b6e-4f70-8a9b-0c1d2e3f4a5b' })).toBe('invalid_scope');
    expect(await back({ acr_values: 'LoA3', login_hint: 'c3f1d2a4-5b6e-4f70-8a9b-0c1d2e3f4a5b' })).toBe('access_denied');
  });

  it('rotates keys on demand: new tokens carry the new kid and old ones still verify', async () => {
    const before = await signIn();
    const oldTokens = await exchange(before.code, before.verifier);
    const rotated = await postJson(`${portal.url}/__admin/keys/rotate`, {});
    expect(rotated.body.jwks.keys).toHaveLength(2);
    const after = await signIn();
    const newTokens = await exchange(after.code, after.verifier);
    const kid = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid;
    expect(kid(newTokens.body.id_token)).toBe(rotated.body.kid);
    expect(kid(oldTokens.body.id_token)).not.toBe(rotated.body.kid);
    expect((await getJson(`${portal.url}/oauth2/userinfo`, { authorization: `Bearer ${oldTokens.body.access_token}` })).status).toBe(200);
    await postJson(`${portal.url}/__admin/keys/rotate`, { retire: true });
    expect((await getJson(`${portal.url}/oauth2/userinfo`, { authorization: `Bearer ${oldTokens.body.access_token}` })).status).toBe(401);
  });
});
