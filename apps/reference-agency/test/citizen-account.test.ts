import { validateResponse } from '@dvc-kit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceAgency, type ReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakePortal } from './support/fake-portal.js';
import { call, json, submission, waitFor } from './support/http.js';
import { citizen, signIn } from './support/sign-in.js';

let portal: FakePortal;
let agency: ReferenceAgency;
let write: string;

beforeAll(async () => {
  portal = await FakePortal.start();
  // Two people with the same name and phone number, different portal identities.
  portal.citizens.set('nhung-1', citizen({ sub: 'nhung-1', TechID: '7c9e6679-7425-40de-944b-e07fc1f90ae7', SoDinhDanh: '038190004521' }));
  portal.citizens.set('nhung-2', citizen({ sub: 'nhung-2', TechID: 'a1b2c3d4-e5f6-4789-8abc-def012345678', SoDinhDanh: '001090000001' }));
  agency = await startReferenceAgency(loadConfig(portal.agencyEnv()), { sync: { baseBackoffMs: 20, maxBackoffMs: 200 } });
  write = await portal.token({ scope: 'agency.dossiers.write' });
}, 120_000);

afterAll(async () => {
  await agency?.close();
  await portal?.close();
});

const me = (cookie: string | undefined, query = '') => fetch(`${agency.url}/v1/me/dossiers${query}`, { headers: cookie ? { cookie } : {} });
const submit = async (over: Record<string, unknown> = {}) => {
  const res = await call(portal, agency.url, 'POST', '/v1/dossiers', { token: write, body: submission(over), sign: true });
  expect(res.status).toBe(201);
  return res.body.MaHoSo as string;
};
const evaluate = (code: string, cookie: string | undefined, body: unknown, type = 'application/json') =>
  fetch(`${agency.url}/v1/me/dossiers/${code}/evaluation`, { method: 'PUT', headers: { 'content-type': type, ...(cookie ? { cookie } : {}) }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('the citizen account (DVC-SSO-006)', () => {
  let first: string;
  let second: string;
  beforeAll(async () => {
    first = await submit();
    second = await submit();
  });

  it('answers 401 problem+json without a session', async () => {
    const res = await me(undefined);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await me('dvc_session=forged.value')).status).toBe(401);
  });

  it("lists the signed-in owner's dossiers newest first, with the account read from the portal's userinfo", async () => {
    const before = portal.userinfoCalls;
    const cookie = await signIn(portal, agency.url, 'nhung-1');
    expect(portal.userinfoCalls).toBeGreaterThan(before);
    const res = await me(cookie);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(validateResponse('listMyDossiers', 200, { body }).ok).toBe(true);
    expect(body.account).toEqual({ TechID: '7c9e6679-7425-40de-944b-e07fc1f90ae7', sub: 'nhung-1', HoVaTen: 'Lê Thị Hồng Nhung' });
    const codes = body.items.map((i: { MaHoSo: string }) => i.MaHoSo);
    expect(codes.indexOf(second)).toBeLessThan(codes.indexOf(first));
    expect(codes.indexOf(first)).toBeGreaterThanOrEqual(0);
    expect(body.items[0]).toMatchObject({ MaTTHC: '2.000720', DaDanhGia: false });
  });

  it('reaches the same account after a change of name, under the new name; another person with the same name and phone does not', async () => {
    portal.citizens.set('nhung-1', { ...portal.citizens.get('nhung-1')!, HoVaTen: 'Lê Hồng Nhung' });
    const again = await json(me(await signIn(portal, agency.url, 'nhung-1')));
    expect(again.account.HoVaTen).toBe('Lê Hồng Nhung');
    expect(again.items.map((i: { MaHoSo: string }) => i.MaHoSo)).toEqual(expect.arrayContaining([first, second]));
    const other = await json(me(await signIn(portal, agency.url, 'nhung-2')));
    expect(other.account.TechID).toBe('a1b2c3d4-e5f6-4789-8abc-def012345678');
    expect(other.items).toEqual([]);
  });

  it("pages with cursors that serve only the account they were issued to", async () => {
    const cookie = await signIn(portal, agency.url, 'nhung-1');
    const page1 = await json(me(cookie, '?limit=1'));
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await json(me(cookie, `?limit=1&cursor=${encodeURIComponent(page1.nextCursor)}`));
    expect(page2.items[0].MaHoSo).not.toBe(page1.items[0].MaHoSo);
    expect((await me(cookie, `?cursor=${encodeURIComponent(page1.nextCursor.slice(0, -2))}xx`)).status).toBe(400);
    const stranger = await signIn(portal, agency.url, 'nhung-2');
    expect((await me(stranger, `?cursor=${encodeURIComponent(page1.nextCursor)}`)).status).toBe(400);
    expect((await me(cookie, '?limit=0')).status).toBe(400);
  });

  it('refuses a callback the portal answered with an error, and a forged state, with 401', async () => {
    expect((await fetch(`${agency.url}/dvc/callback?state=abc.def&error=access_denied`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${agency.url}/dvc/callback?code=x&state=eyJyIjoiIn0.forged`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${agency.url}/dvc/callback?code=x`, { redirect: 'manual' })).status).toBe(400);
  });
});

describe("the owner's evaluation (DVC-EVAL-001)", () => {
  let owner: string;
  let done: string;
  let waiting: string;
  beforeAll(async () => {
    owner = await signIn(portal, agency.url, 'nhung-1');
    done = await submit();
    waiting = await submit({ TaiLieuNop: [] });
    await waitFor(() => agency.services.store.get(done)?.status === '10', 'status 10');
  });

  it('checks the session, the content type, the body, the owner and the status', async () => {
    const good = { KetQua: '1', TieuChi: { TC01: 2, TC02: 1 }, YKien: 'Nhanh gọn' };
    expect((await evaluate(done, undefined, good)).status).toBe(401);
    const form = await evaluate(done, owner, 'KetQua=1', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(400);
    expect((await evaluate(done, owner, JSON.stringify(good), 'text/plain')).status).toBe(400);
    const invalid = await evaluate(done, owner, { KetQua: '9', Extra: 1 });
    expect(invalid.status).toBe(422);
    expect((await json(invalid)).errors.map((e: { pointer: string }) => e.pointer)).toEqual(expect.arrayContaining(['/KetQua', '/Extra']));
    const stranger = await signIn(portal, agency.url, 'nhung-2');
    const notTheirs = await evaluate(done, stranger, good);
    expect(notTheirs.status).toBe(404);
    expect((await evaluate('000.00.06.H56-200101-9999', owner, good)).status).toBe(404);
    const unfinished = await evaluate(waiting, owner, good);
    expect(unfinished.status).toBe(409);
    expect(unfinished.headers.get('content-type')).toContain('application/problem+json');
  });

  it('records it once (201, then 200 for the same, 409 for another) and sends it to the portal, retrying a failure', async () => {
    const good = { KetQua: '2', TieuChi: { TC01: 2, TC02: 1 }, YKien: 'Cán bộ hướng dẫn tận tình.' };
    portal.faults = { count: 3, status: 503 };
    const first = await evaluate(done, owner, good);
    expect(first.status).toBe(201);
    const recorded = await json(first);
    expect(validateResponse('evaluateDossier', 201, { body: recorded }).ok).toBe(true);
    expect(recorded).toMatchObject({ MaHoSo: done, KenhDanhGia: '2', ...good, NgayDanhGia: expect.stringMatching(/^\d{14}$/) });
    const same = await evaluate(done, owner, { YKien: good.YKien, TieuChi: { TC02: 1, TC01: 2 }, KetQua: '2' });
    expect(same.status).toBe(200);
    expect(await json(same)).toEqual(recorded);
    expect((await evaluate(done, owner, { ...good, KetQua: '3' })).status).toBe(409);
    const sent = await waitFor(() => portal.evaluations.get(done), 'the evaluation at the portal');
    expect(sent).toEqual(recorded);
    const list = await json(me(owner));
    expect(list.items.find((i: { MaHoSo: string }) => i.MaHoSo === done).DaDanhGia).toBe(true);
    // A dossier withdrawn a moment ago: its evaluation goes only after its status 7 has reached the portal.
    const withdrawn = await submit({ TaiLieuNop: [] });
    const w = await call(portal, agency.url, 'POST', `/v1/dossiers/${withdrawn}/withdrawal`, { token: write, body: { LyDo: 'Nộp nhầm', NgayYeuCau: '20250702090000', SoDinhDanh: '038190004521' }, sign: true });
    expect(w.status).toBe(200);
    expect((await evaluate(withdrawn, owner, { KetQua: '3' })).status).toBe(201);
    await waitFor(() => portal.evaluations.get(withdrawn), 'the evaluation of the withdrawn dossier at the portal');
    // The portal has it before the system has read the answer: wait for the store to settle.
    await waitFor(() => agency.services.evaluations.get(withdrawn)!.state === 'delivered', 'the evaluation marked delivered');
    // The HTML page of the same dossier shows it as evaluated.
    const page = await fetch(`${agency.url}/danh-gia/${done}`, { headers: { cookie: owner } });
    expect(await page.text()).toContain('id="done"');
  });
});
