// `npm run bench`: a full province-profile run against the reference agency system, with
// a baseline measured in the same process (plain GET /health round trips to the same
// system), so the figures can be compared across machines.
import { performance } from 'node:perf_hooks';
import { createTestPki } from '@dvc-kit/signature';
import { request } from 'undici';
import { DEFAULT_TIMING, runSuite } from '../src/suite.js';
import { startEnvironment } from '../src/harness/environment.js';
import { referenceAgencyCommand } from '../test/reference-agency.js';

const start = referenceAgencyCommand();
const pki = await createTestPki({ serve: true });

// Baseline: round trips per second to the started system's health endpoint.
const env = await startEnvironment({ scope: { profile: 'province', online: 'full', binding: 'rest' }, seed: 1, agencyCode: '000.00.00.H56', start, timing: DEFAULT_TIMING, pki });
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < 2000) {
  const res = await request(`${env.env.target}/health`);
  await res.body.text();
  n++;
}
const healthPerSecond = n / ((performance.now() - t0) / 1000);
await env.close();

const runs: { seconds: number; checks: number; perSecond: number; verdict: string }[] = [];
for (const binding of ['rest', 'dvcqg'] as const) {
  const t = performance.now();
  const report = await runSuite({ scope: { profile: 'province', online: 'full', binding }, start, seed: 42, pki });
  const seconds = (performance.now() - t) / 1000;
  const executed = report.checks.filter((c) => c.outcome !== 'SKIP').length;
  runs.push({ seconds, checks: executed, perSecond: executed / seconds, verdict: report.verdict });
  console.log(`province/full/${binding}: ${executed} checks (${report.requirements.filter((r) => r.inScope && r.covered).length} requirements covered) in ${seconds.toFixed(1)} s, start to finish = ${(executed / seconds).toFixed(2)} checks/s, verdict ${report.verdict}`);
}
await pki.close();

const best = Math.max(...runs.map((r) => r.perSecond));
console.log(`baseline: ${healthPerSecond.toFixed(0)} GET /health round trips/s to the same system`);
console.log(`ratio checks/s ÷ health round trips/s: ${(best / healthPerSecond).toFixed(4)}`);
console.log(`target ≥ 100 checks/s: ${best >= 100 ? 'met' : `NOT met (${best.toFixed(2)} checks/s: each check drives real lifecycles with signed, revocation-checked messages and waits for the system's pushes)`}`);
console.log(`target whole province profile < 60 s: ${runs.every((r) => r.seconds < 60) ? 'met' : 'NOT met'} (${runs.map((r) => `${r.seconds.toFixed(1)} s`).join(', ')})`);
