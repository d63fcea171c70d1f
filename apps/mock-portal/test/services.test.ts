import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { getJson, postJson, send } from './helpers.js';
import { DOSSIER, register, signedJson, step, token, type Credentials } from './scenario.js';

describe('catalogue, batches, feedback, evaluations, statistics', () => {
  let portal: MockPortal;
  let creds: Credentials;
  let h56: Record<string, string>;
  let h22: Record<string, string>;
  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 17 });
    creds = await register(send, portal.url, { clientId: 'h56-svc', agencyCode: '000.00.00.H56' });
    const other = await register(send, portal.url, { clientId: 'h22-svc', agencyCode: '000.00.00.H22' });
    h56 = { authorization: `Bearer ${await token(send, portal.url, creds)}` };
    h22 = { authorization: `Bearer ${await token(send, portal.url, other)}` };
  });
  afterAll(() => portal.close());

  it('pages the catalogue with opaque cursors and refuses a forged one', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await getJson(`${portal.url}/v1/procedures?limit=20${cursor ? `&cursor=${cursor}` : ''}`, h56);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p: { MaTTHC: string }) => p.MaTTHC));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(portal.core.catalogue.procedures.length);
    const forged = await getJson(`${portal.url}/v1/procedures?cursor=${Buffer.from('{"o":5,"s":"x"}').toString('base64url')}`, h56);
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].pointer).toBe('#/query/cursor');
  });

  it('serves reference data as of a date (63 provinces before 2025-07-01, 34 after)', async () => {
    expect((await getJson(`${portal.url}/v1/reference/provinces?asOf=2025-06-30`, h56)).body.items).toHaveLength(63);
    expect((await getJson(`${portal.url}/v1/reference/provinces?asOf=2025-07-01`, h56)).body.items).toHaveLength(34);
    const agency = await getJson(`${portal.url}/v1/agencies/000.00.00.H56?asOf=2025-01-01`, h56);
    expect(agency.body).toMatchObject({ code: '000.00.00.H56', kind: 'province' });
    expect((await getJson(`${portal.url}/v1/agencies/000.00.00.H99`, h56)).status).toBe(400); // not an H01–H63 code: the format check refuses it
    expect((await getJson(`${portal.url}/v1/agencies/000.00.00.K05`, h56)).status).toBe(404);
  });

  it('syncs a batch record by record, in order, and refuses more than 1,000 records with 413', async () => {
    const items = [
      { ...DOSSIER, MaHoSo: '000.00.06.H56-231027-0401' },
      { ...DOSSIER, MaHoSo: '000.00.06.H56-231027-0402', TrangThaiHoSo: '9' },
      { ...DOSSIER, MaHoSo: '000.00.06.H22-231027-0403' },
      { ...DOSSIER, MaHoSo: '000.00.06.H56-231027-0404', MaTTHC: '9.000000' },
      { nonsense: true },
    ];
    const signed = await signedJson(creds, { items });
    const r = await postJson(`${portal.url}/v1/dossier-batches`, signed.body, { ...h56, 'idempotency-key': 'batch-0001-key', 'x-dvc-signature': signed.signature });
    expect(r.status).toBe(200);
    expect(r.body.summary).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 4 });
    expect(r.body.results.map((x: { outcome: string; problem?: { status: number } }) => [x.outcome, x.problem?.status])).toEqual([
      ['created', undefined], ['rejected', 409], ['rejected', 403], ['rejected', 422], ['rejected', 422],
    ]);
    const big = await signedJson(creds, { items: Array.from({ length: 1001 }, () => DOSSIER) });
    const tooMany = await postJson(`${portal.url}/v1/dossier-batches`, big.body, { ...h56, 'idempotency-key': 'batch-0002-key', 'x-dvc-signature': big.signature });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.type).toBe('https://dvc-kit.dev/problems/payload-too-large');
  });

  it('applies If-Match only at the current version (412 otherwise) and counts versions in the ETag', async () => {
    const code = '000.00.06.H56-231027-0401';
    const body = { ...DOSSIER, MaHoSo: code, GhiChu: 'Cập nhật ghi chú' };
    const signed = await signedJson(creds, body);
    const put = (ifMatch: string) => send('PUT', `${portal.url}/v1/dossiers/${code}`, { headers: { ...h56, 'content-type': 'application/json', 'x-dvc-signature': signed.signature, 'if-match': ifMatch }, body: signed.body });
    const stale = await put('"7"');
    expect(stale.status).toBe(412);
    const ok = await put('"1"');
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
  });

  it('lists seeded feedback of the agency only, answers it once (409 after), and hides other agencies’ items', async () => {
    const list = await getJson(`${portal.url}/v1/feedback?limit=100`, h56);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((f: { MaCoQuanXuLy: string }) => f.MaCoQuanXuLy.endsWith('H56'))).toBe(true);
    const id = list.body.items[0].MaPhanAnh as string;
    const answer = { NoiDungTraLoi: 'Đã xử lý xong.', NguoiTraLoi: 'Trần Quốc Hùng', NgayTraLoi: '20251106100000', KetQua: '1' };
    const first = await postJson(`${portal.url}/v1/feedback/${id}/answers`, answer, { ...h56, 'idempotency-key': 'fb-answer-0001' });
    expect(first.status).toBe(201);
    expect(first.body.TrangThai).toBe('3');
    const second = await postJson(`${portal.url}/v1/feedback/${id}/answers`, answer, { ...h56, 'idempotency-key': 'fb-answer-0002' });
    expect(second.status).toBe(409);
    expect((await getJson(`${portal.url}/v1/feedback/${id}`, h22)).status).toBe(403);
  });

  it('takes evaluations and statistics reports of the caller’s agency only', async () => {
    const evaluation = { items: [{ MaHoSo: '000.00.06.H56-231027-0499', NgayDanhGia: '20251103150000', KenhDanhGia: '2', KetQua: '1', TieuChi: { TC01: 2 } }] };
    expect((await postJson(`${portal.url}/v1/evaluations`, evaluation, { ...h56, 'idempotency-key': 'eval-0001-key' })).body).toEqual({ accepted: 1 });
    expect((await postJson(`${portal.url}/v1/evaluations`, evaluation, { ...h22, 'idempotency-key': 'eval-0002-key' })).status).toBe(403);
    expect((await getJson(`${portal.url}/v1/evaluations`, h56)).body.items).toHaveLength(1);
    expect((await getJson(`${portal.url}/v1/evaluations`, h22)).body.items).toHaveLength(0);
    const report = { agencyCode: '000.00.00.H56', period: { kind: 'quarter', from: '2025-07-01', to: '2025-09-30' }, totals: { received: 10, online: 8, onTime: 9, late: 1, inProgress: 0, onlineRate: 0.8 }, procedures: [] };
    const created = await postJson(`${portal.url}/v1/statistics/reports`, report, { ...h56, 'idempotency-key': 'rpt-0001-key' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/v1/statistics/reports/${created.body.reportId}`);
    expect((await getJson(`${portal.url}${created.headers.location}`, h56)).body).toEqual(created.body);
    expect((await getJson(`${portal.url}${created.headers.location}`, h22)).status).toBe(403);
    expect((await postJson(`${portal.url}/v1/statistics/reports`, report, { ...h22, 'idempotency-key': 'rpt-0002-key' })).status).toBe(403);
    const again = await postJson(`${portal.url}/v1/statistics/reports`, { ...report, totals: { ...report.totals, received: 11, onTime: 10 } }, { ...h56, 'idempotency-key': 'rpt-0003-key' });
    expect(again.status).toBe(201);
    expect(again.body.reportId).toBe(created.body.reportId); // the resubmission for the same period replaces the first (DVC-STAT-002)
    expect((await getJson(`${portal.url}${created.headers.location}`, h56)).body.totals).toMatchObject({ received: 11, onTime: 10 });
    expect([...portal.store.reports.values()].filter((r) => r.period.from === '2025-07-01')).toHaveLength(1);
  });
  const RETURN_URL = 'https://dichvucong.thanhhoa.gov.vn/thanh-toan/ket-qua';
  const FEE = { TenPhiLePhi: 'Lệ phí đăng ký hộ kinh doanh', MaPhiLePhi: 'LP01', HinhThucThu: '2', Gia: 100000, LoaiPhiLePhi: '1' };

  async function sync(dossier: Record<string, unknown>): Promise<void> {
    const signed = await signedJson(creds, dossier);
    const r = await send('PUT', `${portal.url}/v1/dossiers/${dossier.MaHoSo as string}`, { headers: { ...h56, 'content-type': 'application/json', 'x-dvc-signature': signed.signature }, body: signed.body });
    expect(r.status).toBe(201);
  }

  async function walk(code: string, statuses: Array<'4' | '9' | '10'>): Promise<void> {
    for (const [n, status] of statuses.entries()) {
      const signed = await signedJson(creds, { events: [{ ...step(status, 'Xử lý', ['20231028090000', '20231030160000', '20231101090000'][n]!), MaHoSo: code }] });
      const r = await postJson(`${portal.url}/v1/dossiers/${code}/events`, signed.body, { ...h56, 'idempotency-key': `walk-${code}-${status}`, 'x-dvc-signature': signed.signature });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  }

  it('refuses a payment for a dossier whose synced record lists no fees (DVC-PAY-001) and takes one that has fees', async () => {
    const free = '000.00.06.H56-231027-0501';
    const paid = '000.00.06.H56-231027-0502';
    await sync({ ...DOSSIER, MaHoSo: free });
    await sync({ ...DOSSIER, MaHoSo: paid, DanhSachLePhi: [FEE] });
    const refused = await postJson(`${portal.url}/v1/payments`, { MaHoSo: free, DanhSachLePhi: [FEE], returnUrl: RETURN_URL }, { ...h56, 'idempotency-key': 'pay-free-0001' });
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.errors[0]).toMatchObject({ pointer: '/MaHoSo', code: 'no-fee' });
    const taken = await postJson(`${portal.url}/v1/payments`, { MaHoSo: paid, DanhSachLePhi: [FEE], returnUrl: RETURN_URL }, { ...h56, 'idempotency-key': 'pay-paid-0001' });
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    expect(taken.body).toMatchObject({ MaHoSo: paid, amount: 100000, currency: 'VND' });
    expect(portal.store.payments.size).toBe(1);
  });

  it('refuses evaluating a dossier whose handling has not ended and a second evaluation of one dossier (DVC-EVAL-002)', async () => {
    const open = '000.00.06.H56-231027-0601';
    const ended = '000.00.06.H56-231027-0602';
    await sync({ ...DOSSIER, MaHoSo: open });
    await sync({ ...DOSSIER, MaHoSo: ended });
    await walk(open, ['4']);
    await walk(ended, ['4', '9', '10']);
    const item = (MaHoSo: string) => ({ MaHoSo, NgayDanhGia: '20251103150000', KenhDanhGia: '2', KetQua: '1' });
    const before = portal.store.evaluations.length;

    const unfinished = await postJson(`${portal.url}/v1/evaluations`, { items: [item(ended), item(open)] }, { ...h56, 'idempotency-key': 'eval-open-0001' });
    expect(unfinished.status).toBe(422);
    expect(unfinished.body.errors[0]).toMatchObject({ pointer: '/items/1/MaHoSo', code: 'not-ended' });
    expect(portal.store.evaluations.length).toBe(before); // the whole batch is refused

    const twiceInOneBatch = await postJson(`${portal.url}/v1/evaluations`, { items: [item(ended), item(ended)] }, { ...h56, 'idempotency-key': 'eval-twice-0001' });
    expect(twiceInOneBatch.status).toBe(422);
    expect(twiceInOneBatch.body.errors[0]).toMatchObject({ pointer: '/items/1/MaHoSo', code: 'duplicate' });

    const first = await postJson(`${portal.url}/v1/evaluations`, { items: [item(ended)] }, { ...h56, 'idempotency-key': 'eval-ended-0001' });
    expect(first.status).toBe(202);
    const second = await postJson(`${portal.url}/v1/evaluations`, { items: [item(ended)] }, { ...h56, 'idempotency-key': 'eval-ended-0002' });
    expect(second.status).toBe(422);
    expect(second.body.errors[0]).toMatchObject({ pointer: '/items/0/MaHoSo', code: 'duplicate' });
    expect(portal.store.evaluations.filter((e) => e.MaHoSo === ended)).toHaveLength(1);
  });
  it('refuses a dossier not received (status 3) whose GhiChu gives no reason (DVC-RCV-007)', async () => {
    const code = '000.00.06.H56-231027-0701';
    await sync({ ...DOSSIER, MaHoSo: code, TrangThaiHoSo: '1' });
    const put = async (dossier: Record<string, unknown>) => {
      const signed = await signedJson(creds, dossier);
      const r = await send('PUT', `${portal.url}/v1/dossiers/${code}`, { headers: { ...h56, 'content-type': 'application/json', 'x-dvc-signature': signed.signature }, body: signed.body });
      return { status: r.status, body: JSON.parse(r.text) };
    };
    for (const GhiChu of [undefined, '  ']) {
      const refused = await put({ ...DOSSIER, MaHoSo: code, TrangThaiHoSo: '3', ...(GhiChu === undefined ? {} : { GhiChu }) });
      expect(refused.status).toBe(422);
      expect(refused.body.errors[0]).toMatchObject({ pointer: '/GhiChu', code: 'reason-required' });
    }
    expect(portal.store.dossiers.get(code)!.dossier.TrangThaiHoSo).toBe('1');
    const taken = await put({ ...DOSSIER, MaHoSo: code, TrangThaiHoSo: '3', GhiChu: 'Thành phần hồ sơ không đúng quy định.' });
    expect(taken.status).toBe(200);
    expect(portal.store.dossiers.get(code)!.dossier.TrangThaiHoSo).toBe('3');
  });
});
