import { describe, expect, it } from 'vitest';
import { startMockPortal } from './mock-portal.js';
import { MockPortalError } from './errors.js';
import { FaultInjector } from './faults.js';

describe('FaultInjector', () => {
  it('decides the same faults for the same seed and request order', () => {
    const run = () => {
      const f = new FaultInjector(() => {});
      f.configure({ seed: 99, rules: [{ route: '*', errorRate: 0.3, statuses: [500, 502, 503], resetRate: 0.1 }] });
      return Array.from({ length: 200 }, () => f.decide('GET', '/v1/procedures', 'listProcedures').kind);
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a.filter((k) => k === 'error').length).toBeGreaterThan(30);
    expect(a).toContain('reset');
    expect(a).toContain('none');
  });

  it('matches by operationId, path prefix and method', () => {
    const f = new FaultInjector(() => {});
    f.configure({ rules: [{ route: '/v1/dossiers', method: 'PUT', errorRate: 1 }, { route: 'listProcedures', latencyMs: 25 }] });
    expect(f.decide('PUT', '/v1/dossiers/x', 'upsertDossier').kind).toBe('error');
    expect(f.decide('GET', '/v1/dossiers/x', 'getDossier').kind).toBe('none');
    expect(f.decide('GET', '/v1/procedures', 'listProcedures')).toEqual({ kind: 'none', delayMs: 25 });
  });

  it('skews the clock and expires tokens when configured', () => {
    let expired = 0;
    const f = new FaultInjector(() => expired++);
    f.configure({ rules: [{ route: '*', clockSkewSeconds: -90, expireTokens: true }] });
    expect(f.clockOffsetMs).toBe(-90_000);
    expect(expired).toBe(1);
    f.configure({ rules: [] });
    expect(f.clockOffsetMs).toBe(0);
  });

  it('refuses malformed rules with MOCK_FAULT_INVALID', () => {
    const f = new FaultInjector(() => {});
    for (const rule of [{ route: '' }, { route: '*', errorRate: 2 }, { route: '*', statuses: [200] }, { route: '*', latencyMs: -1 }, { route: '*', rateLimit: { retryAfterSeconds: 1.5 } }]) {
      expect(() => f.configure({ rules: [rule as never] })).toThrow(MockPortalError);
    }
  });

  it('applies a rule with match only to requests whose path or body holds one of its strings', () => {
    const f = new FaultInjector(() => {});
    const rule = f.add({ route: 'upsertDossier', match: ['000.00.00.H56-251123-0001', '038190009999'], errorRate: 1, statuses: [500] });
    expect(rule.id).toMatch(/^rule-\d+$/);
    const body = (text: string) => new TextEncoder().encode(text);
    expect(f.decide('PUT', '/v1/dossiers/000.00.00.H56-251123-0001', 'upsertDossier').kind).toBe('error');
    expect(f.decide('PUT', '/v1/dossiers/000.00.00.H56-251123-0002', 'upsertDossier', body('{"DinhDanhCHS":[{"SoDinhDanh":"038190009999"}]}')).kind).toBe('error');
    expect(f.decide('PUT', '/v1/dossiers/000.00.00.H56-251123-0002', 'upsertDossier', body('{"DinhDanhCHS":[{"SoDinhDanh":"038190004521"}]}')).kind).toBe('none');
    // Same data on another route: the route still has to match.
    expect(f.decide('POST', '/v1/dossiers/000.00.00.H56-251123-0001/events', 'appendDossierEvents').kind).toBe('none');
    expect(f.remove(rule.id!)).toBe(true);
    expect(f.remove(rule.id!)).toBe(false);
    expect(f.decide('PUT', '/v1/dossiers/000.00.00.H56-251123-0001', 'upsertDossier').kind).toBe('none');
  });

  it('keeps rules added by id apart: removing one leaves the others, configure replaces all', () => {
    const f = new FaultInjector(() => {});
    f.add({ id: 'a', route: '*', match: ['dossier-a'], errorRate: 1 });
    f.add({ id: 'b', route: '*', match: ['dossier-b'], rateLimit: { retryAfterSeconds: 2 } });
    expect(() => f.add({ id: 'a', route: '*', errorRate: 1 })).toThrow(expect.objectContaining({ code: 'MOCK_FAULT_EXISTS' }));
    f.remove('a');
    expect(f.decide('GET', '/x/dossier-a', undefined).kind).toBe('none');
    expect(f.decide('GET', '/x/dossier-b', undefined)).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 2, label: '429 (b)' });
    f.configure({ rules: [] });
    expect(f.active).toBe(false);
  });

  it('refuses a match on portal-wide effects and malformed matches', () => {
    const f = new FaultInjector(() => {});
    for (const rule of [{ route: '*', match: ['abcd'], clockSkewSeconds: 5 }, { route: '*', match: ['abcd'], expireTokens: true }, { route: '*', match: [] }, { route: '*', match: ['ab'] }, { route: '*', match: 'abcd' }, { route: '*', id: 'has space' }]) {
      expect(() => f.add(rule as never)).toThrow(MockPortalError);
    }
    expect(f.active).toBe(false);
  });

  it('serves scoped rules on the admin API beside PUT/DELETE /__admin/faults', async () => {
    const portal = await startMockPortal({ port: 0, seed: 3 });
    try {
      const admin = (method: string, path: string, body?: unknown) =>
        fetch(`${portal.url}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as Record<string, unknown> }));
      const added = await admin('POST', '/faults/rules', { id: 'mine', route: '/v1/procedures', match: ['only-this-query'], errorRate: 1, statuses: [502] });
      expect(added).toMatchObject({ status: 201, body: { id: 'mine', match: ['only-this-query'] } });
      expect((await admin('POST', '/faults/rules', { id: 'mine', route: '*' })).status).toBe(409);
      const bad = await admin('POST', '/faults/rules', { route: '*', match: ['x'] });
      expect(bad.status).toBe(400);
      expect(bad.type).toMatch(/problem\+json/);
      expect((await admin('GET', '/faults')).body.rules).toEqual([expect.objectContaining({ id: 'mine' })]);
      // The path of an unauthenticated catalogue read holds the string: 502; another path does not.
      expect((await fetch(`${portal.url}/v1/procedures/only-this-query`)).status).toBe(502);
      expect((await fetch(`${portal.url}/v1/procedures/another`)).status).not.toBe(502);
      // An injected 503 carries Retry-After: 1, unless the rule says retryAfter: false (the caller's own back-off is tested).
      await admin('POST', '/faults/rules', { id: 'with-wait', route: '/v1/procedures', match: ['with-wait'], errorRate: 1, statuses: [503] });
      await admin('POST', '/faults/rules', { id: 'no-wait', route: '/v1/procedures', match: ['no-wait'], errorRate: 1, statuses: [503], retryAfter: false });
      const withWait = await fetch(`${portal.url}/v1/procedures/with-wait`);
      const noWait = await fetch(`${portal.url}/v1/procedures/no-wait`);
      expect([withWait.status, withWait.headers.get('retry-after')]).toEqual([503, '1']);
      expect([noWait.status, noWait.headers.get('retry-after')]).toEqual([503, null]);
      expect((await admin('POST', '/faults/rules', { route: '*', errorRate: 1, retryAfter: 'no' })).status).toBe(400);
      await admin('DELETE', '/faults/rules/with-wait');
      await admin('DELETE', '/faults/rules/no-wait');
      expect(await admin('DELETE', '/faults/rules/mine')).toMatchObject({ status: 200, body: { removed: 'mine' } });
      expect((await admin('DELETE', '/faults/rules/mine')).status).toBe(404);
      expect((await fetch(`${portal.url}/v1/procedures/only-this-query`)).status).not.toBe(502);
      // The whole-portal settings still work and replace the scoped rules.
      await admin('POST', '/faults/rules', { id: 'again', route: '*', match: ['abcd'], errorRate: 1 });
      expect((await admin('PUT', '/faults', { rules: [{ route: 'getProcedure', errorRate: 1, statuses: [503] }] })).body.rules).toEqual([expect.objectContaining({ route: 'getProcedure' })]);
      expect((await admin('DELETE', '/faults')).body.rules).toEqual([]);
    } finally {
      await portal.close();
    }
  });
});
