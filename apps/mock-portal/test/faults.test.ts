import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { getJson, send } from './helpers.js';
import { register, token, type Credentials } from './scenario.js';

describe('fault injection', () => {
  let portal: MockPortal;
  let creds: Credentials;
  let auth: Record<string, string>;
  const setFaults = (body: unknown) => send('PUT', `${portal.url}/__admin/faults`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const procedures = () => getJson(`${portal.url}/v1/procedures?limit=1`, auth);

  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 2 });
    creds = await register(send, portal.url, { clientId: 'h56-faults', agencyCode: '000.00.00.H56' });
    auth = { authorization: `Bearer ${await token(send, portal.url, creds)}` };
  });
  afterAll(() => portal.close());

  it('answers chosen error statuses per route, as problem+json', async () => {
    await setFaults({ seed: 1, rules: [{ route: 'listProcedures', errorRate: 1, statuses: [502] }] });
    const r = await procedures();
    expect(r.status).toBe(502);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect((await getJson(`${portal.url}/v1/reference/provinces`, auth)).status).toBe(200);
  });

  it('is deterministic for a seed', async () => {
    const run = async () => {
      await setFaults({ seed: 'same', rules: [{ route: '/v1/procedures', errorRate: 0.5, statuses: [500, 503] }] });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await procedures()).status);
      return statuses;
    };
    const a = await run();
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(await run()).toEqual(a);
  });

  it('rate-limits with 429 and Retry-After', async () => {
    await setFaults({ rules: [{ route: '*', rateLimit: { retryAfterSeconds: 7 } }] });
    const r = await procedures();
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.body.type).toBe('https://dvc-kit.dev/problems/rate-limited');
  });

  it('resets connections', async () => {
    await setFaults({ rules: [{ route: 'listProcedures', resetRate: 1 }] });
    await expect(request(`${portal.url}/v1/procedures`, { headers: auth })).rejects.toThrow();
  });

  it('adds latency', async () => {
    await setFaults({ rules: [{ route: 'listProcedures', latencyMs: 150 }] });
    const t0 = Date.now();
    expect((await procedures()).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('expires tokens mid-session and skews the clock', async () => {
    await setFaults({ rules: [{ route: '/none', expireTokens: true }] });
    expect((await procedures()).status).toBe(401);
    await setFaults({ rules: [] });
    auth = { authorization: `Bearer ${await token(send, portal.url, creds)}` };
    expect((await procedures()).status).toBe(200);
    await setFaults({ rules: [{ route: '/none', clockSkewSeconds: 3600 }] });
    const r = await procedures();
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(/expired/);
    await setFaults({ rules: [] });
  });

  it('refuses a malformed rule with a typed error and keeps the old settings', async () => {
    await setFaults({ rules: [{ route: 'listProcedures', latencyMs: 1 }] });
    const r = await setFaults({ rules: [{ route: 'x', errorRate: 3 }] });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).code).toBe('MOCK_FAULT_INVALID');
    expect((await getJson(`${portal.url}/__admin/faults`)).body.rules).toHaveLength(1);
    await send('DELETE', `${portal.url}/__admin/faults`);
  });

  it('records injected faults in the journal', () => {
    const faulted = portal.journal.query({}).filter((e) => e.fault !== null);
    expect(faulted.length).toBeGreaterThan(0);
  });
});
