import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakePortal } from './support/fake-portal.js';
import { killHard, startChild, type RunningChild } from './support/child.js';
import { call, submission, waitFor } from './support/http.js';

let portal: FakePortal;
const children: RunningChild[] = [];

beforeAll(async () => {
  portal = await FakePortal.start();
}, 120_000);

afterAll(async () => {
  for (const c of children) await killHard(c);
  await portal?.close();
});

describe('the dvc-reference-agency process', () => {
  it('keeps dossiers, history, counters and queued pushes across a hard kill and restart', async () => {
    const env = portal.agencyEnv({ DVC_STEP_INTERVAL_MS: '60000' });
    const token = await portal.token({ scope: 'agency.dossiers.write' });
    // The portal is down for the first run: the receipt's push can only be queued.
    portal.faults = { count: 1_000_000, status: 503 };
    const first = await startChild(env);
    children.push(first);
    const received = await call(portal, first.url, 'POST', '/v1/dossiers', { token, body: submission(), sign: true });
    expect(received.status).toBe(201);
    const code: string = received.body.MaHoSo;
    await waitFor(() => portal.calls.some((c) => c.path.includes(code)), 'a push attempt');
    await killHard(first);

    portal.faults = { count: 0, status: 503 };
    const second = await startChild(env);
    children.push(second);
    const owner = await portal.token({ SoDinhDanh: '038190004521' });
    const view = await call(portal, second.url, 'GET', `/v1/dossiers/${code}`, { token: owner });
    expect(view.status).toBe(200);
    expect(view.body.dossier.MaHoSo).toBe(code);
    expect(view.body.history.map((s: { TrangThai: string }) => s.TrangThai)).toEqual(['2']);
    // The queued push is delivered by the new process.
    await waitFor(() => portal.statuses(code).includes('2'), 'the queued push after restart', 20_000);
    // The daily counter continued where it was.
    const next = await call(portal, second.url, 'POST', '/v1/dossiers', { token, body: submission(), sign: true });
    const seq = (c: string) => Number(c.slice(c.lastIndexOf('-') + 1));
    expect(seq(next.body.MaHoSo)).toBe(seq(code) + 1);
    await killHard(second);
  }, 150_000);

  it('refuses to start with a clear error when a variable of the contract is missing', async () => {
    const env = portal.agencyEnv();
    await expect(startChild({ ...env, DVC_CLIENT_ID: '' })).rejects.toThrow(/DVC_CLIENT_ID: is required.*AGENCY_CONFIG_INVALID/s);
  }, 120_000);
});
