import { performance } from 'node:perf_hooks';
import type { Requirement } from '@dvc-kit/spec';
import {
  CheckFailure,
  CheckInconclusive,
  CheckSkipped,
  show,
  type AssertionDetails,
  type CheckContext,
  type CheckDefinition,
  type Finding,
} from './check.js';
import { TargetUnreachableError } from './errors.js';
import { EvidenceRecorder, type HttpExchange, type HttpResponse } from './evidence.js';
import type { Outcome } from './outcome.js';
import { createRandom, hashSeed } from './random.js';
import { redactText } from './redact.js';
import type { Scope } from './scope.js';
import type { Shard } from './shard.js';
import { inShard } from './shard.js';

/** One try of a check. */
export interface CheckAttempt {
  outcome: Outcome;
  durationMs: number;
  /** Failed findings (passed ones are counted, not kept). */
  failures: Finding[];
  passedAssertions: number;
  /** Requirement IDs with a failed finding in this attempt. */
  failedRequirements: string[];
  /** Why the check was skipped or inconclusive, or the error that ended it. */
  reason?: string;
  /** The check stopped at a failed `require` (its other requirements were not all decided). */
  stoppedEarly: boolean;
  notes: string[];
  evidence: HttpExchange[];
}

export interface CheckResult {
  id: string;
  title: string;
  area: string;
  requirements: string[];
  outcome: Outcome;
  /** Every attempt, first one first; a second means the first did not pass and was re-run. */
  attempts: CheckAttempt[];
  durationMs: number;
  /** Not run here because it belongs to another shard (`--shard`). */
  deferred?: boolean;
  /** Skipped because it does not apply to the profile, online level or binding: it covers nothing in this scope. */
  notApplicable?: boolean;
}

export type ProgressEvent =
  | { type: 'start'; total: number }
  | { type: 'check'; result: CheckResult; done: number; total: number };

export interface RunChecksOptions<Env> {
  checks: readonly CheckDefinition<Env>[];
  catalogue: readonly Requirement[];
  /** Requirement IDs in scope (see requirementsInScope). */
  inScope: ReadonlySet<string>;
  scope: Scope;
  /** The harness given to every check. */
  env: Env;
  seed: number;
  /** Checks run at once (default {@link DEFAULT_CONCURRENCY}); exclusive checks always run alone. */
  concurrency?: number;
  /** Re-run checks that did not pass once; a different outcome makes them FLAKY (default true). */
  rerun?: boolean;
  shard?: Shard;
  /** Only checks whose id starts with one of these. */
  only?: readonly string[];
  /** Run before the checks; throwing TargetUnreachableError makes every check INCONCLUSIVE. */
  preflight?: () => Promise<void>;
  onProgress?: (event: ProgressEvent) => void;
}

function applies<Env>(check: CheckDefinition<Env>, scope: Scope, inScope: ReadonlySet<string>): string | undefined {
  if (check.profiles && !check.profiles.includes(scope.profile)) return `not in the ${scope.profile} profile`;
  if (check.online && !check.online.includes(scope.online)) return `not for online level ${scope.online}`;
  if (check.bindings && !check.bindings.includes(scope.binding)) return `not for the ${scope.binding} binding`;
  if (!check.requirements.some((id) => inScope.has(id))) return `none of its requirements (${check.requirements.join(', ')}) is in scope`;
  return undefined;
}

function finding(details: AssertionDetails, passed: boolean): Finding {
  const f: Finding = { requirements: details.requirements ?? [], passed, message: details.message };
  if (details.expected !== undefined) f.expected = redactText(show(details.expected));
  if (details.found !== undefined) f.found = redactText(show(details.found));
  const responses = details.response === undefined ? [] : Array.isArray(details.response) ? details.response : [details.response];
  const ids = [...responses.map((r: HttpResponse) => r.exchange.id), ...(details.evidence ?? [])];
  if (ids.length > 0) f.exchanges = ids;
  return f;
}

function attemptOutcome(failures: Finding[], check: CheckDefinition<unknown>, catalogue: readonly Requirement[], inScope: ReadonlySet<string>): { outcome: Outcome; failed: string[] } {
  const failed = new Set<string>();
  for (const f of failures) for (const id of f.requirements.length > 0 ? f.requirements : check.requirements) if (inScope.has(id)) failed.add(id);
  if (failed.size === 0) return { outcome: failures.length > 0 ? 'FAIL' : 'PASS', failed: [] };
  const anyMust = [...failed].some((id) => catalogue.find((r) => r.id === id)?.level === 'MUST');
  return { outcome: anyMust ? 'FAIL' : 'WARN', failed: [...failed] };
}

async function runOnce<Env>(check: CheckDefinition<Env>, options: RunChecksOptions<Env>, attempt: number, release: () => void = () => {}): Promise<CheckAttempt> {
  const recorder = new EvidenceRecorder();
  const findings: Finding[] = [];
  const notes: string[] = [];
  const controller = new AbortController();
  const started = performance.now();
  let stoppedEarly = false;
  let reason: string | undefined;
  let forced: Outcome | undefined;
  const ctx: CheckContext<Env> = {
    checkId: check.id,
    env: options.env,
    random: createRandom(hashSeed(options.seed, check.id, attempt)),
    signal: controller.signal,
    send: (o) => recorder.send({ ...o, signal: o.signal ?? controller.signal }),
    verify(condition, details) {
      findings.push(finding(details, condition));
      return condition;
    },
    require(condition, details) {
      const f = finding(details, condition);
      findings.push(f);
      if (!condition) throw new CheckFailure(f);
    },
    skip(why) {
      throw new CheckSkipped(why);
    },
    inconclusive(why) {
      throw new CheckInconclusive(why);
    },
    note(message) {
      notes.push(redactText(message));
    },
    observe: (request) => recorder.observe(request),
    release,
  };
  const timeoutMs = check.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new CheckInconclusive(`the check did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
  } catch (error) {
    if (error instanceof CheckFailure) stoppedEarly = true;
    else if (error instanceof CheckSkipped) {
      forced = 'SKIP';
      reason = error.message;
    } else if (error instanceof CheckInconclusive || error instanceof TargetUnreachableError) {
      forced = 'INCONCLUSIVE';
      reason = redactText(error.message);
    } else {
      // A bug in a check or the harness is never the system's failure, and never a pass.
      forced = 'INCONCLUSIVE';
      reason = redactText(`the check raised an unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  const failures = findings.filter((f) => !f.passed);
  const { outcome: judged, failed } = attemptOutcome(failures, check as CheckDefinition<unknown>, options.catalogue, options.inScope);
  let outcome = judged;
  if (check.counterpart && (judged === 'FAIL' || judged === 'WARN')) {
    outcome = 'INCONCLUSIVE';
    reason ??= `the suite's own portal (the counterpart) did not hold: ${failures.map((f) => f.message).join('; ')}`;
  }
  const result: CheckAttempt = {
    // A failure found before the check was cut short still counts.
    outcome: forced === 'INCONCLUSIVE' && outcome !== 'PASS' ? outcome : (forced ?? outcome),
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    failures,
    passedAssertions: findings.length - failures.length,
    failedRequirements: failed,
    stoppedEarly,
    notes,
    evidence: recorder.exchanges,
  };
  if (reason !== undefined) result.reason = reason;
  return result;
}

/** `release` ends what a check holds (the system alone, no pause) early; `beforeRerun` holds a rerun until it may hold it again. */
interface Exclusivity {
  release(): void;
  beforeRerun(): Promise<void>;
}

async function runCheck<Env>(check: CheckDefinition<Env>, options: RunChecksOptions<Env>, unreachable: string | undefined, exclusivity?: Exclusivity): Promise<CheckResult> {
  const base = { id: check.id, title: check.title, area: check.area, requirements: [...check.requirements] };
  const skipReason = applies(check, options.scope, options.inScope);
  const trivial = (outcome: Outcome, reason: string): CheckResult => ({
    ...base,
    outcome,
    durationMs: 0,
    attempts: [{ outcome, durationMs: 0, failures: [], passedAssertions: 0, failedRequirements: [], reason, stoppedEarly: false, notes: [], evidence: [] }],
  });
  if (skipReason) return { ...trivial('SKIP', skipReason), notApplicable: true };
  if (unreachable) return trivial('INCONCLUSIVE', unreachable);
  const attempts = [await runOnce(check, options, 0, exclusivity?.release)];
  const first = attempts[0]!;
  let outcome = first.outcome;
  if ((options.rerun ?? true) && (outcome === 'FAIL' || outcome === 'WARN' || outcome === 'INCONCLUSIVE')) {
    await exclusivity?.beforeRerun();
    const second = await runOnce(check, options, 1);
    attempts.push(second);
    if (second.outcome !== first.outcome) outcome = 'FLAKY';
  }
  return { ...base, outcome, attempts, durationMs: attempts.reduce((s, a) => s + a.durationMs, 0) };
}

/**
 * Checks run at once by default. Most of a check's time is spent waiting for the system (its
 * answers, its pushes to the portal), not computing, so the run gains up to this many at once.
 */
export const DEFAULT_CONCURRENCY = 16;

/**
 * The order checks start in (indexes into `checks`): exclusive `'first'` checks one by one
 * (`first`); then, side by side (`parallel`), those a pause would distort, the checks that
 * pause the system (they wait for the former, see runChecks), and the others, the longest
 * first (`expectedMs`) so the run ends about when its slowest check does; ties keep the
 * list's order, so a seed gives the same run. The other exclusive checks run one by one after
 * all the others (`serial`).
 */
export function runOrder(checks: readonly Pick<CheckDefinition<unknown>, 'exclusive' | 'expectedMs' | 'pausesSystem' | 'pauseSensitive'>[]): { first: number[]; parallel: number[]; serial: number[] } {
  const indexes = [...checks.keys()];
  const rank = (i: number) => (checks[i]!.pauseSensitive ? 2 : checks[i]!.pausesSystem ? 1 : 0);
  const parallel = indexes
    .filter((i) => !checks[i]!.exclusive)
    .sort((a, b) => rank(b) - rank(a) || (checks[b]!.expectedMs ?? 0) - (checks[a]!.expectedMs ?? 0) || a - b);
  return { first: indexes.filter((i) => checks[i]!.exclusive === 'first'), parallel, serial: indexes.filter((i) => checks[i]!.exclusive === true) };
}

/** Runs the checks (those of the shard, when given) with bounded concurrency. */
export async function runChecks<Env>(options: RunChecksOptions<Env>): Promise<CheckResult[]> {
  const selected = options.checks.filter(
    (c, index) => (!options.shard || inShard(index, options.shard)) && (!options.only || options.only.some((p) => c.id.startsWith(p))),
  );
  let unreachable: string | undefined;
  if (options.preflight) {
    try {
      await options.preflight();
    } catch (error) {
      if (error instanceof TargetUnreachableError) unreachable = redactText(error.message);
      else throw error;
    }
  }
  options.onProgress?.({ type: 'start', total: selected.length });
  const results: CheckResult[] = new Array(selected.length);
  let done = 0;
  const runAt = async (index: number, exclusivity?: Exclusivity): Promise<void> => {
    const result = await runCheck(selected[index]!, options, unreachable, exclusivity);
    results[index] = result;
    done++;
    options.onProgress?.({ type: 'check', result, done, total: selected.length });
  };
  const { first, parallel, serial } = runOrder(selected);
  // A 'first' check runs alone until it releases the system; a rerun of it waits for the side-by-side checks.
  let parallelEnded!: () => void;
  const parallelDone = new Promise<void>((r) => (parallelEnded = r));
  const firstRuns: Promise<void>[] = [];
  for (const index of first) {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    firstRuns.push(runAt(index, { release, beforeRerun: () => parallelDone }).finally(release));
    await released;
  }
  // The checks a pausing one waits for (they time the system's calls to the portal) until they
  // release it; a rerun of one waits until the pausing checks have ended.
  const countdown = (n: number) => {
    let ended!: () => void;
    const done = n === 0 ? Promise.resolve() : new Promise<void>((r) => (ended = r));
    return { done, tick: () => void (--n === 0 && ended()) };
  };
  const sensitive = countdown(parallel.filter((i) => selected[i]!.pauseSensitive).length);
  const pausing = countdown(parallel.filter((i) => selected[i]!.pausesSystem).length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < parallel.length) {
      const index = parallel[next++]!;
      const check = selected[index]!;
      if (check.pausesSystem) await sensitive.done;
      if (check.pauseSensitive) {
        let held = true;
        const release = () => void (held && ((held = false), sensitive.tick()));
        await runAt(index, { release, beforeRerun: () => pausing.done }).finally(release);
      } else {
        await runAt(index);
      }
      if (check.pausesSystem) pausing.tick();
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, parallel.length || 1));
  await Promise.all(Array.from({ length: concurrency }, worker));
  parallelEnded();
  await Promise.all(firstRuns);
  for (const index of serial) await runAt(index);
  return results;
}
