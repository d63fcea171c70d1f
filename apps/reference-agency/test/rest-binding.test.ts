import { parseDossierCode } from '@dvc-kit/validators';
import { validateResponse } from '@dvc-kit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceAgency, type ReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakePortal } from './support/fake-portal.js';
import { call, submission, waitFor } from './support/http.js';

let portal: FakePortal;
let agency: ReferenceAgency;
let write: string;

beforeAll(async () => {
  portal = await FakePortal.start();
  agency = await startReferenceAgency(loadConfig(portal.agencyEnv()));
  write = await portal.token({ scope: 'agency.dossiers.write agency.payments.write agency.feedback.write agency.statistics.read' });
}, 120_000);

afterAll(async () => {
  await agency?.close();
  await portal?.close();
});

const post = (path: string, body: unknown, extra: Parameters<typeof call>[4] = {}) => call(portal, agency.url, 'POST', path, { token: write, body, sign: true, ...extra });
const get = (path: string, extra: Parameters<typeof call>[4] = {}) => call(portal, agency.url, 'GET', path, extra);

describe('reception and the lifecycle (rest binding)', () => {
  it('receives a signed dossier, answers its code, and pushes every step signed until the result is returned', async () => {
    const res = await post('/v1/dossiers', submission());
    expect(res.status).toBe(201);
    expect(validateResponse('receiveDossier', 201, { headers: Object.fromEntries(res.headers), body: res.body }).ok).toBe(true);
    const code: string = res.body.MaHoSo;
    expect(parseDossierCode(code).ok).toBe(true);
    expect(code).toMatch(/^000\.00\.06\.H56-\d{6}-\d{4}$/);
    expect(res.body.TrangThaiHoSo).toBe('2');
    expect(res.headers.get('location')).toContain(`/v1/dossiers/${code}`);

    await waitFor(() => portal.statuses(code).includes('10'), 'status 10 at the portal');
    expect(portal.statuses(code)).toEqual(['2', '4', '9', '10']);
    const record = portal.records.get(code)!;
    expect(record.dossier.NgayKetThucXuLy).toMatch(/^\d{14}$/);
    expect(record.dossier.NgayTra).toMatch(/^\d{14}$/);
    const pushes = portal.calls.filter((c) => c.path.includes(code));
    expect(pushes.length).toBeGreaterThanOrEqual(8);
    expect(pushes.every((c) => c.signature === 'valid' && c.status < 300)).toBe(true);
    expect(pushes.filter((c) => c.method === 'POST').every((c) => typeof c.headers['idempotency-key'] === 'string')).toBe(true);
  });

  it('moves through every step with a 5 ms step interval', async () => {
    const quick = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_STEP_INTERVAL_MS: '5' })));
    try {
      const res = await call(portal, quick.url, 'POST', '/v1/dossiers', { token: write, body: submission({ MaCoQuanThucHien: '000.00.33.H56' }), sign: true });
      const code: string = res.body.MaHoSo;
      await waitFor(() => portal.statuses(code).includes('10'), 'status 10 at the portal');
      expect(portal.statuses(code)).toEqual(['2', '4', '9', '10']);
      const times = quick.services.store.history(code).map((s) => s.ThoiDiemXuLy);
      expect([...times].sort()).toEqual(times);
    } finally {
      await quick.close();
    }
  });

  it('numbers dossiers of one agency and day consecutively', async () => {
    const a = await post('/v1/dossiers', submission());
    const b = await post('/v1/dossiers', submission());
    const seq = (c: string) => Number(c.slice(c.lastIndexOf('-') + 1));
    expect(seq(b.body.MaHoSo)).toBe(seq(a.body.MaHoSo) + 1);
  });

  it('answers a repeat with the same Idempotency-Key and body with the same dossier, and refuses a different body with 422', async () => {
    const body = submission();
    const first = await post('/v1/dossiers', body, { idempotencyKey: 'retry-key-0001' });
    const again = await post('/v1/dossiers', body, { idempotencyKey: 'retry-key-0001' });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await post('/v1/dossiers', { ...body, ChuHoSo: 'Người khác' }, { idempotencyKey: 'retry-key-0001' });
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('https://dvc-kit.dev/problems/idempotency-key-reused');
    const missing = await post('/v1/dossiers', submission(), { idempotencyKey: false });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('refuses the same national submission under a new key with 409', async () => {
    const body = submission();
    expect((await post('/v1/dossiers', body)).status).toBe(201);
    const dup = await post('/v1/dossiers', body);
    expect(dup.status).toBe(409);
  });

  it('refuses unsigned and badly signed dossiers with 403 and stores nothing', async () => {
    const body = submission();
    const unsigned = await post('/v1/dossiers', body, { sign: false });
    expect(unsigned.status).toBe(403);
    expect(unsigned.body.type).toBe('https://dvc-kit.dev/problems/signature-invalid');
    const wrongBody = await portal.sign({ ...body, ChuHoSo: 'x' });
    expect((await post('/v1/dossiers', body, { sign: wrongBody })).status).toBe(403);
    // A certificate outside the trust anchors' tree: the citizen's is from the public CA, still under the root,
    // so use a body signed correctly afterwards to show that nothing was stored by the refusals.
    const ok = await post('/v1/dossiers', body);
    expect(ok.status).toBe(201);
  });

  it('verifies the bearer token: missing, wrong audience, wrong issuer, expired → 401; wrong scope → 403', async () => {
    const body = submission();
    const noToken = await call(portal, agency.url, 'POST', '/v1/dossiers', { body, sign: true });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    for (const claims of [{ aud: 'someone-else' }, { iss: 'https://evil.example' }, { exp: Math.floor(Date.now() / 1000) - 60 }]) {
      const token = await portal.token({ scope: 'agency.dossiers.write', ...claims });
      const res = await call(portal, agency.url, 'POST', '/v1/dossiers', { token, body, sign: true });
      expect(res.status, JSON.stringify(claims)).toBe(401);
    }
    const feedbackOnly = await portal.token({ scope: 'agency.feedback.write' });
    const scoped = await call(portal, agency.url, 'POST', '/v1/dossiers', { token: feedbackOnly, body, sign: true });
    expect(scoped.status).toBe(403);
    expect(scoped.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('validates the body against the spec and the rules, naming each field', async () => {
    const res = await post('/v1/dossiers', submission({ NgayNopHoSo: '20230230120000', LoaiDoiTuong: '9', MaTTHC: '9.999999' }));
    expect(res.status).toBe(422);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/NgayNopHoSo', '/LoaiDoiTuong']));
    for (const e of res.body.errors) expect(e.message.vi && e.message.en).toBeTruthy();
    const rules = await post('/v1/dossiers', submission({ MaTTHC: '9.999999', MaCoQuanThucHien: '000.00.01.H22', NgayNopHoSo: '20991231235959', TaiLieuNop: [{ TepDinhKemId: 'f', TenTepDinhKem: 'a.pdf' }] }));
    expect(rules.status).toBe(422);
    expect(rules.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/MaTTHC', '/MaCoQuanThucHien', '/NgayNopHoSo', '/TaiLieuNop/0/MaThanhPhanHoSo']);
    const business = await post('/v1/dossiers', submission({ LoaiDoiTuong: '2', MaDoiTuong: '0100109107', TaiLieuNop: [{ TepDinhKemId: 'f', TenTepDinhKem: 'a.pdf', MaThanhPhanHoSo: 'TP99' }] }));
    expect(business.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/MaDoiTuong', '/TaiLieuNop/0/MaThanhPhanHoSo']);
    const badJson = await call(portal, agency.url, 'POST', '/v1/dossiers', { token: write, headers: { 'content-type': 'application/json', 'x-dvc-signature': 'a..b' }, body: undefined });
    expect(badJson.status).toBe(400);
  });
});

describe('lookups', () => {
  let code: string;
  beforeAll(async () => {
    code = (await post('/v1/dossiers', submission())).body.MaHoSo;
  });

  it('the public lookup answers the code and completion status only', async () => {
    const res = await get(`/v1/public/dossiers/${code}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['DaHoanThanh', 'MaHoSo', 'TrangThaiHoSo']);
    expect(res.headers.get('ratelimit-limit')).toBe('120');
    expect((await get('/v1/public/dossiers/000.00.06.H56-200101-9999')).status).toBe(404);
    const malformed = await get('/v1/public/dossiers/not-a-code');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].pointer).toBe('#/path/MaHoSo');
  });

  it("the authenticated lookup shows the owner's dossier with history, and another citizen's as 404", async () => {
    const owner = await portal.token({ SoDinhDanh: '038190004521' });
    const res = await get(`/v1/dossiers/${code}`, { token: owner });
    expect(res.status).toBe(200);
    expect(validateResponse('lookupDossier', 200, { body: res.body }).ok).toBe(true);
    expect(res.body.dossier.ChuHoSo).toBe('Lê Thị Hồng Nhung');
    expect(res.body.history.length).toBeGreaterThanOrEqual(1);
    const stranger = await portal.token({ SoDinhDanh: '001090000001' });
    expect((await get(`/v1/dossiers/${code}`, { token: stranger })).status).toBe(404);
    expect((await get(`/v1/dossiers/${code}`)).status).toBe(401);
    const wrongAud = await portal.token({ SoDinhDanh: '038190004521', aud: 'other-client' });
    expect((await get(`/v1/dossiers/${code}`, { token: wrongAud })).status).toBe(401);
  });
});

describe('supplementation, payment and withdrawal', () => {
  it('requests a supplement when no file was submitted, and continues once it arrives', async () => {
    const code = (await post('/v1/dossiers', submission({ TaiLieuNop: [] }))).body.MaHoSo;
    await waitFor(() => agency.services.store.get(code)?.status === '5', 'status 5');
    const supplement = { HoSoBoSungId: 'BS-0001-01', NgayBoSung: '20250702100000', TaiLieuNop: [{ TepDinhKemId: 'f-2', TenTepDinhKem: 'To-khai.pdf', MaThanhPhanHoSo: 'TP01' }] };
    const res = await post(`/v1/dossiers/${code}/supplements`, supplement);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ MaHoSo: code, TrangThaiHoSo: '4' });
    await waitFor(() => portal.statuses(code).includes('10'), 'status 10');
    expect(portal.statuses(code)).toEqual(['2', '4', '5', '4', '9', '10']);
    const late = await post(`/v1/dossiers/${code}/supplements`, { ...supplement, HoSoBoSungId: 'BS-0001-02' });
    expect(late.status).toBe(409);
  });

  it('asks for fees to be paid online, continues on a paid notification, and credits a repeat once', async () => {
    const code = (await post('/v1/dossiers', submission({ MaTTHC: '1.001612', DuocThanhToanTrucTuyen: '1', DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký hộ kinh doanh', Gia: 100000, LoaiPhiLePhi: '1' }] }))).body.MaHoSo;
    await waitFor(() => agency.services.store.get(code)?.status === '6', 'status 6');
    const opened = await waitFor(() => portal.calls.find((c) => c.path === '/v1/payments' && (c.body as { MaHoSo: string }).MaHoSo === code), 'the payment created at the portal');
    expect(opened.body).toMatchObject({ DanhSachLePhi: [{ Gia: 100000 }], returnUrl: expect.stringContaining('/thanh-toan/ket-qua') });
    const payment = { paymentId: 'PAY-7K2M9Q4X8B', MaHoSo: code, amount: 100000, currency: 'VND', status: 'paid', createdAt: '2025-07-01T08:20:00+07:00', paidAt: '2025-07-01T08:24:31+07:00', transactionRef: 'PG250701000913' };
    const first = await post('/v1/payment-notifications', payment);
    expect(first.status).toBe(200);
    expect(first.body.TrangThaiHoSo).toBe('4');
    const repeat = await post('/v1/payment-notifications', payment);
    expect(repeat.status).toBe(200);
    await waitFor(() => portal.statuses(code).includes('10'), 'status 10');
    expect(portal.statuses(code)).toEqual(['2', '4', '6', '4', '9', '10']);
    expect((await post('/v1/payment-notifications', payment, { sign: false })).status).toBe(403);
  });

  it('stops processing (8) when the supplement does not arrive by the deadline', async () => {
    const hasty = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_SUPPLEMENT_DEADLINE_MS: '200' })));
    try {
      const code = (await call(portal, hasty.url, 'POST', '/v1/dossiers', { token: write, body: submission({ TaiLieuNop: [], MaCoQuanThucHien: '000.00.31.H56' }), sign: true })).body.MaHoSo;
      await waitFor(() => portal.statuses(code).includes('8'), 'status 8 at the portal');
      expect(portal.statuses(code)).toEqual(['2', '4', '5', '8']);
      expect(portal.records.get(code)!.dossier.GhiChu).toMatch(/quá hạn bổ sung/);
    } finally {
      await hasty.close();
    }
  });

  it("withdraws the owner's dossier, refuses a stranger (404) and a finished dossier (409)", async () => {
    const code = (await post('/v1/dossiers', submission({ TaiLieuNop: [] }))).body.MaHoSo;
    const w = { LyDo: 'Nộp lại hồ sơ mới', NgayYeuCau: '20250702090000', SoDinhDanh: '038190004521' };
    expect((await post(`/v1/dossiers/${code}/withdrawal`, { ...w, SoDinhDanh: '001090000001' })).status).toBe(404);
    const res = await post(`/v1/dossiers/${code}/withdrawal`, w);
    expect(res.status).toBe(200);
    expect(res.body.TrangThaiHoSo).toBe('7');
    await waitFor(() => portal.statuses(code).includes('7'), 'status 7 at the portal');
    expect((await post(`/v1/dossiers/${code}/withdrawal`, w)).status).toBe(409);
  });
});

describe('feedback, statistics, catalogue, deep link, health', () => {
  it('receives feedback and shows its answer in the authenticated lookup', async () => {
    const code = (await post('/v1/dossiers', submission())).body.MaHoSo;
    const fb = { MaPhanAnh: 'PA-20250702-0042', TieuDe: 'Chậm trả kết quả', NoiDung: 'Chưa có kết quả.', NguoiGui: 'Lê Thị Hồng Nhung', MaHoSo: code, NgayGui: '20250702091500', MaCoQuanXuLy: '000.00.00.H56', TrangThai: '1' };
    const res = await post('/v1/feedback', fb, { sign: false });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ MaPhanAnh: 'PA-20250702-0042', TrangThai: '2' });
    const owner = await portal.token({ SoDinhDanh: '038190004521' });
    const view = await waitFor(async () => {
      const r = await get(`/v1/dossiers/${code}`, { token: owner });
      return r.body.feedback?.[0]?.TrangThai === '3' ? r.body : undefined;
    }, 'feedback answered');
    expect(view.feedback[0].TraLoi.NguoiTraLoi).toBeTruthy();
  });

  it('answers consistent statistics for a period', async () => {
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const res = await get(`/v1/statistics?kind=month&from=${today}&to=${today}`, { token: write });
    expect(res.status).toBe(200);
    expect(validateResponse('getStatistics', 200, { body: res.body }).ok).toBe(true);
    const t = res.body.totals;
    expect(t.received).toBeGreaterThan(5);
    const p = res.body.procedures as { received: number; onTime: number; late: number; inProgress: number; withdrawn: number; returned: number }[];
    for (const row of p) expect(row.received).toBe(row.onTime + row.late + row.inProgress + row.withdrawn + row.returned);
    expect((await get(`/v1/statistics?kind=month&from=${today}&to=2000-01-01`, { token: write })).status).toBe(400);
    expect((await get(`/v1/statistics?kind=week&from=${today}&to=${today}`, { token: write })).status).toBe(400);
  });

  it('lists the offered procedures page by page and refuses a tampered cursor', async () => {
    const first = await get('/v1/procedures?limit=3');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(3);
    const seen = [...first.body.items];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await get(`/v1/procedures?limit=3&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(new Set(seen.map((p) => p.MaTTHC)).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(5);
    expect((await get(`/v1/procedures?cursor=${first.body.nextCursor}x`)).status).toBe(400);
    expect((await get('/v1/procedures?limit=0')).status).toBe(400);
  });

  it('sends an anonymous deep link to the portal sign-on with PKCE and the return address in state', async () => {
    const res = await get('/dvc?vnconnect=1&MaTTHCDP=1.001612.000.00.00.H56&MaCoQuanThucHien=000.00.06.H56');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${portal.url}/oauth2/authorize`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    const state = JSON.parse(Buffer.from(location.searchParams.get('state')!.split('.')[0]!, 'base64url').toString());
    expect(state.r).toContain('/nop-ho-so/1.001612.000.00.00.H56');
    expect(location.searchParams.get('nonce')).toBeTruthy();
    expect(location.searchParams.get('redirect_uri')).toBe(`${agency.url}/dvc/callback`);
    expect((await get('/dvc?vnconnect=1&MaTTHCDP=1.001612.000.00.00.H22')).status).toBe(404);
    // A forged state never gets a session.
    expect((await get('/dvc/callback?code=abc&state=eyJyIjoiIn0.forged')).status).toBe(401);
    expect((await get('/nop-ho-so/1.001612')).status).toBe(302);
  });

  it('reports health and answers unknown paths with problem+json', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    const missing = await get('/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('the portal certificate', () => {
  it('refuses a message signed with a revoked or an expired certificate', async () => {
    const strict = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_REVOCATION_MODE: 'hard-fail', DVC_REVOCATION_CACHE_MS: '0' })));
    try {
      const signer = await portal.pki.issueEndEntity({ subject: { commonName: 'Cổng DVC quốc gia (khóa cũ)', organization: 'Văn phòng Chính phủ' }, issuer: 'governmentCa' });
      const body = submission({ MaCoQuanThucHien: '000.00.32.H56' });
      const good = await portal.sign(body, signer);
      expect((await call(portal, strict.url, 'POST', '/v1/dossiers', { token: write, body, sign: good })).status).toBe(201);
      portal.pki.revoke(signer);
      const after = submission({ MaCoQuanThucHien: '000.00.32.H56' });
      const revoked = await call(portal, strict.url, 'POST', '/v1/dossiers', { token: write, body: after, sign: await portal.sign(after, signer) });
      expect(revoked.status).toBe(403);
      expect(revoked.body.detail).toMatch(/REVOKED/);
      const other = submission({ MaCoQuanThucHien: '000.00.32.H56' });
      const day = 24 * 3600_000;
      const expired = await portal.pki.issueEndEntity({ subject: { commonName: 'Cổng DVC quốc gia (hết hạn)' }, issuer: 'governmentCa', notBefore: new Date(Date.now() - 3 * day), notAfter: new Date(Date.now() - day) });
      const res = await call(portal, strict.url, 'POST', '/v1/dossiers', { token: write, body: other, sign: await portal.sign(other, expired) });
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/X-DVC-Signature is not valid/);
    } finally {
      await strict.close();
    }
  });
});
