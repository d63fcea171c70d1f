import { setupServer } from 'msw/node';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockPortal, startMockPortal } from '../src/index.js';
import { MockPortalDispatcher } from '../src/dispatcher.js';
import { createMswHandlers } from '../src/msw-handlers.js';
import { runLifecycleScenario, type Send } from './scenario.js';

function undiciSend(dispatcher?: MockPortalDispatcher): Send {
  return async (method, url, init = {}) => {
    const r = await request(url, { method: method as 'GET', headers: init.headers, body: init.body, ...(dispatcher ? { dispatcher } : {}) });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    return { status: r.statusCode, headers, text: await r.body.text() };
  };
}

const fetchSend: Send = async (method, url, init = {}) => {
  const r = await fetch(url, { method, headers: init.headers ?? {}, ...(init.body === undefined ? {} : { body: init.body }) });
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: r.status, headers, text: await r.text() };
};

describe('the same scenario in the three run modes', () => {
  const results: Record<string, unknown> = {};
  const msw = setupServer();
  beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => msw.close());

  it('real HTTP server', async () => {
    const portal = await startMockPortal({ port: 0, seed: 3 });
    try {
      results.http = await runLifecycleScenario(undiciSend(), portal.url);
    } finally {
      await portal.close();
    }
  });

  it('undici dispatcher (no socket)', async () => {
    const base = 'http://mock-portal.test';
    const { core } = await createMockPortal({ seed: 3, baseUrl: base });
    const dispatcher = new MockPortalDispatcher((req) => core.handle(req));
    try {
      results.dispatcher = await runLifecycleScenario(undiciSend(dispatcher), base);
    } finally {
      await core.close();
    }
  });

  it('MSW setupServer (global fetch)', async () => {
    const base = 'http://mock-portal.msw.test';
    const { core } = await createMockPortal({ seed: 3, baseUrl: base });
    msw.use(...createMswHandlers((req) => core.handle(req), base));
    try {
      results.msw = await runLifecycleScenario(fetchSend, base);
    } finally {
      await core.close();
    }
  });

  it('answers identically', () => {
    expect(results.http).toBeDefined();
    expect(results.dispatcher).toEqual(results.http);
    expect(results.msw).toEqual(results.http);
  });
});
