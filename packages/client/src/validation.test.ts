import { canonicalize, createTestPki, verifyMessage, type TestPki } from '@dvc-kit/signature';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countingBearerProvider, makeDossier } from '../test/fixtures.js';
import { json, startServer, type TestServer } from '../test/server.js';
import { createAgencySystemClient } from './agency-system-client.js';
import { ConfigError, ValidationError } from './errors.js';
import { createNationalPortalClient, type NationalPortalClient, type NationalPortalClientOptions } from './national-portal-client.js';

let server: TestServer;
let pki: TestPki;
const clients: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  server = await startServer();
  pki = await createTestPki({ serve: false });
  // Loading the compiled validators takes a while the first time; not part of any one test.
  await import('@dvc-kit/validators');
}, 60_000);
afterAll(async () => {
  await server.close();
  await (pki as unknown as { close?: () => Promise<void> }).close?.();
});
afterEach(async () => {
  server.requests.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function client(extra: Partial<NationalPortalClientOptions> = {}): NationalPortalClient {
  const c = createNationalPortalClient({
    baseUrl: server.url,
    auth: countingBearerProvider(),
    signer: { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem },
    retries: 0,
    ...extra,
  });
  clients.push(c);
  return c;
}

const record = (d = makeDossier(1)) => ({ dossier: d, history: [], receivedAt: '2023-10-27T08:30:20+07:00', version: 1 });

describe('message signatures with @dvc-kit/signature', () => {
  it('attaches a detached JWS that verifies against the body the server received and the trust anchors', async () => {
    server.handle((req, res) => json(res, 201, record()));
    const d = makeDossier(1);
    await client().dossiers.upsert(d);
    const seen = server.requests[0]!;
    const jws = String(seen.headers['x-dvc-signature']);
    expect(jws).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
    // the body travels in the canonical form that was signed
    expect(seen.body).toBe(canonicalize(d));
    const report = await verifyMessage(jws, JSON.parse(seen.body), { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher } });
    expect(report.indication).toBe('TOTAL_PASSED');
    const tampered = await verifyMessage(jws, { ...d, TrangThaiHoSo: '10' }, { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher } });
    expect(tampered.indication).not.toBe('TOTAL_PASSED');
  });

  it('signs every signed operation of the agency-system document too (receiveDossier)', async () => {
    server.handle((req, res) => json(res, 201, { MaHoSo: '000.00.06.H56-231027-0361', MaHoSoQuocGia: 'G22.99-231027-000913', TrangThaiHoSo: '1' }));
    const agency = createAgencySystemClient({
      baseUrl: server.url,
      auth: countingBearerProvider(),
      signer: { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem },
    });
    clients.push(agency);
    const receipt = await agency.dossiers.receive({
      MaHoSoQuocGia: 'G22.99-231027-000913',
      MaTTHC: '1.001612',
      MaCoQuanThucHien: '000.00.06.H56',
      ChuHoSo: 'Lê Thị Hồng Nhung',
      LoaiDoiTuong: '1',
      NgayNopHoSo: '20231027081502',
    });
    expect(receipt.MaHoSo).toBe('000.00.06.H56-231027-0361');
    const seen = server.requests[0]!;
    expect(seen.headers['idempotency-key']).toBeDefined();
    const report = await verifyMessage(String(seen.headers['x-dvc-signature']), JSON.parse(seen.body), { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher } });
    expect(report.indication).toBe('TOTAL_PASSED');
  });

  it('refuses, before sending, a body with no canonical JSON form, naming the member', async () => {
    const bad = { ...makeDossier(1), GhiChu: 'x\ud800' };
    const error = await client()
      .dossiers.syncBatch([bad])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]!.pointer).toBe('/items/0/GhiChu');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a signer identity without certificates', () => {
    expect(() => client({ signer: { privateKey: pki.agency.privateKey, certificates: [] } })).toThrow(ConfigError);
  });
});

describe('validation with @dvc-kit/validators', () => {
  it('"requests": an invalid body is refused before anything is sent, with the validators’ pointers', async () => {
    server.handle((req, res) => json(res, 201, record()));
    const e = await client({ validate: 'requests' })
      .dossiers.upsert({ ...makeDossier(1), TrangThaiHoSo: '11' as never })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    const v = e as ValidationError;
    expect(v.direction).toBe('request');
    expect(v.issues.map((i) => i.pointer)).toContain('/TrangThaiHoSo');
    expect(v.issues[0]!.message.vi).toBeTruthy();
    expect(server.requests).toHaveLength(0);
  });

  it('"requests": a bad query parameter is refused too', async () => {
    const e = (await client({ validate: 'requests' }).procedures.listPage({ limit: 5000 }).catch((x: unknown) => x)) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues.some((i) => i.pointer.includes('limit'))).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it('"requests": a valid request goes through, with its managed headers', async () => {
    server.handle((req, res) => json(res, 201, record()));
    await expect(client({ validate: 'requests' }).dossiers.upsert(makeDossier(1))).resolves.toMatchObject({ version: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('"all": an answer that breaks the document is a response ValidationError; "requests" lets it through', async () => {
    server.handle((req, res) => json(res, 200, { dossier: makeDossier(1), history: [] }));
    const e = (await client({ validate: 'all' }).dossiers.get(makeDossier(1).MaHoSo).catch((x: unknown) => x)) as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.direction).toBe('response');
    await expect(client({ validate: 'requests' }).dossiers.get(makeDossier(1).MaHoSo)).resolves.toBeDefined();
  });

  it('"all" in the dvcqg binding checks the envelope it sends', async () => {
    const c = client({
      validate: 'all',
      binding: 'dvcqg',
      dvcqg: { agencyCode: 'not-an-agency' },
      auth: { getCredential: async () => ({ type: 'dvcqg-session', session: 's-1' }), invalidate: () => undefined },
    });
    await expect(c.dossiers.get(makeDossier(1).MaHoSo)).rejects.toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects an unknown validate mode', () => {
    expect(() => client({ validate: 'strict' as never })).toThrow(ConfigError);
  });
});
