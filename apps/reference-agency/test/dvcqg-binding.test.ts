import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceAgency, type ReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakePortal } from './support/fake-portal.js';
import { call, submission, waitFor } from './support/http.js';
import { citizen, signIn } from './support/sign-in.js';

let portal: FakePortal;
let agency: ReferenceAgency;
let token: string;

beforeAll(async () => {
  portal = await FakePortal.start();
  agency = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_BINDING: 'dvcqg' })), { sync: { baseBackoffMs: 50 } });
  token = await portal.token({ scope: 'agency.dossiers.write' });
}, 120_000);

afterAll(async () => {
  await agency?.close();
  await portal?.close();
});

const services = (code: string) =>
  portal.calls.filter((c) => (c.body as { MaHoSo?: string; data?: { MaHoSo: string }[] })?.MaHoSo === code || (c.body as { data?: { MaHoSo: string }[] })?.data?.[0]?.MaHoSo === code).map((c) => {
    const b = c.body as { service: string; isUpdating?: string };
    return b.isUpdating ? `${b.service}:${b.isUpdating}` : b.service;
  });

describe('pushes in the dvcqg binding', () => {
  it('looks the dossier up, creates it with isUpdating False, then updates it and appends each step', async () => {
    const res = await call(portal, agency.url, 'POST', '/v1/dossiers', { token, body: submission(), sign: true });
    expect(res.status).toBe(201);
    const code: string = res.body.MaHoSo;
    await waitFor(() => portal.statuses(code).includes('10'), 'status 10 at the portal');
    expect(portal.statuses(code)).toEqual(['2', '4', '9', '10']);
    const seen = services(code);
    expect(seen[0]).toBe('TraCuuHoSo');
    const writes = seen.filter((s) => s !== 'TraCuuHoSo');
    const update = ['DongBoHoSoMC:True', 'CapNhatTienDoHoSoMC'];
    expect(writes).toEqual(['DongBoHoSoMC:False', 'CapNhatTienDoHoSoMC', ...update, ...update, ...update]);
    for (const c of portal.calls.filter((x) => x.path === '/dvcqg/integration')) expect((c.body as { madonvi: string }).madonvi).toBe('000.00.00.H56');
  });

  it('retries error_code 99 and logs in again after error_code 01, without losing or repeating a step', async () => {
    portal.faults = { count: 4, status: 200, dvcqgCode: '99' };
    const res = await call(portal, agency.url, 'POST', '/v1/dossiers', { token, body: submission(), sign: true });
    const code: string = res.body.MaHoSo;
    await waitFor(() => portal.statuses(code).includes('4'), 'status 4 at the portal');
    portal.expireSessions();
    await waitFor(() => portal.statuses(code).includes('10'), 'status 10 at the portal');
    expect(portal.statuses(code)).toEqual(['2', '4', '9', '10']);
    // The portal may record the last step a moment before the agency marks it delivered.
    const entries = await waitFor(() => {
      const all = agency.services.outbox.entries(code);
      return all.every((e) => e.state === 'delivered') ? all : undefined;
    }, 'every push marked delivered');
    expect(entries[0]!.attempts).toBeGreaterThanOrEqual(2);
  });
});

describe('evaluations in the dvcqg binding (DVC-EVAL-001)', () => {
  it('sends the owner evaluation with the rest submitEvaluations (no envelope service carries it)', async () => {
    portal.citizens.set('dvcqg-owner', citizen({ sub: 'dvcqg-owner', SoDinhDanh: '038190004521' }));
    const code: string = (await call(portal, agency.url, 'POST', '/v1/dossiers', { token, body: submission(), sign: true })).body.MaHoSo;
    await waitFor(() => agency.services.store.get(code)?.status === '10', 'status 10');
    const cookie = await signIn(portal, agency.url, 'dvcqg-owner');
    const res = await fetch(`${agency.url}/v1/me/dossiers/${code}/evaluation`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ KetQua: '1' }) });
    expect(res.status).toBe(201);
    const sent = await waitFor(() => portal.evaluations.get(code), 'the evaluation at the portal');
    expect(sent).toMatchObject({ MaHoSo: code, KetQua: '1', KenhDanhGia: '2' });
    const call_ = portal.calls.find((c) => c.path === '/v1/evaluations' && JSON.stringify(c.body).includes(code))!;
    expect(call_.headers.authorization).toMatch(/^Bearer /);
  });
});
