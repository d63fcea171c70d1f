import type { LocalizedText, Requirement, RequirementLevel, RequirementSource } from '@dvc-kit/spec';
import type { CheckResult } from './runner.js';
import { OUTCOMES, worstOutcome, type Outcome } from './outcome.js';
import type { Scope } from './scope.js';
import type { Shard } from './shard.js';
import { waiverStatus, type Waiver, type WaiverStatus } from './waivers.js';

export const REPORT_SCHEMA_ID = 'https://dvc-kit.dev/schemas/conformance-report-1.json';

export type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/** One failure of a requirement, as shown to a reader. */
export interface RequirementFailure {
  check: string;
  message: string;
  expected?: string;
  found?: string;
  exchanges?: number[];
}

export interface RequirementResult {
  id: string;
  level: RequirementLevel;
  area: string;
  title: LocalizedText;
  text: LocalizedText;
  source: RequirementSource;
  inScope: boolean;
  /** At least one check names it (in this run or, for a shard, in another shard). */
  covered: boolean;
  outcome: Outcome;
  /** Why, when the outcome is SKIP or INCONCLUSIVE without a failing check. */
  reason?: string;
  checks: string[];
  failures: RequirementFailure[];
  waiver?: WaiverStatus;
}

export interface ReportSummary {
  checks: Record<Outcome, number>;
  requirements: Record<Outcome, number>;
  mustInScope: number;
  mustPassed: number;
  uncoveredMust: number;
  checksPerSecond: number;
}

/** The JSON report (schema: schema/report.schema.json). */
export interface ConformanceReport {
  $schema: string;
  reportVersion: 1;
  tool: { name: string; version: string };
  target: { url: string; name?: string };
  scope: Scope;
  seed: number;
  shard?: Shard;
  /** Shards this report was merged from. */
  mergedFrom?: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  verdict: Verdict;
  verdictReasons: string[];
  summary: ReportSummary;
  requirements: RequirementResult[];
  /** MUST requirements in scope that no check covers. */
  uncoveredMust: string[];
  checks: CheckResult[];
  waivers: WaiverStatus[];
  failOnUncovered: boolean;
}

export interface BuildReportOptions {
  catalogue: readonly Requirement[];
  inScope: ReadonlySet<string>;
  scope: Scope;
  checks: CheckResult[];
  target: { url: string; name?: string };
  tool: { name: string; version: string };
  seed: number;
  shard?: Shard;
  mergedFrom?: number;
  startedAt: Date;
  finishedAt: Date;
  waivers?: readonly Waiver[];
  now?: Date;
  /** Make uncovered MUST requirements turn a passing run INCONCLUSIVE. */
  failOnUncovered?: boolean;
}

function counts(outcomes: Outcome[]): Record<Outcome, number> {
  const c = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const o of outcomes) c[o]++;
  return c;
}

/** What one check says about one of its requirements. */
function outcomeFor(check: CheckResult, requirement: Requirement): Outcome {
  const last = check.attempts[check.attempts.length - 1]!;
  switch (check.outcome) {
    case 'PASS':
    case 'SKIP':
    case 'FLAKY':
    case 'INCONCLUSIVE':
      return check.outcome;
    default:
      if (last.failedRequirements.includes(requirement.id)) return requirement.level === 'MUST' ? 'FAIL' : 'WARN';
      return last.stoppedEarly ? 'INCONCLUSIVE' : 'PASS';
  }
}

/** Rolls check results up per requirement and decides the verdict. */
export function buildReport(options: BuildReportOptions): ConformanceReport {
  const now = options.now ?? options.finishedAt;
  const byRequirement = new Map<string, CheckResult[]>();
  for (const check of options.checks) {
    if (check.notApplicable) continue;
    for (const id of check.requirements) {
      const list = byRequirement.get(id) ?? [];
      list.push(check);
      byRequirement.set(id, list);
    }
  }
  const waivers = (options.waivers ?? []).map((w) => waiverStatus(w, now));
  const waiverOf = new Map(waivers.map((w) => [w.requirement, w]));

  const requirements: RequirementResult[] = options.catalogue.map((r) => {
    const checks = byRequirement.get(r.id) ?? [];
    const ran = checks.filter((c) => !c.deferred);
    const base: RequirementResult = {
      id: r.id,
      level: r.level,
      area: r.area,
      title: r.title,
      text: r.text,
      source: r.source,
      inScope: options.inScope.has(r.id),
      covered: checks.length > 0,
      outcome: 'SKIP',
      checks: checks.map((c) => c.id),
      failures: [],
    };
    const waiver = waiverOf.get(r.id);
    if (waiver) base.waiver = waiver;
    if (!base.inScope) return { ...base, reason: 'not in the selected profile, online level or binding' };
    if (checks.length === 0) return { ...base, outcome: 'INCONCLUSIVE', reason: 'no check covers this requirement' };
    if (ran.length === 0) return { ...base, reason: 'checked in another shard' };
    const outcomes = ran.map((c) => outcomeFor(c, r));
    const decided = outcomes.filter((o) => o !== 'SKIP');
    const outcome = decided.length > 0 ? worstOutcome(decided) : 'SKIP';
    for (const c of ran) {
      for (const f of c.attempts[0]!.failures) {
        if (f.requirements.length === 0 || f.requirements.includes(r.id)) {
          const failure: RequirementFailure = { check: c.id, message: f.message };
          if (f.expected !== undefined) failure.expected = f.expected;
          if (f.found !== undefined) failure.found = f.found;
          if (f.exchanges) failure.exchanges = f.exchanges;
          base.failures.push(failure);
        }
      }
    }
    const result: RequirementResult = { ...base, outcome };
    if (outcome === 'SKIP') result.reason = ran.map((c) => c.attempts[0]!.reason).filter(Boolean).join('; ') || 'skipped';
    if (outcome === 'INCONCLUSIVE') {
      const why = ran.map((c) => c.attempts[c.attempts.length - 1]!.reason).filter(Boolean);
      result.reason = why.length > 0 ? [...new Set(why)].join('; ') : 'a check stopped before deciding it';
    }
    return result;
  });

  const inScope = requirements.filter((r) => r.inScope);
  const must = inScope.filter((r) => r.level === 'MUST');
  const uncoveredMust = must.filter((r) => !r.covered).map((r) => r.id);
  const counted = must.filter((r) => r.covered && !(r.waiver && !r.waiver.expired));
  const reasons: string[] = [];
  const failing = counted.filter((r) => r.outcome === 'FAIL' || r.outcome === 'FLAKY');
  if (failing.length > 0) reasons.push(`${failing.length} MUST requirement(s) failed or flaky: ${failing.map((r) => r.id).join(', ')}`);
  const expired = waivers.filter((w) => w.expired);
  if (expired.length > 0) reasons.push(`expired waiver(s): ${expired.map((w) => `${w.requirement} (expired ${w.expires})`).join(', ')}`);
  const undecided = counted.filter((r) => r.outcome === 'INCONCLUSIVE');
  if (undecided.length > 0) reasons.push(`${undecided.length} MUST requirement(s) inconclusive: ${undecided.map((r) => r.id).join(', ')}`);
  const failOnUncovered = options.failOnUncovered ?? false;
  if (failOnUncovered && uncoveredMust.length > 0) reasons.push(`${uncoveredMust.length} MUST requirement(s) not covered by any check`);
  const verdict: Verdict = failing.length > 0 || expired.length > 0 ? 'FAIL' : reasons.length > 0 ? 'INCONCLUSIVE' : 'PASS';

  const durationMs = options.finishedAt.getTime() - options.startedAt.getTime();
  const ranChecks = options.checks.filter((c) => !c.deferred && c.outcome !== 'SKIP');
  const report: ConformanceReport = {
    $schema: REPORT_SCHEMA_ID,
    reportVersion: 1,
    tool: options.tool,
    target: options.target,
    scope: options.scope,
    seed: options.seed,
    startedAt: options.startedAt.toISOString(),
    finishedAt: options.finishedAt.toISOString(),
    durationMs,
    verdict,
    verdictReasons: reasons,
    summary: {
      checks: counts(options.checks.filter((c) => !c.deferred).map((c) => c.outcome)),
      requirements: counts(inScope.map((r) => r.outcome)),
      mustInScope: must.length,
      mustPassed: must.filter((r) => r.outcome === 'PASS').length,
      uncoveredMust: uncoveredMust.length,
      checksPerSecond: durationMs > 0 ? Math.round((ranChecks.length / durationMs) * 1000 * 10) / 10 : 0,
    },
    requirements,
    uncoveredMust,
    checks: options.checks,
    waivers,
    failOnUncovered,
  };
  if (options.shard) report.shard = options.shard;
  if (options.mergedFrom !== undefined) report.mergedFrom = options.mergedFrom;
  return report;
}

/** Process exit codes of `dvc-conformance`. */
export const EXIT_CODES = { pass: 0, fail: 1, inconclusive: 2, usage: 64, internal: 70 } as const;

export function exitCodeFor(verdict: Verdict): number {
  return verdict === 'PASS' ? EXIT_CODES.pass : verdict === 'FAIL' ? EXIT_CODES.fail : EXIT_CODES.inconclusive;
}
