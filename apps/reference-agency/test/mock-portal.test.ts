import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockPortal, type MockPortal } from '@dvc-kit/mock-portal';
import { parseDossierCode } from '@dvc-kit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceAgency, type ReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { waitFor } from './support/http.js';

/** End to end with the real mock portal (apps/mock-portal), as the conformance suite runs them. */
let portal: MockPortal;
const agencies: ReferenceAgency[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function admin(path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${portal.url}/__admin/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Registers a system at the portal, as onboarding does, and starts the reference agency with those credentials. */
async function onboard(clientId: string, binding: 'rest' | 'dvcqg'): Promise<ReferenceAgency> {
  const port = await freePort();
  const creds = await admin('systems', { agencyCode: '000.00.00.H56', clientId, callbackBaseUrl: `http://127.0.0.1:${port}`, redirectUris: [`http://127.0.0.1:${port}/dvc/callback`], issueCertificate: true });
  const dir = mkdtempSync(join(tmpdir(), 'ra-mock-'));
  writeFileSync(join(dir, 'key.pem'), creds.privateKeyPem);
  writeFileSync(join(dir, 'chain.pem'), creds.chainPem.join('\n'));
  writeFileSync(join(dir, 'anchors.pem'), creds.trustAnchorsPem.join('\n'));
  const agency = await startReferenceAgency(
    loadConfig({
      DVC_PORTAL_URL: portal.url,
      DVC_BINDING: binding,
      DVC_CLIENT_ID: creds.clientId,
      DVC_AGENCY_CODE: creds.agencyCode,
      DVC_CLIENT_KEY_FILE: join(dir, 'key.pem'),
      DVC_CLIENT_CERT_FILE: join(dir, 'chain.pem'),
      DVC_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
      DVC_DVCQG_USERNAME: creds.dvcqgUsername,
      DVC_DVCQG_PASSWORD: creds.dvcqgPassword,
      PORT: String(port),
      DVC_DATA_DIR: join(dir, 'data'),
      DVC_STEP_INTERVAL_MS: '50',
    }),
  );
  agencies.push(agency);
  return agency;
}

/** The portal's record of a dossier, once its history reaches `status`. */
function portalRecord(clientId: string, code: string, status: string) {
  return waitFor(async () => {
    const { items } = await admin(`dossiers?clientId=${clientId}`);
    const record = items.find((r: { dossier: { MaHoSo: string } }) => r.dossier.MaHoSo === code);
    return record?.history.some((s: { TrangThai: string }) => s.TrangThai === status) ? record : undefined;
  }, `${code} at status ${status} on the portal`, 20_000);
}

beforeAll(async () => {
  portal = await startMockPortal({ seed: 7 });
}, 120_000);

afterAll(async () => {
  for (const a of agencies) await a.close();
  await portal?.close();
});

describe.each(['rest', 'dvcqg'] as const)('with the mock portal (%s binding)', (binding) => {
  const clientId = `ra-e2e-${binding}`;
  beforeAll(async () => {
    await onboard(clientId, binding);
  }, 120_000);

  it('receives a dossier the portal forwards and syncs every step until the result is returned', async () => {
    const forwarded = await admin('forward/dossiers', { clientId });
    expect(forwarded.status, JSON.stringify(forwarded.response)).toBe(201);
    const code: string = forwarded.response.MaHoSo;
    expect(parseDossierCode(code).ok).toBe(true);
    const record = await portalRecord(clientId, code, '10');
    expect(record.history.map((s: { TrangThai: string }) => s.TrangThai)).toEqual(['2', '4', '9', '10']);
    expect(record.dossier.TrangThaiHoSo).toBe('10');
  });

  it('answers the authenticated lookup for the owner, and refuses a tampered signature', async () => {
    const forwarded = await admin('forward/dossiers', { clientId });
    const code: string = forwarded.response.MaHoSo;
    const lookup = await admin('forward/call', { clientId, operationId: 'lookupDossier', params: { MaHoSo: code } });
    expect(lookup.status).toBe(200);
    expect(lookup.response.dossier.MaHoSo).toBe(code);
    const tampered = await admin('forward/dossiers', { clientId, tamperSignature: true });
    expect(tampered.status).toBe(403);
  });
});

describe('supplement, withdrawal and public lookup with the mock portal (rest binding)', () => {
  const clientId = 'ra-e2e-rest';

  it('takes a supplement the portal forwards at status 5, and a withdrawal after it', async () => {
    const forwarded = await admin('forward/dossiers', { clientId, submission: { TaiLieuNop: [] } });
    const code: string = forwarded.response.MaHoSo;
    await portalRecord(clientId, code, '5');
    const supplement = await admin('forward/call', {
      clientId,
      operationId: 'submitSupplement',
      params: { MaHoSo: code },
      body: { HoSoBoSungId: 'BS-0001-01', NgayBoSung: '20250702100000', TaiLieuNop: [{ TepDinhKemId: 'f-bs-1', TenTepDinhKem: 'To-khai.pdf', MaThanhPhanHoSo: 'TP01' }] },
    });
    expect(supplement.status, JSON.stringify(supplement.response)).toBe(202);
    const owner = forwarded.request.DinhDanhCHS[0].SoDinhDanh;
    // A dossier waiting for its supplement stays at 5, so the withdrawal does not race the officials.
    const other = await admin('forward/dossiers', { clientId, submission: { TaiLieuNop: [] } });
    await portalRecord(clientId, other.response.MaHoSo, '5');
    const withdrawn = await admin('forward/call', {
      clientId,
      operationId: 'withdrawDossier',
      params: { MaHoSo: other.response.MaHoSo },
      body: { LyDo: 'Nộp nhầm thủ tục', NgayYeuCau: '20250702090000', SoDinhDanh: owner },
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.response)).toBe(200);
    await portalRecord(clientId, other.response.MaHoSo, '7');
    const publicLookup = await admin('forward/call', { clientId, operationId: 'lookupDossierPublic', params: { MaHoSo: other.response.MaHoSo } });
    expect(publicLookup.response).toEqual({ MaHoSo: other.response.MaHoSo, TrangThaiHoSo: '7', DaHoanThanh: false });
  });
});

describe('the deep link and evaluation with the mock portal', () => {
  let cookie = '';
  let citizen: { sub: string; HoVaTen: string; SoDinhDanh: string };

  it('signs the citizen on through the portal and opens the submission form', async () => {
    const agency = agencies[0]!;
    const open = await fetch(`${agency.url}/dvc?vnconnect=1&MaTTHCDP=1.001612.000.00.00.H56&MaCoQuanThucHien=000.00.06.H56`, { redirect: 'manual' });
    expect(open.status).toBe(302);
    const authorize = new URL(open.headers.get('location')!);
    const { items: citizens } = await admin('citizens');
    citizen = citizens.find((c: { loAs?: string[] }) => c.loAs?.includes('LoA2'));
    authorize.searchParams.set('login_hint', citizen.sub);
    const back = await fetch(authorize, { redirect: 'manual' });
    expect(back.status).toBe(302);
    const callback = await fetch(back.headers.get('location')!, { redirect: 'manual' });
    expect(callback.status, await callback.clone().text()).toBe(302);
    cookie = callback.headers.get('set-cookie')!.split(';')[0]!;
    expect(callback.headers.get('set-cookie')).toMatch(/HttpOnly/);
    const form = await fetch(callback.headers.get('location')!, { headers: { cookie } });
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('Đăng ký thành lập hộ kinh doanh');
    expect(html).toContain(citizen.HoVaTen);
    // Signed in: the deep link now goes straight to the form.
    const again = await fetch(`${agency.url}/dvc?vnconnect=1&MaTTHCDP=1.001612`, { headers: { cookie }, redirect: 'manual' });
    expect(again.headers.get('location')).toBe(`${agency.url}/nop-ho-so/1.001612`);
    // The same callback cannot be replayed (the code is single use).
    expect((await fetch(back.headers.get('location')!, { redirect: 'manual' })).status).toBe(401);
  });

  it("takes the owner's evaluation of a finished dossier once, and sends it to the portal", async () => {
    const agency = agencies[0]!;
    const owner = { ChuHoSo: citizen.HoVaTen, DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: citizen.SoDinhDanh }] };
    const done = (await admin('forward/dossiers', { clientId: 'ra-e2e-rest', submission: owner })).response.MaHoSo as string;
    const waiting = (await admin('forward/dossiers', { clientId: 'ra-e2e-rest', submission: { ...owner, TaiLieuNop: [] } })).response.MaHoSo as string;
    await portalRecord('ra-e2e-rest', done, '10');
    const evaluate = (code: string, headers: Record<string, string> = { cookie }) =>
      fetch(`${agency.url}/danh-gia/${code}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'KetQua=1&YKien=Nhanh+g%E1%BB%8Dn', redirect: 'manual' });
    expect((await evaluate(done, {})).status).toBe(401);
    expect((await evaluate(waiting)).status).toBe(409);
    expect((await evaluate(done)).status).toBe(303);
    expect((await evaluate(done)).status).toBe(409);
    const sent = await waitFor(() => portal.store.evaluations.find((e) => e.MaHoSo === done), 'the evaluation at the portal');
    expect(sent).toMatchObject({ KetQua: '1', YKien: 'Nhanh gọn', KenhDanhGia: '2' });
    // The account the portal's userinfo opened lists both dossiers, the evaluated one marked so.
    const mine = await (await fetch(`${agency.url}/v1/me/dossiers`, { headers: { cookie } })).json() as { account: { TechID: string; HoVaTen: string }; items: { MaHoSo: string; DaDanhGia: boolean }[] };
    expect(mine.account).toMatchObject({ TechID: (citizen as unknown as { TechID: string }).TechID, HoVaTen: citizen.HoVaTen });
    expect(mine.items.find((i) => i.MaHoSo === done)?.DaDanhGia).toBe(true);
    expect(mine.items.find((i) => i.MaHoSo === waiting)?.DaDanhGia).toBe(false);
  });
});

describe.each(['rest', 'dvcqg'] as const)('feedback with the mock portal (%s binding)', (binding) => {
  it('answers forwarded feedback and sends the answer to the portal', async () => {
    const forwarded = await admin('forward/feedback', { clientId: `ra-e2e-${binding}` });
    expect(forwarded.status, JSON.stringify(forwarded.response)).toBe(202);
    const id: string = forwarded.request.MaPhanAnh;
    const answered = await waitFor(() => (portal.store.feedback.get(id)?.TrangThai === '3' ? portal.store.feedback.get(id) : undefined), 'the answer at the portal');
    expect(answered!.MaPhanAnh).toBe(id);
  });
});

describe('statistics with the mock portal (rest binding)', () => {
  it("submits last month's report once the portal accepts it", async () => {
    const rest = agencies[0]!;
    await waitFor(() => rest.reports!.submitted().length > 0, 'the monthly report');
    const report = [...portal.store.reports.values()].find((r) => r.agencyCode === '000.00.00.H56');
    expect(report?.period.kind).toBe('month');
    await rest.reports!.runOnce();
    expect([...portal.store.reports.values()].filter((r) => r.period.from === report!.period.from)).toHaveLength(1);
  });
});

describe('payment with the mock portal (rest binding)', () => {
  it('opens the payment at the portal on status 6 and continues when the portal notifies it paid', async () => {
    const clientId = 'ra-e2e-rest';
    const fees = [{ TenPhiLePhi: 'Lệ phí đăng ký hộ kinh doanh', Gia: 100000, LoaiPhiLePhi: '1', HinhThucThu: '2' }];
    const forwarded = await admin('forward/dossiers', { clientId, submission: { MaTTHC: '1.001612', DuocThanhToanTrucTuyen: '1', DanhSachLePhi: fees } });
    expect(forwarded.status, JSON.stringify(forwarded.response)).toBe(201);
    const code: string = forwarded.response.MaHoSo;
    await portalRecord(clientId, code, '6');
    const payment = await waitFor(() => [...portal.store.payments.values()].find((p) => p.MaHoSo === code), 'the payment at the portal');
    const notified = await admin('forward/payments', { clientId, paymentId: payment.paymentId });
    expect(notified.status, JSON.stringify(notified.response)).toBe(200);
    const record = await portalRecord(clientId, code, '10');
    expect(record.history.map((s: { TrangThai: string }) => s.TrangThai)).toEqual(['2', '4', '6', '4', '9', '10']);
  });
});
