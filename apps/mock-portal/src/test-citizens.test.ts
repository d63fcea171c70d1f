import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, send } from '../test/helpers.js';
import { clientAssertion, register, type Credentials } from '../test/scenario.js';
import { startMockPortal, type MockPortal } from './index.js';
import { CITIZENS_FILE } from './persistence.js';
import { CitizenRegistry, CitizenRegistryError, TEST_CITIZENS } from './test-citizens.js';

const REDIRECT = 'https://motcua.example.vn/dvc/callback';

const NEW_CITIZEN = {
  sub: 'sub-added-0001',
  TechID: 'tech-added-0001',
  LoaiTaiKhoan: '1',
  SoDinhDanh: '038199000777',
  HoVaTen: 'Đỗ Minh Khang',
  NgayThangNamSinh: '19990102',
  SoDienThoai: '0912000777',
} as const;

describe('CitizenRegistry (in process)', () => {
  it('starts with the test citizens, finds by sub, TechID and SoDinhDanh, and refuses duplicates', () => {
    const r = new CitizenRegistry();
    expect(r.list().map((c) => c.sub)).toEqual(TEST_CITIZENS.map((c) => c.sub));
    const added = r.add({ ...NEW_CITIZEN });
    expect(added.loAs).toEqual(['LoA1', 'LoA2', 'LoA3']);
    expect(r.find('tech-added-0001')).toBe(added);
    expect(r.find('038199000777')).toBe(added);
    expect(() => r.add({ ...NEW_CITIZEN, sub: 'other' })).toThrow(expect.objectContaining({ code: 'MOCK_CITIZEN_EXISTS' }));
  });

  it('changes claims but never the stable keys, and validates what it stores', () => {
    const r = new CitizenRegistry();
    r.add({ ...NEW_CITIZEN });
    expect(r.update('sub-added-0001', { HoVaTen: 'Đỗ Minh Khang Mới', SoDienThoai: null }).HoVaTen).toBe('Đỗ Minh Khang Mới');
    expect(r.find('sub-added-0001')!.SoDienThoai).toBeUndefined();
    expect(() => r.update('sub-added-0001', { TechID: 'changed' })).toThrow(CitizenRegistryError);
    expect(() => r.update('sub-added-0001', { SoDinhDanh: '12' })).toThrow(/12 digits/);
    expect(() => r.update('sub-added-0001', { SoDinhDanh: TEST_CITIZENS[0]!.SoDinhDanh })).toThrow(expect.objectContaining({ code: 'MOCK_CITIZEN_EXISTS' }));
    expect(() => r.update('nobody', { HoVaTen: 'x' })).toThrow(expect.objectContaining({ code: 'MOCK_CITIZEN_UNKNOWN' }));
    expect(() => r.add({ sub: 'no-id', HoVaTen: 'Không số định danh' })).toThrow(/SoDinhDanh/);
    // The registry of another portal is untouched.
    expect(new CitizenRegistry().find('sub-added-0001')).toBeUndefined();
  });
});

/** Signs `hint` in at the portal as `citizens-client` would (PKCE, private_key_jwt); the verified ID token and userinfo. */
async function signInAt(portal: MockPortal, creds: Credentials, hint: string) {
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({
    response_type: 'code', client_id: 'citizens-client', redirect_uri: REDIRECT, scope: 'openid', state: 'state-1234567890', nonce: 'nonce-1234567890',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', acr_values: 'LoA2', login_hint: hint,
  });
  const r = await send('GET', `${portal.url}/oauth2/authorize?${q}`);
  expect(r.status).toBe(302);
  const code = new URL(r.headers.location!).searchParams.get('code');
  expect(code).toBeTruthy();
  const form = new URLSearchParams({
    grant_type: 'authorization_code', code: code!, code_verifier: verifier, redirect_uri: REDIRECT,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(creds, `${portal.url}/oauth2/token`),
  });
  const t = await send('POST', `${portal.url}/oauth2/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  expect(t.status).toBe(200);
  const tokens = JSON.parse(t.text) as { access_token: string; id_token: string };
  const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(`${portal.url}/.well-known/jwks.json`)), { issuer: portal.url, audience: 'citizens-client' });
  const info = await getJson(`${portal.url}/oauth2/userinfo`, { authorization: `Bearer ${tokens.access_token}` });
  expect(info.status).toBe(200);
  return { idToken: payload, userinfo: info.body as Record<string, unknown> };
}

const adminCitizens = (portal: MockPortal, method: string, path: string, body?: unknown) =>
  send(method, `${portal.url}/__admin/citizens${path}`, { headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }).then((r) => ({ ...r, json: JSON.parse(r.text) }));

describe('test citizens over the admin API and the sign-on', () => {
  let portal: MockPortal;
  let creds: Credentials;
  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 5 });
    creds = await register(send, portal.url, { clientId: 'citizens-client', agencyCode: '000.00.00.H56', redirectUris: [REDIRECT] });
  });
  afterAll(() => portal.close());

  const admin = (method: string, path: string, body?: unknown) => adminCitizens(portal, method, path, body);
  const signIn = (hint: string) => signInAt(portal, creds, hint);

  it('signs in a citizen added over the admin API, and shows a renamed citizen at the next sign-in', async () => {
    const added = await admin('POST', '', NEW_CITIZEN);
    expect(added.status).toBe(201);
    expect((await admin('GET', '')).json.items.map((c: { sub: string }) => c.sub)).toContain(NEW_CITIZEN.sub);

    const first = await signIn(NEW_CITIZEN.TechID);
    expect(first.idToken).toMatchObject({ sub: NEW_CITIZEN.sub, TechID: NEW_CITIZEN.TechID });
    expect(first.userinfo).toMatchObject({ HoVaTen: 'Đỗ Minh Khang', SoDinhDanh: NEW_CITIZEN.SoDinhDanh });

    const renamed = await admin('PATCH', `/${encodeURIComponent(NEW_CITIZEN.sub)}`, { HoVaTen: 'Đỗ Minh Khang (đổi tên)' });
    expect(renamed.status).toBe(200);
    expect(renamed.json.HoVaTen).toBe('Đỗ Minh Khang (đổi tên)');
    const second = await signIn(NEW_CITIZEN.sub);
    expect(second.idToken).toMatchObject({ sub: NEW_CITIZEN.sub, TechID: NEW_CITIZEN.TechID });
    expect(second.userinfo).toMatchObject({ HoVaTen: 'Đỗ Minh Khang (đổi tên)', SoDinhDanh: NEW_CITIZEN.SoDinhDanh });
    // In process, the same registry.
    expect(portal.core.oidc.citizens.find(NEW_CITIZEN.TechID)!.HoVaTen).toBe('Đỗ Minh Khang (đổi tên)');
  });

  it('answers bad citizen requests with typed problem+json: 400, 404, 409', async () => {
    const invalid = await admin('POST', '', { sub: 'x', SoDinhDanh: 'abc' });
    expect(invalid).toMatchObject({ status: 400, json: { code: 'MOCK_CITIZEN_INVALID', status: 400 } });
    expect(invalid.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await admin('POST', '', { ...NEW_CITIZEN, sub: 'dup-2', TechID: 'dup-2' })).json).toMatchObject({ code: 'MOCK_CITIZEN_EXISTS', status: 409 });
    expect((await admin('PATCH', '/nobody', { HoVaTen: 'x' })).json).toMatchObject({ code: 'MOCK_CITIZEN_UNKNOWN', status: 404 });
    expect((await admin('PATCH', `/${TEST_CITIZENS[0]!.sub}`, { TechID: 'changed' })).json).toMatchObject({ code: 'MOCK_CITIZEN_INVALID', status: 400 });
    expect((await admin('PATCH', `/${TEST_CITIZENS[0]!.sub}`, [1])).status).toBe(400);
  });
});

describe('test citizens with a data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mock-portal-citizens-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps citizens added and renamed over the admin API across a restart on the same directory', async () => {
    const first = await startMockPortal({ port: 0, seed: 5, dataDir });
    // Same address after the restart, as a CLI user would have (the issuer is the URL).
    const port = Number(new URL(first.url).port);
    let creds: Credentials;
    try {
      creds = await register(send, first.url, { clientId: 'citizens-client', agencyCode: '000.00.00.H56', redirectUris: [REDIRECT] });
      expect((await adminCitizens(first, 'POST', '', NEW_CITIZEN)).status).toBe(201);
      expect((await adminCitizens(first, 'PATCH', `/${TEST_CITIZENS[1]!.SoDinhDanh}`, { HoVaTen: 'Nguyễn Văn An (đổi tên)', SoDienThoai: null })).status).toBe(200);
      // A refused change is not written: the restart must not replay it.
      expect((await adminCitizens(first, 'POST', '', { ...NEW_CITIZEN, sub: 'dup-3', TechID: 'dup-3' })).status).toBe(409);
    } finally {
      await first.close();
    }
    expect(readFileSync(join(dataDir, CITIZENS_FILE), 'utf8').trim().split('\n')).toHaveLength(2);

    const second = await startMockPortal({ port, seed: 5, dataDir });
    try {
      const listed = (await adminCitizens(second, 'GET', '')).json.items as { sub: string; HoVaTen: string }[];
      expect(listed.map((c) => c.sub)).toEqual([...TEST_CITIZENS.map((c) => c.sub), NEW_CITIZEN.sub]);
      const added = await signInAt(second, creds, NEW_CITIZEN.TechID);
      expect(added.idToken).toMatchObject({ sub: NEW_CITIZEN.sub, TechID: NEW_CITIZEN.TechID });
      expect(added.userinfo).toMatchObject({ HoVaTen: NEW_CITIZEN.HoVaTen, SoDinhDanh: NEW_CITIZEN.SoDinhDanh, loAs: ['LoA1', 'LoA2', 'LoA3'] });
      const renamed = await signInAt(second, creds, TEST_CITIZENS[1]!.sub);
      expect(renamed.userinfo).toMatchObject({ HoVaTen: 'Nguyễn Văn An (đổi tên)', SoDinhDanh: TEST_CITIZENS[1]!.SoDinhDanh });
      expect(renamed.userinfo.SoDienThoai).toBeUndefined();
      // Still checked as before: the restored citizen's SoDinhDanh is taken.
      expect((await adminCitizens(second, 'POST', '', { ...NEW_CITIZEN, sub: 'dup-4', TechID: 'dup-4' })).json).toMatchObject({ code: 'MOCK_CITIZEN_EXISTS' });
      // And changed again after the restart, which a third start sees.
      expect((await adminCitizens(second, 'PATCH', `/${NEW_CITIZEN.sub}`, { HoVaTen: 'Đỗ Minh Khang (lần 2)' })).status).toBe(200);
    } finally {
      await second.close();
    }

    const third = await startMockPortal({ port, seed: 5, dataDir });
    try {
      expect((await signInAt(third, creds, NEW_CITIZEN.SoDinhDanh)).userinfo).toMatchObject({ HoVaTen: 'Đỗ Minh Khang (lần 2)' });
    } finally {
      await third.close();
    }
  });
});
