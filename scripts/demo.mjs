// `npm run demo`: the main job on embedded defaults. Starts the reference agency system
// through the conformance suite (mock national portal, test PKI, SQLite in a temp dir,
// free ports), runs the full province profile, and writes ./reports/.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { exitCodeFor, runSuite, writeReports } from '@dvc-kit/conformance';

const require = createRequire(import.meta.url);
const agencyDir = dirname(require.resolve('@dvc-kit/reference-agency/package.json'));
const start = `"${process.execPath}" "${join(agencyDir, 'dist', 'cli.js')}"`;
const out = resolve('reports');
const seed = Number(process.env.DVC_DEMO_SEED ?? 20260101);

process.stderr.write('dvc-kit demo: mock national portal + reference agency (SQLite, test PKI) + full province conformance run\n');
let done = 0;
const report = await runSuite({
  scope: { profile: 'province', online: 'full', binding: 'rest' },
  start,
  seed,
  onProgress: (event) => {
    if (event.type === 'check') {
      done++;
      if (process.stderr.isTTY) process.stderr.write(`\r\u001b[2K  ${done}/${event.total} ${event.result.outcome} ${event.result.id}`.slice(0, 110));
      else if (event.result.outcome !== 'PASS') process.stderr.write(`  ${event.result.outcome} ${event.result.id}\n`);
    }
  },
});
if (process.stderr.isTTY) process.stderr.write('\n');
const written = await writeReports(report, out, ['html', 'json', 'junit', 'markdown']);
const s = report.summary;
console.log(`\nVerdict: ${report.verdict} — ${s.mustPassed}/${s.mustInScope} MUST requirements passed (${s.uncoveredMust} not covered by a check)`);
console.log(`Checks: ${s.checks.PASS} pass, ${s.checks.FAIL} fail, ${s.checks.WARN} warn, ${s.checks.SKIP} skip, ${s.checks.INCONCLUSIVE} inconclusive, ${s.checks.FLAKY} flaky in ${(report.durationMs / 1000).toFixed(1)} s`);
for (const reason of report.verdictReasons) console.log(`  - ${reason}`);
console.log(`\nHTML report: ${written.html}`);
console.log(`Also: ${written.json}, ${written.junit}, ${written.markdown}`);
process.exit(exitCodeFor(report.verdict));
