// `npm run bench`: full province-profile runs (rest, dvcqg; BENCH_RUNS each, default 3,
// the median judged) against the reference agency system, with a baseline measured in the
// same process (plain GET /health round trips to the same system), so the figures can be
// compared across machines. Both rates are printed — over the checks phase and start to
// finish — and the targets are judged on each.
import { performance } from 'node:perf_hooks';
import { createTestPki } from '@dvc-kit/signature';
import { request, type Dispatcher } from 'undici';
import { DEFAULT_TIMING, runSuite } from '../src/suite.js';
import { startEnvironment } from '../src/harness/environment.js';
import { DEFAULT_CONCURRENCY } from '../src/runner.js';
import { referenceAgencyCommand } from '../test/reference-agency.js';

const TARGET_RATE = 100;
const TARGET_SECONDS = 60;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
const start = referenceAgencyCommand();
const pki = await createTestPki({ serve: true });

// Baseline: sequential round trips per second to the started system's health endpoint.
const env = await startEnvironment({ scope: { profile: 'province', online: 'full', binding: 'rest' }, seed: 1, agencyCode: '000.00.00.H56', start, timing: DEFAULT_TIMING, pki });
const dispatcher = (env.env as { transport?: { dispatcher: Dispatcher } }).transport?.dispatcher;
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < 2000) {
  const res = await request(`${env.env.target}/health`, dispatcher ? { dispatcher } : {});
  await res.body.text();
  n++;
}
const healthPerSecond = n / ((performance.now() - t0) / 1000);
await env.close();

interface Run {
  name: string;
  startupS: number;
  phaseS: number;
  totalS: number;
  checks: number;
  /** Of which one-request probes of a body constraint (contract.<op>.body.…). */
  probes: number;
  /** Of which valid bodies at a constraint's edge the system must accept (contract.<op>.accepts.…). */
  validProbes: number;
  verdict: string;
  longest: { id: string; ms: number }[];
}

const all: Run[] = [];
for (let i = 0; i < RUNS; i++) for (const binding of ['rest', 'dvcqg'] as const) {
  const began = performance.now();
  let phaseStart = 0;
  let phaseEnd = 0;
  const report = await runSuite({
    scope: { profile: 'province', online: 'full', binding },
    start,
    seed: 42,
    pki,
    onProgress: (e) => {
      if (e.type === 'start') phaseStart = performance.now();
      else phaseEnd = performance.now();
    },
  });
  const finished = performance.now();
  const ran = report.checks.filter((c) => c.outcome !== 'SKIP');
  all.push({
    name: `province/full/${binding}`,
    startupS: (phaseStart - began) / 1000,
    phaseS: (phaseEnd - phaseStart) / 1000,
    totalS: (finished - began) / 1000,
    checks: ran.length,
    probes: ran.filter((c) => /^contract\.[a-z-]+\.body\./.test(c.id)).length,
    validProbes: ran.filter((c) => /^contract\.[a-z-]+\.accepts\./.test(c.id)).length,
    verdict: report.verdict,
    longest: [...ran].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5).map((c) => ({ id: c.id, ms: c.durationMs })),
  });
}
await pki.close();

// Per binding, the run with the median checks phase (and the range over the runs).
const median = (xs: Run[]) => [...xs].sort((a, b) => a.phaseS - b.phaseS)[Math.floor((xs.length - 1) / 2)]!;
const byName = [...new Set(all.map((r) => r.name))].map((name) => all.filter((r) => r.name === name));
const runs = byName.map(median);
const range = (name: string, f: (r: Run) => number) => {
  const xs = all.filter((r) => r.name === name).map(f);
  return `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
};

const f1 = (x: number) => x.toFixed(1);
console.log(`concurrency ${DEFAULT_CONCURRENCY} (default); ${RUNS} run(s) per binding, the median shown; baseline ${healthPerSecond.toFixed(0)} GET /health round trips/s to the same system (sequential)`);
for (const r of runs) {
  const phaseRate = r.checks / r.phaseS;
  const totalRate = r.checks / r.totalS;
  const others = r.checks - r.probes - r.validProbes;
  console.log(`\n${r.name}: ${r.checks} checks run (${r.probes} one-request probes of a body constraint, ${r.validProbes} valid bodies at a constraint's edge, ${others} other checks, most of them scenarios), verdict ${r.verdict}`);
  console.log(`  environment start (PKI, portal, system, preflight): ${f1(r.startupS)} s`);
  console.log(`  checks phase: ${f1(r.phaseS)} s → ${f1(phaseRate)} checks/s (ratio to the baseline ${(phaseRate / healthPerSecond).toFixed(4)}; over the runs ${range(r.name, (x) => x.checks / x.phaseS)} checks/s)`);
  console.log(`  start to finish (incl. start and stop): ${f1(r.totalS)} s → ${f1(totalRate)} checks/s (ratio ${(totalRate / healthPerSecond).toFixed(4)}; over the runs ${range(r.name, (x) => x.checks / x.totalS)} checks/s)`);
  console.log(`  without the probes: ${others} checks over the same phase → ${f1(others / r.phaseS)} checks/s`);
  console.log(`  five longest checks (the critical path): ${r.longest.map((c) => `${c.id} ${(c.ms / 1000).toFixed(2)} s`).join(', ')}`);
}

const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const phaseMet = runs.every((r) => r.checks / r.phaseS >= TARGET_RATE);
const totalMet = runs.every((r) => r.checks / r.totalS >= TARGET_RATE);
console.log(`\ntarget ≥ ${TARGET_RATE} checks/s: over the checks phase ${verdict(phaseMet)} (${runs.map((r) => f1(r.checks / r.phaseS)).join(', ')}); start to finish ${verdict(totalMet)} (${runs.map((r) => f1(r.checks / r.totalS)).join(', ')})`);
console.log(`target whole province profile < ${TARGET_SECONDS} s (start to finish): ${verdict(runs.every((r) => r.totalS < TARGET_SECONDS))} (${runs.map((r) => `${r.name} ${f1(r.totalS)} s`).join(', ')})`);
console.log(
  'the floor of a checks phase, whatever the number of checks: the portal-certificate check alone first (until its certificate is back), ' +
    "then the back-off measurement (two of the system's own waits), then the Retry-After wait (2 s, its verification's figure; a compliant system may hold every push meanwhile), " +
    'then the public-lookup flood alone last',
);
