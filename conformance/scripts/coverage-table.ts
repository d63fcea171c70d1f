/**
 * Prints the "Requirement coverage" table of docs/coverage.md from real runs against the
 * reference agency (build it first): `npx tsx scripts/coverage-table.ts`.
 */
import { createTestPki } from '@dvc-kit/signature';
import { allChecks } from '../src/checks/index.js';
import type { Scope } from '../src/scope.js';
import { runSuite } from '../src/suite.js';
import { referenceAgencyCommand } from '../test/reference-agency.js';

const SCOPES: Scope[] = [
  { profile: 'province', online: 'full', binding: 'rest' },
  { profile: 'province', online: 'full', binding: 'dvcqg' },
  { profile: 'ministry', online: 'partial', binding: 'rest' },
  { profile: 'ministry', online: 'full', binding: 'dvcqg' },
];

const counterpart = new Set(allChecks.filter((c) => c.counterpart).map((c) => c.id));
const pki = await createTestPki({ serve: true });
const rows: string[] = [];
try {
  for (const [i, scope] of SCOPES.entries()) {
    const report = await runSuite({ scope, start: referenceAgencyCommand(), seed: 20260101 + i, pki });
    const inScope = report.requirements.filter((r) => r.inScope);
    const must = inScope.filter((r) => r.level === 'MUST');
    const covered = must.filter((r) => r.covered);
    const onlyCounterpart = covered.filter((r) => r.checks.length > 0 && r.checks.every((id) => counterpart.has(id)));
    const missing = must.filter((r) => !r.covered).map((r) => r.id.replace(/^DVC-/, ''));
    const failing = report.checks.filter((c) => c.outcome !== 'PASS' && c.outcome !== 'SKIP').map((c) => `${c.id} ${c.outcome}`);
    rows.push(`| ${scope.profile} / ${scope.online} / ${scope.binding} | ${inScope.length} | ${must.length} | ${covered.length} | ${onlyCounterpart.length} | ${missing.join(', ') || '—'} |`);
    console.error(`${scope.profile}/${scope.online}/${scope.binding}: ${report.checks.length} checks, verdict ${report.verdict}, ${(report.durationMs / 1000).toFixed(1)} s${failing.length ? `; not passing: ${failing.join(', ')}` : ''}`);
  }
} finally {
  await pki.close();
}
console.log(`${allChecks.length} checks (${counterpart.size} of them counterpart checks).\n`);
console.log('| scope | requirements in scope | MUST | MUST covered | of which only by counterpart checks | MUST not covered |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) console.log(r);
