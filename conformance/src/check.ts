import type { Binding, OnlineLevel, Profile, RequirementArea } from '@dvc-kit/spec';
import { ConformanceError } from './errors.js';
import type { HttpExchange, HttpResponse, SendOptions } from './evidence.js';
import type { Random } from './random.js';

/** One assertion a check made: what it expected, what it found, and which requirements it speaks for. */
export interface Finding {
  /** Requirement IDs this finding decides; empty means every requirement of the check. */
  requirements: string[];
  passed: boolean;
  message: string;
  expected?: string;
  found?: string;
  /** IDs of the HTTP exchanges (in the check's evidence) that show it. */
  exchanges?: number[];
}

export interface AssertionDetails {
  /** Requirement IDs this assertion decides (default: all of the check's). */
  requirements?: string[];
  message: string;
  expected?: unknown;
  found?: unknown;
  /** The response that shows it; its exchange is linked from the finding. */
  response?: HttpResponse | HttpResponse[];
  /** Ids of observed exchanges (from `ctx.observe`) that show it. */
  evidence?: number[];
}

/** What a check can use while it runs. `Env` is what the harness provides (the portal side, the target). */
export interface CheckContext<Env = unknown> {
  readonly checkId: string;
  readonly env: Env;
  /** Seeded per check, so a run with the same `--seed` makes the same data. */
  readonly random: Random;
  readonly signal: AbortSignal;
  /** Sends an HTTP request and records it as evidence. */
  send(options: SendOptions): Promise<HttpResponse>;
  /** Records a soft assertion; the check goes on either way. Returns the condition. */
  verify(condition: boolean, details: AssertionDetails): boolean;
  /** Records an assertion and stops the check when it does not hold. */
  require(condition: boolean, details: AssertionDetails): asserts condition;
  /** The check does not apply to this system (e.g. an optional feature is absent). */
  skip(reason: string): never;
  /** The check could not decide (e.g. a precondition outside the requirement failed). */
  inconclusive(reason: string): never;
  /** A line for the check's log in the report. */
  note(message: string): void;
  /** Adds a request the system sent to the suite's portal to the evidence; returns its id. */
  observe(request: Parameters<import('./evidence.js').EvidenceRecorder['observe']>[0]): number;
  /**
   * Ends early what the check holds: an `exclusive: 'first'` check, the system to itself (the
   * other checks start while it finishes); a `pauseSensitive` one, the hold on the checks that
   * pause the system. A no-op for any other check.
   */
  release(): void;
}

export interface CheckDefinition<Env = unknown> {
  /** Stable ID, `<area>.<what-it-checks>`, e.g. `lookup-public.no-personal-data`. */
  id: string;
  title: string;
  area: RequirementArea;
  /** The requirement IDs this check verifies (at least one). */
  requirements: string[];
  /** Limit the check to these profiles, online levels or bindings (default: all). */
  profiles?: Profile[];
  online?: OnlineLevel[];
  bindings?: Binding[];
  /** Abort after this long; default 120 s. */
  timeoutMs?: number;
  /**
   * How long the check typically takes alone (ms, measured): the runner starts the longest
   * first, so that a run lasts about as long as its slowest check rather than longer.
   */
  expectedMs?: number;
  /**
   * Runs alone (it changes shared state: the portal's certificate, a rate limit it exhausts):
   * `true` after every other check; `'first'` before them, which start as soon as it calls
   * `ctx.release()` (or ends). A rerun of a `'first'` check waits until the others
   * have ended.
   */
  exclusive?: boolean | 'first';
  /**
   * Makes the system hold back its calls to the portal for a while (a 429's Retry-After). It
   * starts once every `pauseSensitive` check has ended; the others run beside it (a scenario
   * whose push it delays is only later, well within the sync deadline).
   */
  pausesSystem?: boolean;
  /**
   * Measures when the system calls the portal (the spacing of its retries), which a pause
   * would distort: it starts first, and no `pausesSystem` check overlaps it until it ends or
   * calls `ctx.release()`; its rerun waits until the pausing checks have ended.
   */
  pauseSensitive?: boolean;
  /**
   * Verifies the suite's own portal (a requirement whose subject is the national portal).
   * When it does not hold, the system under test is not at fault: the outcome is
   * INCONCLUSIVE, never FAIL.
   */
  counterpart?: boolean;
  run(ctx: CheckContext<Env>): Promise<void>;
}

const CHECK_ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const REQUIREMENT_ID = /^DVC-[A-Z]+-\d{3}$/;

/**
 * Declares a check. Validates its shape at once so a typo in a requirement ID is a
 * load-time error, not a silently uncovered requirement.
 *
 * @example
 * export const publicLookupMinimal = defineCheck({
 *   id: 'lookup-public.minimal-answer', title: 'Public lookup shows code and status only',
 *   area: 'lookup-public', requirements: ['DVC-LKP-002'],
 *   run: async (ctx) => { … },
 * });
 */
export function defineCheck<Env = unknown>(definition: CheckDefinition<Env>): CheckDefinition<Env> {
  if (!CHECK_ID.test(definition.id)) {
    throw new ConformanceError('ERR_CHECK_DEFINITION', `Check id "${definition.id}" must look like "<area>.<name>" in lower-case kebab case.`);
  }
  if (definition.requirements.length === 0) {
    throw new ConformanceError('ERR_CHECK_DEFINITION', `Check ${definition.id} names no requirement; every check verifies at least one.`);
  }
  for (const id of definition.requirements) {
    if (!REQUIREMENT_ID.test(id)) {
      throw new ConformanceError('ERR_CHECK_DEFINITION', `Check ${definition.id} names "${id}", which is not a requirement ID (DVC-<AREA>-<nnn>).`);
    }
  }
  return Object.freeze({ ...definition });
}

/** Thrown by `require` when an assertion fails: ends the check with its findings. */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
  constructor(readonly finding: Finding) {
    super(finding.message);
  }
}

export class CheckSkipped extends Error {
  override readonly name = 'CheckSkipped';
}

export class CheckInconclusive extends Error {
  override readonly name = 'CheckInconclusive';
}

/** Shows a value in `expected` / `found` without dumping huge objects. */
export function show(value: unknown, max = 600): string {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…` : value;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export type { HttpExchange };
