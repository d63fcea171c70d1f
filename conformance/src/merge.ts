import { requirements as catalogue } from '@dvc-kit/spec';
import { ConformanceError } from './errors.js';
import { buildReport, type ConformanceReport } from './report.js';
import type { CheckResult } from './runner.js';
import { requirementsInScope } from './scope.js';

/**
 * Merges the reports of a sharded run (`--shard i/n`) into one: each check's result is
 * taken from the shard that ran it, and the roll-up is recomputed. Shards must share
 * target, scope, seed and tool version, and together cover each shard once.
 */
export function mergeReports(reports: readonly ConformanceReport[]): ConformanceReport {
  if (reports.length === 0) throw new ConformanceError('ERR_MERGE_INCOMPATIBLE', 'Nothing to merge: give at least one report.json.');
  const first = reports[0]!;
  // A system the suite starts gets a new port in each shard: its start command names it.
  const key = (r: ConformanceReport) => JSON.stringify([r.target.name ?? r.target.url, r.scope, r.seed, r.tool.version]);
  for (const r of reports) {
    if (r.reportVersion !== 1 || !Array.isArray(r.checks)) throw new ConformanceError('ERR_REPORT_INVALID', 'Not a dvc-conformance report (reportVersion 1).');
    if (key(r) !== key(first)) {
      throw new ConformanceError('ERR_MERGE_INCOMPATIBLE', `Reports differ in target, scope, seed or tool version: ${key(first)} vs ${key(r)}. Merge only the shards of one run.`);
    }
  }
  const shards = reports.map((r) => r.shard);
  const totals = new Set(shards.map((s) => s?.total));
  if (shards.some((s) => !s) || totals.size !== 1) {
    throw new ConformanceError('ERR_MERGE_INCOMPATIBLE', 'Every report to merge must come from a --shard i/n run with the same n.');
  }
  const indexes = shards.map((s) => s!.index);
  if (new Set(indexes).size !== indexes.length) throw new ConformanceError('ERR_MERGE_INCOMPATIBLE', `Shard(s) given twice: ${indexes.join(', ')}.`);
  const total = shards[0]!.total;
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !indexes.includes(i));

  const byId = new Map<string, CheckResult>();
  for (const r of reports) {
    for (const c of r.checks) {
      const known = byId.get(c.id);
      if (!known || (known.deferred && !c.deferred)) byId.set(c.id, c);
    }
  }
  const order = first.checks.map((c) => c.id);
  const checks = order.map((id) => byId.get(id)!).filter(Boolean);
  const inScope = new Set(requirementsInScope(catalogue, first.scope).map((r) => r.id));
  const startedAt = new Date(Math.min(...reports.map((r) => Date.parse(r.startedAt))));
  const finishedAt = new Date(Math.max(...reports.map((r) => Date.parse(r.finishedAt))));
  const merged = buildReport({
    catalogue,
    inScope,
    scope: first.scope,
    checks,
    target: first.target,
    tool: first.tool,
    seed: first.seed,
    startedAt,
    finishedAt,
    waivers: first.waivers.map(({ requirement, reason, expires }) => ({ requirement, reason, expires })),
    failOnUncovered: first.failOnUncovered,
    mergedFrom: reports.length,
  });
  if (missing.length > 0) {
    merged.verdict = merged.verdict === 'FAIL' ? 'FAIL' : 'INCONCLUSIVE';
    merged.verdictReasons.push(`shard(s) ${missing.join(', ')} of ${total} missing from the merge`);
  }
  return merged;
}
