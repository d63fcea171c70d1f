import { schemaExamples, type AgencySystem } from '@dvc-kit/spec';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countingBearerProvider } from '../test/fixtures.js';
import { json, problem, startServer, type TestServer } from '../test/server.js';
import { createAgencySystemClient, type AgencySystemClient } from './agency-system-client.js';
import { ApiError, AuthError, ConfigError, ValidationError } from './errors.js';

let server: TestServer;
let agency: AgencySystemClient;

beforeAll(async () => {
  server = await startServer();
  agency = createAgencySystemClient({
    baseUrl: `${server.url}/api/dvcqg`,
    auth: countingBearerProvider(),
    signer: async () => 'eyJhbGciOiJFUzI1NiJ9..c2lnbmF0dXJl',
    retries: { maxRetries: 2, baseDelayMs: 1 },
  });
});
afterAll(async () => {
  await agency.close();
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

const CODE = '000.00.06.H56-231027-0361';
const submission = {
  MaHoSoQuocGia: 'G22.99-231027-000913',
  MaTTHC: '1.001612',
  MaCoQuanThucHien: '000.00.06.H56',
  ChuHoSo: 'Lê Thị Hồng Nhung',
  LoaiDoiTuong: '1' as const,
  NgayNopHoSo: '20231027081502',
};

describe('agency system client', () => {
  it('receives a dossier: POST under the base path, portal token, Idempotency-Key and signature, retried with the same key', async () => {
    let n = 0;
    server.handle((req, res) =>
      ++n === 1 ? problem(res, 503, 'unavailable', 'starting', { 'retry-after': '0' }) : json(res, 201, { MaHoSo: CODE, MaHoSoQuocGia: submission.MaHoSoQuocGia, TrangThaiHoSo: '1' }),
    );
    const receipt = await agency.dossiers.receive(submission);
    expect(receipt).toEqual({ MaHoSo: CODE, MaHoSoQuocGia: submission.MaHoSoQuocGia, TrangThaiHoSo: '1' });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/dvcqg/v1/dossiers', 'POST /api/dvcqg/v1/dossiers']);
    const [a, b] = server.requests;
    expect(a!.headers['authorization']).toBe('Bearer token-1');
    expect(a!.headers['idempotency-key']).toBe(b!.headers['idempotency-key']);
    expect(a!.headers['x-dvc-signature']).toBeDefined();
  });

  it('public lookup sends no token; the authenticated lookup sends the citizen’s and needs one', async () => {
    server.handle((req, res) =>
      req.url.includes('/public/') ? json(res, 200, { MaHoSo: CODE, TrangThaiHoSo: '4', DaHoanThanh: false }) : json(res, 200, { dossier: { MaHoSo: CODE }, history: [] }),
    );
    const pub = await agency.dossiers.lookupPublic(CODE);
    expect(pub.DaHoanThanh).toBe(false);
    expect(server.requests[0]!.headers['authorization']).toBeUndefined();
    await agency.dossiers.lookup(CODE, { accessToken: 'citizen-jwt' });
    expect(server.requests[1]!.headers['authorization']).toBe('Bearer citizen-jwt');
    await expect(agency.dossiers.lookup(CODE, {} as never)).rejects.toBeInstanceOf(AuthError);
  });

  it('supplements and withdrawals go to the dossier’s sub-resources', async () => {
    server.handle((req, res) => json(res, req.url.endsWith('supplements') ? 202 : 200, { MaHoSo: CODE, TrangThaiHoSo: req.url.endsWith('supplements') ? '4' : '7' }));
    const s = await agency.dossiers.submitSupplement(CODE, { HoSoBoSungId: 'BS-0361-01', NgayBoSung: '20231030100000', TaiLieuNop: [{ TepDinhKemId: 'f-1', TenTepDinhKem: 'a.pdf' }] } as never);
    const w = await agency.dossiers.withdraw(CODE, { LyDo: 'Nộp lại', NgayYeuCau: '20231028090000', SoDinhDanh: '038190004521' });
    expect([s.TrangThaiHoSo, w.TrangThaiHoSo]).toEqual(['4', '7']);
    expect(server.requests.map((r) => r.url)).toEqual([`/api/dvcqg/v1/dossiers/${CODE}/supplements`, `/api/dvcqg/v1/dossiers/${CODE}/withdrawal`]);
  });

  it('statistics take their query; health answers 503 as an ApiError carrying the Health body', async () => {
    server.handle((req, res) =>
      req.url.startsWith('/api/dvcqg/health')
        ? json(res, 503, { status: 'unavailable', version: '0.1.0', time: '2025-07-01T08:00:00+07:00' })
        : json(res, 200, { agencyCode: '000.00.00.H56', period: { kind: 'quarter', from: '2025-07-01', to: '2025-09-30' }, totals: { received: 1, online: 1, onTime: 1, late: 0, inProgress: 0 }, procedures: [] }),
    );
    const stats = await agency.statistics.get({ kind: 'quarter', from: '2025-07-01', to: '2025-09-30' });
    expect(stats.totals.received).toBe(1);
    expect(server.requests[0]!.url).toBe('/api/dvcqg/v1/statistics?kind=quarter&from=2025-07-01&to=2025-09-30');
    const e = (await agency.health.get({ timeoutMs: 2000 }).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(503);
    expect(e.body).toMatchObject({ status: 'unavailable' });
  });

  it('lists offered procedures across pages and opens the deep link without following the redirect', async () => {
    server.handle((req, res) => {
      if (req.url.startsWith('/api/dvcqg/dvc')) return res.writeHead(302, { location: 'https://xacthuc.dichvucong.gov.vn/oauth2/authorize?state=x' }).end();
      const cursor = new URL(req.url, 'http://x').searchParams.get('cursor');
      json(res, 200, { items: [{ MaTTHC: cursor ? '1.000002' : '1.000001', TenTTHC: 't', MucDo: 'full', CapThucHien: ['province'] }], nextCursor: cursor ? null : 'p2' });
    });
    const codes: string[] = [];
    for await (const p of agency.procedures.list()) codes.push(p.MaTTHC);
    expect(codes).toEqual(['1.000001', '1.000002']);
    const link = await agency.deepLink.open({ vnconnect: '1', MaTTHCDP: '1.001612.000.00.00.H56' });
    expect(link.status).toBe(302);
    expect(link.headers['location']).toContain('xacthuc.dichvucong.gov.vn');
  });

  it('payments and feedback forwarded by the portal', async () => {
    server.handle((req, res) => (req.url.endsWith('/feedback') ? json(res, 202, { MaPhanAnh: 'PA-20231102-0042', TrangThai: '2' }) : json(res, 200, { MaHoSo: CODE, TrangThaiHoSo: '4' })));
    const paid = await agency.payments.notify({ paymentId: 'PAY-7K2M9Q4X8B', MaHoSo: CODE, amount: 100000, currency: 'VND', status: 'paid', createdAt: '2023-10-27T08:20:00+07:00' } as never);
    const fb = await agency.feedback.receive({ MaPhanAnh: 'PA-20231102-0042', TieuDe: 't', NoiDung: 'n', NguoiGui: 'g', NgayGui: '20231102091500', MaCoQuanXuLy: '000.00.00.H56', TrangThai: '1' });
    expect(paid.TrangThaiHoSo).toBe('4');
    expect(fb.TrangThai).toBe('2');
    expect(server.requests[0]!.headers['x-dvc-signature']).toBeDefined();
    expect(server.requests[1]!.headers['x-dvc-signature']).toBeUndefined();
    expect(server.requests[1]!.headers['idempotency-key']).toBeDefined();
  });

  it('has the rest binding only', () => {
    expect(() => createAgencySystemClient({ baseUrl: server.url, binding: 'dvcqg' as never })).toThrow(ConfigError);
  });
});

describe('agency system client: the citizen’s account (cookie session)', () => {
  const SESSION = 's3ss10n-7f2c9a';
  const [evaluation] = schemaExamples<AgencySystem.components['schemas']['Evaluation']>('agency-system', 'Evaluation');
  const { KetQua, TieuChi } = evaluation!;
  const account = { TechID: '7c9e6679-7425-40de-944b-e07fc1f90ae7', HoVaTen: 'Lê Thị Hồng Nhung' };
  const item = (MaHoSo: string) => ({ MaHoSo, MaTTHC: '1.001612', TenTTHC: 'Đăng ký thành lập hộ kinh doanh', TrangThaiHoSo: '10', NgayTiepNhan: '20231027083015', DaDanhGia: false });

  it('completes the sign-on at the redirect URI: code and state in the query, no credential sent; answers the session cookie and Location', async () => {
    server.handle((req, res) =>
      res.writeHead(302, { location: '/v1/me/dossiers', 'set-cookie': ['dvc_lang=vi; Path=/', `dvc_session=${SESSION}; Path=/; HttpOnly; SameSite=Lax`] }).end(),
    );
    const signedIn = await agency.account.completeSignOn({ code: 'code-abc', state: 'state-xyz' });
    expect(signedIn).toEqual({ session: SESSION, location: '/v1/me/dossiers' });
    const [sent] = server.requests;
    expect(`${sent!.method} ${sent!.url}`).toBe('GET /api/dvcqg/dvc/callback?code=code-abc&state=state-xyz');
    expect(sent!.headers['authorization']).toBeUndefined();
    expect(sent!.headers['cookie']).toBeUndefined();
  });

  it('a sign-on the system refused is an ApiError; a 302 without the session cookie is a response ValidationError', async () => {
    server.handle((req, res) =>
      req.url.includes('code=used') ? problem(res, 401, 'unauthorized', 'the code was already redeemed') : res.writeHead(302, { location: '/', 'set-cookie': 'dvc_session=; Max-Age=0; Path=/' }).end(),
    );
    const refused = (await agency.account.completeSignOn({ code: 'used', state: 'state-xyz' }).catch((x: unknown) => x)) as ApiError;
    expect(refused).toBeInstanceOf(ApiError);
    expect([refused.status, refused.problemKind, refused.problem.detail]).toEqual([401, 'unauthorized', 'the code was already redeemed']);
    const cleared = (await agency.account.completeSignOn({ code: 'code-abc', state: 'state-xyz' }).catch((x: unknown) => x)) as ValidationError;
    expect(cleared).toBeInstanceOf(ValidationError);
    expect(cleared.direction).toBe('response');
    expect(cleared.issues.map((i) => i.pointer)).toEqual(['#/header/set-cookie']);
  });

  it('does not repeat a sign-on after a 503 or a lost answer: the code is redeemed once (a GET that starts a session)', async () => {
    server.handle((req, res) => problem(res, 503, 'unavailable', 'try later'));
    const failed = (await agency.account.completeSignOn({ code: 'code-once', state: 'state-xyz' }).catch((x: unknown) => x)) as ApiError;
    expect(failed).toBeInstanceOf(ApiError);
    expect(failed.status).toBe(503);
    expect(server.requests).toHaveLength(1);
    // Another GET of the same client is still retried on a 503.
    server.handle((req, res) => problem(res, 503, 'unavailable', 'try later'));
    await agency.account.listDossiersPage(undefined, { session: SESSION }).catch(() => undefined);
    expect(server.requests.length).toBeGreaterThan(2);
  });

  it('lists the account’s dossiers with the session cookie (no Authorization), across pages, and one page with the account', async () => {
    server.handle((req, res) => {
      const cursor = new URL(req.url, 'http://x').searchParams.get('cursor');
      json(res, 200, { account, items: [item(cursor ? 'H56-0002' : 'H56-0001')], nextCursor: cursor ? null : 'p2' });
    });
    const codes: string[] = [];
    for await (const d of agency.account.listDossiers({ session: SESSION })) codes.push(d.MaHoSo);
    expect(codes).toEqual(['H56-0001', 'H56-0002']);
    expect(server.requests.map((r) => r.url)).toEqual(['/api/dvcqg/v1/me/dossiers', '/api/dvcqg/v1/me/dossiers?cursor=p2']);
    for (const r of server.requests) {
      expect(r.headers['cookie']).toBe(`dvc_session=${SESSION}`);
      expect(r.headers['authorization']).toBeUndefined();
    }
    const page = await agency.account.listDossiersPage({ limit: 1 }, { session: SESSION });
    expect(page.account).toEqual(account);
    expect(server.requests[2]!.url).toBe('/api/dvcqg/v1/me/dossiers?limit=1');
    // The generic call sends the same cookie.
    await agency.call('listMyDossiers', { session: SESSION });
    expect(server.requests[3]!.headers['cookie']).toBe(`dvc_session=${SESSION}`);
  });

  it('without a session nothing is sent (AuthError); a session the system does not know answers 401, an ApiError', async () => {
    server.handle((req, res) => problem(res, 401, 'unauthorized', 'no session'));
    await expect(agency.account.listDossiersPage(undefined, {} as never)).rejects.toBeInstanceOf(AuthError);
    await expect(agency.account.evaluateDossier(CODE, { KetQua, TieuChi }, { session: '' })).rejects.toBeInstanceOf(AuthError);
    // A value that would add a second cookie is refused too.
    await expect(agency.account.listDossiersPage(undefined, { session: `${SESSION}; admin=1` })).rejects.toMatchObject({ code: 'CLIENT_AUTH_FAILED' });
    expect(server.requests).toHaveLength(0);
    const e = (await agency.account.listDossiersPage(undefined, { session: 'expired' }).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.problemKind]).toEqual([401, 'unauthorized']);
    expect(server.requests.map((r) => r.headers['cookie'])).toEqual(['dvc_session=expired']);
  });

  it('evaluates a dossier: PUT of the JSON evaluation with the session cookie; 422 and 409 are typed ApiErrors', async () => {
    server.handle((req, res) => {
      const body = JSON.parse(req.body) as { KetQua: string };
      if (body.KetQua === '9') return problem(res, 422, 'validation', 'KetQua must be 1–4');
      if (req.url.includes('H56-0009')) return problem(res, 409, 'illegal-transition', 'another evaluation was recorded');
      json(res, 201, evaluation);
    });
    const recorded = await agency.account.evaluateDossier(CODE, { KetQua, TieuChi }, { session: SESSION });
    expect(recorded).toEqual(evaluation);
    const [sent] = server.requests;
    expect(`${sent!.method} ${sent!.url}`).toBe(`PUT /api/dvcqg/v1/me/dossiers/${CODE}/evaluation`);
    expect(sent!.headers['cookie']).toBe(`dvc_session=${SESSION}`);
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent!.body)).toEqual({ KetQua, TieuChi });
    const invalid = (await agency.account.evaluateDossier(CODE, { KetQua: '9' } as never, { session: SESSION }).catch((x: unknown) => x)) as ApiError;
    expect(invalid).toBeInstanceOf(ApiError);
    expect([invalid.status, invalid.problemKind, invalid.problem.detail]).toEqual([422, 'validation', 'KetQua must be 1–4']);
    const changed = (await agency.account.evaluateDossier('H56-0009', { KetQua, TieuChi }, { session: SESSION }).catch((x: unknown) => x)) as ApiError;
    expect([changed.status, changed.problemKind]).toEqual([409, 'illegal-transition']);
  });

  it('uses the system’s own cookie name when it is not dvc_session', async () => {
    const custom = createAgencySystemClient({ baseUrl: server.url, sessionCookie: 'SID', retries: 0 });
    try {
      server.handle((req, res) =>
        req.url.startsWith('/dvc/callback') ? res.writeHead(302, { location: '/', 'set-cookie': ['dvc_session=other; Path=/', `SID=${SESSION}; Path=/`] }).end() : json(res, 200, { account, items: [], nextCursor: null }),
      );
      const { session } = await custom.account.completeSignOn({ code: 'c', state: 's' });
      expect(session).toBe(SESSION);
      await custom.account.listDossiersPage(undefined, { session });
      expect(server.requests[1]!.headers['cookie']).toBe(`SID=${SESSION}`);
    } finally {
      await custom.close();
    }
    expect(() => createAgencySystemClient({ baseUrl: server.url, sessionCookie: 'a b' })).toThrow(ConfigError);
  });
});
