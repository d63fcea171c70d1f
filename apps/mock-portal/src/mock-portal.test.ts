import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLifecycleScenario, type Send } from '../test/scenario.js';
import { startMockPortal, type MockPortal } from './mock-portal.js';

const send: Send = async (method, url, init = {}) => {
  const r = await request(url, { method: method as 'GET', headers: init.headers, body: init.body });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return { status: r.statusCode, headers, text: await r.body.text() };
};

describe('startMockPortal (real HTTP server)', () => {
  let portal: MockPortal;
  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 7 });
  });
  afterAll(() => portal.close());

  it('runs the lifecycle scenario over both bindings of one store', async () => {
    const result = await runLifecycleScenario(send, portal.url);
    expect(result.statuses).toEqual({ create: 201, event4: 201, replay: 201, replayedHeader: 1, event9: 201, event10: 201, illegal: 409, read: 200 });
    expect(result.rest).toMatchObject({ version: 4, dossier: { TrangThaiHoSo: '10' } });
    expect((result.rest as { history: unknown[] }).history).toHaveLength(3);
    expect(result.dvcqg).toEqual({ error_code: '0', record: result.rest });
    expect(result.illegalType).toBe('https://dvc-kit.dev/problems/illegal-transition');
    expect(portal.store.counts()).toMatchObject({ systems: 1, dossiers: 1, events: 3 });
  });
});
