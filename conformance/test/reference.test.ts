import { createTestPki } from '@dvc-kit/signature';
import { describe, expect, it } from 'vitest';
import { runSuite } from '../src/suite.js';
import type { Scope } from '../src/scope.js';
import { referenceAgencyCommand } from './reference-agency.js';

// Runs in a row at the runner's default concurrency (checks side by side, fault-injecting
// ones scoped to their own dossier): both profiles three times over, and both in the dvcqg
// binding; every MUST covered passes, none is FLAKY.
const PROFILES: Scope[] = [
  { profile: 'province', online: 'full', binding: 'rest' },
  { profile: 'ministry', online: 'partial', binding: 'rest' },
];
const RUNS: Scope[] = [
  ...PROFILES,
  ...PROFILES,
  ...PROFILES,
  { profile: 'province', online: 'full', binding: 'dvcqg' },
  { profile: 'ministry', online: 'full', binding: 'dvcqg' },
];

describe('the reference agency system', () => {
  it('passes every covered MUST requirement of both profiles, three runs in a row and in both bindings, with no FLAKY check', async () => {
    const start = referenceAgencyCommand();
    const pki = await createTestPki({ serve: true });
    for (const [i, scope] of RUNS.entries()) {
      const report = await runSuite({ scope, start, seed: 100 + i, pki });
      const unstable = report.checks.filter((c) => c.outcome === 'FLAKY' || c.outcome === 'FAIL').map((c) => `${c.id}: ${c.attempts.map((a) => `${a.outcome} ${a.failures.map((f) => `${f.message} (expected ${f.expected}, found ${f.found})`).join('; ')}`).join(' | ')}`);
      expect(unstable, `${scope.profile}/${scope.online}/${scope.binding}`).toEqual([]);
      const bad = report.requirements.filter((r) => r.inScope && r.covered && r.level === 'MUST' && !['PASS', 'SKIP'].includes(r.outcome));
      expect(bad.map((r) => `${r.id} ${r.outcome}: ${r.failures[0]?.message ?? r.reason}`), `${scope.profile}/${scope.online}/${scope.binding}`).toEqual([]);
      expect(report.summary.checks.FLAKY).toBe(0);
      expect(report.summary.checks.FAIL).toBe(0);
      expect(report.verdict).toBe('PASS');
      expect(report.summary.mustPassed).toBeGreaterThan(50);
    }
    await pki.close();
  }, 720_000);
});
