import { describe, expect, it } from 'vitest';
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
});
