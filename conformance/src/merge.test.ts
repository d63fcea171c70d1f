import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requirements } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { defineCheck } from './check.js';
import { mergeReports } from './merge.js';
import { buildReport } from './report.js';
import { runChecks, type CheckResult } from './runner.js';
import { requirementsInScope, type Scope } from './scope.js';
import type { Shard } from './shard.js';

const scope: Scope = { profile: 'province', online: 'full', binding: 'rest' };
const inScope = new Set(requirementsInScope(requirements, scope).map((r) => r.id));

describe('sharded runs and merge', () => {
  it('merges shards into the same roll-up as one run, and refuses mismatched shards', async () => {
    const server = createServer((req, res) => res.writeHead(req.url === '/bad' ? 500 : 200).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const mk = (id: string, path: string, req: string) =>
      defineCheck<string>({ id, title: id, area: 'errors', requirements: [req], run: async (ctx) => { const r = await ctx.send({ url: `${ctx.env}${path}` }); ctx.verify(r.status === 200, { message: 'ok', expected: 200, found: r.status }); } });
    const checks = [mk('errors.a', '/ok', 'DVC-ERR-001'), mk('errors.b', '/bad', 'DVC-ERR-005'), mk('errors.c', '/ok', 'DVC-ERR-004')];
    const report = async (shard?: Shard) => {
      const ran = await runChecks({ checks, catalogue: requirements, inScope, scope, env: base, seed: 3, rerun: false, ...(shard ? { shard } : {}) });
      const byId = new Map(ran.map((r) => [r.id, r]));
      const all: CheckResult[] = checks.map((c) => byId.get(c.id) ?? { id: c.id, title: c.title, area: c.area, requirements: c.requirements, outcome: 'SKIP', durationMs: 0, deferred: true, attempts: [{ outcome: 'SKIP', durationMs: 0, failures: [], passedAssertions: 0, failedRequirements: [], stoppedEarly: false, notes: [], evidence: [] }] });
      return buildReport({ catalogue: requirements, inScope, scope, checks: all, target: { url: base }, tool: { name: 't', version: '1' }, seed: 3, startedAt: new Date(), finishedAt: new Date(), ...(shard ? { shard } : {}) });
    };
    try {
      const whole = await report();
      const s1 = await report({ index: 1, total: 2 });
      const s2 = await report({ index: 2, total: 2 });
      expect(s1.checks.filter((c) => !c.deferred).map((c) => c.id)).toEqual(['errors.a', 'errors.c']);
      expect(s1.requirements.find((r) => r.id === 'DVC-ERR-005')!.reason).toBe('checked in another shard');
      const merged = mergeReports([s2, s1]);
      expect(merged.verdict).toBe(whole.verdict);
      expect(merged.mergedFrom).toBe(2);
      for (const id of ['DVC-ERR-001', 'DVC-ERR-004', 'DVC-ERR-005']) {
        expect(merged.requirements.find((r) => r.id === id)!.outcome).toBe(whole.requirements.find((r) => r.id === id)!.outcome);
      }
      const incomplete = mergeReports([s1]);
      expect(incomplete.verdictReasons.join(' ')).toMatch(/shard\(s\) 2 of 2 missing/);
      expect(() => mergeReports([s1, { ...s2, seed: 4 }])).toThrow(/differ in target, scope, seed/);
      expect(() => mergeReports([s1, s1])).toThrow(/given twice/);
      expect(() => mergeReports([whole])).toThrow(/--shard i\/n/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
