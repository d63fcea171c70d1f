import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requirements } from '@dvc-kit/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCheck, type CheckContext, type CheckDefinition } from './check.js';
import { buildReport } from './report.js';
import { DEFAULT_CONCURRENCY, runChecks, runOrder } from './runner.js';
import { requirementsInScope, type Scope } from './scope.js';

let server: Server;
let base: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/flip') {
      res.writeHead(hits % 2 === 0 ? 200 : 500).end();
      return;
    }
    res.writeHead(req.url === '/ok' ? 200 : 500, { 'content-type': 'application/json' }).end(JSON.stringify({ SoDinhDanh: '038190004521' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const scope: Scope = { profile: 'province', online: 'full', binding: 'rest' };
const inScope = new Set(requirementsInScope(requirements, scope).map((r) => r.id));

function statusCheck(id: string, path: string, reqs: string[]): CheckDefinition<{ base: string }> {
  return defineCheck<{ base: string }>({
    id,
    title: id,
    area: 'errors',
    requirements: reqs,
    run: async (ctx) => {
      const res = await ctx.send({ url: `${ctx.env.base}${path}` });
      const c: CheckContext<{ base: string }> = ctx;
      c.require(res.status === 200, { requirements: [reqs[0]!], message: 'expected 200', expected: 200, found: res.status, response: res });
    },
  });
}

async function run(checks: CheckDefinition<{ base: string }>[], env = { base }) {
  const startedAt = new Date();
  const results = await runChecks({ checks, catalogue: requirements, inScope, scope, env, seed: 1 });
  return buildReport({ catalogue: requirements, inScope, scope, checks: results, target: { url: env.base }, tool: { name: 't', version: '0' }, seed: 1, startedAt, finishedAt: new Date() });
}

describe('runChecks and buildReport', () => {
  it('passes, fails on the named requirement, and redacts evidence', async () => {
    const report = await run([statusCheck('errors.ok', '/ok', ['DVC-ERR-001']), statusCheck('errors.broken', '/broken', ['DVC-ERR-005', 'DVC-ERR-004'])]);
    const ok = report.checks.find((c) => c.id === 'errors.ok')!;
    const broken = report.checks.find((c) => c.id === 'errors.broken')!;
    expect(ok.outcome).toBe('PASS');
    expect(broken.outcome).toBe('FAIL');
    expect(broken.attempts).toHaveLength(2);
    const err005 = report.requirements.find((r) => r.id === 'DVC-ERR-005')!;
    expect(err005.outcome).toBe('FAIL');
    expect(err005.failures[0]).toMatchObject({ check: 'errors.broken', expected: '200', found: '500' });
    // The other requirement was not decided because the check stopped at the failure.
    expect(report.requirements.find((r) => r.id === 'DVC-ERR-004')!.outcome).toBe('INCONCLUSIVE');
    expect(report.verdict).toBe('FAIL');
    const body = JSON.stringify(broken.attempts[0]!.evidence);
    expect(body).toContain('/broken');
    expect(body).not.toContain('038190004521');
  });

  it('marks a check whose re-run differs as FLAKY', async () => {
    hits = 0;
    const report = await run([statusCheck('errors.flip', '/flip', ['DVC-ERR-001'])]);
    expect(report.checks[0]!.outcome).toBe('FLAKY');
    expect(report.requirements.find((r) => r.id === 'DVC-ERR-001')!.outcome).toBe('FLAKY');
    expect(report.verdict).toBe('FAIL');
  });

  it('turns an unreachable target into INCONCLUSIVE, never a pass', async () => {
    const report = await run([statusCheck('errors.ok', '/ok', ['DVC-ERR-001'])], { base: 'http://127.0.0.1:9' });
    expect(report.checks[0]!.outcome).toBe('INCONCLUSIVE');
    expect(report.checks[0]!.attempts[0]!.reason).toMatch(/Could not reach/);
    expect(report.verdict).toBe('INCONCLUSIVE');
  });

  it('skips checks out of scope and lists uncovered MUST requirements', async () => {
    const dvcqgOnly = defineCheck<{ base: string }>({ ...statusCheck('errors.dvcqg', '/ok', ['DVC-ERR-002']) });
    const report = await run([dvcqgOnly, statusCheck('errors.ok', '/ok', ['DVC-ERR-001'])]);
    expect(report.checks[0]!.outcome).toBe('SKIP');
    expect(report.uncoveredMust).toContain('DVC-CODE-002');
    expect(report.uncoveredMust).not.toContain('DVC-ERR-001');
    expect(report.requirements.find((r) => r.id === 'DVC-ERR-002')!.inScope).toBe(false);
    expect(report.verdict).toBe('PASS');
  });

  it('reports a SHOULD failure as WARN without failing the run', async () => {
    const report = await run([statusCheck('rate-limits.headers', '/broken', ['DVC-RATE-003'])]);
    expect(report.checks[0]!.outcome).toBe('WARN');
    expect(report.requirements.find((r) => r.id === 'DVC-RATE-003')!.outcome).toBe('WARN');
    expect(report.verdict).toBe('PASS');
  });

  it('a failing counterpart check (the suite\'s own portal) is INCONCLUSIVE, never a FAIL of the system', async () => {
    const counterpart = defineCheck<{ base: string }>({ ...statusCheck('authentication.counterpart', '/broken', ['DVC-AUTH-010']), counterpart: true });
    const report = await run([counterpart]);
    expect(report.checks[0]!.outcome).toBe('INCONCLUSIVE');
    expect(report.checks[0]!.attempts[0]!.reason).toMatch(/counterpart/);
    expect(report.verdict).toBe('INCONCLUSIVE');
  });

  it('rejects malformed check definitions', () => {
    expect(() => defineCheck({ id: 'Bad Id', title: '', area: 'errors', requirements: ['DVC-ERR-001'], run: async () => {} })).toThrow(/kebab/);
    expect(() => defineCheck({ id: 'errors.x', title: '', area: 'errors', requirements: ['ERR-1'], run: async () => {} })).toThrow(/not a requirement ID/);
  });

  it('starts the longest checks first, keeps list order among equals, and runs exclusive checks last', () => {
    const order = runOrder([{ expectedMs: 10 }, { exclusive: true }, {}, { expectedMs: 2000 }, { expectedMs: 10 }, { exclusive: true, expectedMs: 9000 }]);
    expect(order).toEqual({ first: [], parallel: [3, 0, 4, 2], serial: [1, 5] });
    expect(runOrder([{}, { exclusive: 'first' }, { exclusive: true }]).first).toEqual([1]);
    // The checks a pause would distort go first, then the one that pauses the system, then the others, longest first.
    expect(runOrder([{}, { pausesSystem: true, expectedMs: 5000 }, { expectedMs: 10 }, { expectedMs: 300 }, { pauseSensitive: true, expectedMs: 20 }])).toEqual({ first: [], parallel: [4, 1, 3, 2, 0], serial: [] });
  });

  it('starts a check that pauses the system once every pause-sensitive check has ended, beside the others', async () => {
    const log: string[] = [];
    const step = (id: string, ms: number, extra: { expectedMs?: number; pausesSystem?: boolean; pauseSensitive?: boolean } = {}) =>
      defineCheck<{ base: string }>({
        id, title: id, area: 'errors', requirements: ['DVC-ERR-001'], ...extra,
        run: async () => {
          log.push(`start ${id}`);
          await new Promise((r) => setTimeout(r, ms));
          log.push(`end ${id}`);
        },
      });
    const checks = [step('errors.quick-a', 5), step('errors.pause', 20, { pausesSystem: true, expectedMs: 2000 }), step('errors.spacing-a', 80, { pauseSensitive: true, expectedMs: 800 }), step('errors.spacing-b', 40, { pauseSensitive: true }), step('errors.long', 120, { expectedMs: 900 }), step('errors.quick-b', 5)];
    await runChecks({ checks, catalogue: requirements, inScope, scope, env: { base }, seed: 1, concurrency: 4 });
    const at = (entry: string) => log.indexOf(entry);
    expect(at('start errors.pause')).toBeGreaterThan(at('end errors.spacing-a'));
    expect(at('start errors.pause')).toBeGreaterThan(at('end errors.spacing-b'));
    // A long check that a pause only delays overlaps it, and the quick checks did not wait for it.
    expect(at('start errors.pause')).toBeLessThan(at('end errors.long'));
    expect(at('start errors.quick-a')).toBeLessThan(at('end errors.spacing-a'));
  });

  it("runs an exclusive 'first' check alone until it releases the system, and its rerun after the others", async () => {
    const log: string[] = [];
    let attempt = 0;
    const first = defineCheck<{ base: string }>({
      id: 'errors.swap', title: 'swap', area: 'errors', requirements: ['DVC-ERR-001'], exclusive: 'first',
      run: async (ctx) => {
        const n = ++attempt;
        log.push(`start swap ${n}`);
        await new Promise((r) => setTimeout(r, 30));
        log.push(`release swap ${n}`);
        ctx.release();
        await new Promise((r) => setTimeout(r, 60));
        log.push(`end swap ${n}`);
        ctx.verify(n > 1, { message: 'fails once', expected: 'second attempt', found: n });
      },
    });
    const other = (id: string) => defineCheck<{ base: string }>({
      id, title: id, area: 'errors', requirements: ['DVC-ERR-001'],
      run: async () => {
        log.push(`start ${id}`);
        await new Promise((r) => setTimeout(r, 20));
        log.push(`end ${id}`);
      },
    });
    const results = await runChecks({ checks: [other('errors.a'), first, other('errors.b')], catalogue: requirements, inScope, scope, env: { base }, seed: 1 });
    const at = (entry: string) => log.indexOf(entry);
    expect(log[0]).toBe('start swap 1');
    expect(at('start errors.a')).toBeGreaterThan(at('release swap 1'));
    // The others ran while the first attempt finished, and the rerun waited for them.
    expect(at('start errors.a')).toBeLessThan(at('end swap 1'));
    expect(at('start swap 2')).toBeGreaterThan(Math.max(at('end errors.a'), at('end errors.b'), at('end swap 1')));
    expect(results.find((r) => r.id === 'errors.swap')!.outcome).toBe('FLAKY');
  });

  it('lets a pause-sensitive check release the pausing ones before it ends', async () => {
    const log: string[] = [];
    const sensitive = defineCheck<{ base: string }>({
      id: 'errors.spacing', title: 'spacing', area: 'errors', requirements: ['DVC-ERR-001'], pauseSensitive: true,
      run: async (ctx) => {
        await new Promise((r) => setTimeout(r, 30));
        log.push('measured');
        ctx.release();
        await new Promise((r) => setTimeout(r, 80));
        log.push('end spacing');
      },
    });
    const pause = defineCheck<{ base: string }>({
      id: 'errors.pause', title: 'pause', area: 'errors', requirements: ['DVC-ERR-001'], pausesSystem: true,
      run: async () => void log.push('start pause'),
    });
    await runChecks({ checks: [pause, sensitive], catalogue: requirements, inScope, scope, env: { base }, seed: 1 });
    expect(log).toEqual(['measured', 'start pause', 'end spacing']);
  });

  it('runs checks side by side up to the concurrency, and an exclusive check alone after them', async () => {
    let running = 0;
    let most = 0;
    const log: string[] = [];
    // The first checks wait until as many as the concurrency allows have started (or a short deadline).
    let started = 0;
    let everyoneIn!: () => void;
    const allStarted = new Promise<void>((r) => (everyoneIn = r));
    const timed = (id: string, exclusive = false, expectedMs?: number) =>
      defineCheck<{ base: string }>({
        id, title: id, area: 'errors', requirements: ['DVC-ERR-001'], exclusive, ...(expectedMs ? { expectedMs } : {}),
        run: async () => {
          running++;
          most = Math.max(most, running);
          log.push(`start ${id}`);
          if (!exclusive && ++started === DEFAULT_CONCURRENCY) everyoneIn();
          if (!exclusive) await Promise.race([allStarted, new Promise((r) => setTimeout(r, 2000))]);
          log.push(`end ${id}`);
          running--;
        },
      });
    const checks = [timed('errors.alone', true), ...Array.from({ length: 20 }, (_, i) => timed(`errors.p${i}`, false, i === 19 ? 5000 : undefined))];
    const results = await runChecks({ checks, catalogue: requirements, inScope, scope, env: { base }, seed: 1 });
    expect(results.every((r) => r.outcome === 'PASS')).toBe(true);
    expect(most).toBe(DEFAULT_CONCURRENCY);
    expect(log[0]).toBe('start errors.p19');
    expect(log.slice(-2)).toEqual(['start errors.alone', 'end errors.alone']);
  });
});
