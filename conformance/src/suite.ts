import { requirements as catalogue } from '@dvc-kit/spec';
import type { TestPki } from '@dvc-kit/signature';
import type { CheckDefinition } from './check.js';
import { allChecks } from './checks/index.js';
import { startEnvironment, type SuiteEnv, type SuiteTiming } from './harness/environment.js';
import type { PortalAddress } from './harness/portal-address.js';
import type { ResolveRule } from './harness/transport-client.js';
import { waitForSystem } from './harness/wait-for-system.js';
import { buildReport, type ConformanceReport } from './report.js';
import { runChecks, type CheckResult, type ProgressEvent } from './runner.js';
import { requirementsInScope, type Scope } from './scope.js';
import type { Shard } from './shard.js';
import { TargetUnreachableError } from './errors.js';
import { TOOL } from './version.js';
import type { Waiver } from './waivers.js';

export interface RunSuiteOptions {
  scope: Scope;
  /** Shell command that starts the system under test (configured by the onboarding variables). */
  start?: string;
  /** URL of a system already running against the suite's portal (without `start`). */
  target?: string;
  /** The system's agency identifier code (default 000.00.00.H56). */
  agencyCode?: string;
  seed?: number;
  shard?: Shard;
  only?: readonly string[];
  concurrency?: number;
  rerun?: boolean;
  waivers?: readonly Waiver[];
  failOnUncovered?: boolean;
  timing?: Partial<SuiteTiming>;
  healthTimeoutMs?: number;
  /** Extra environment for the started system. */
  extraEnv?: Record<string, string>;
  onProgress?: (event: ProgressEvent) => void;
  /** Called with the onboarding variables once the portal half is up. */
  onOnboarding?: (variables: Record<string, string>) => void;
  checks?: readonly CheckDefinition<SuiteEnv>[];
  /** Share one served test PKI between runs (tests, benchmarks); it is not closed. */
  pki?: TestPki;
  /** No TLS anywhere (--plain-http): the transport checks SKIP. */
  plainHttp?: boolean;
  /** The started system's public host name (--public-host). */
  publicHost?: string;
  /** Extra trust anchors, PEM (--ca). */
  ca?: readonly string[];
  /** Fixed addresses for host names (--resolve). */
  resolve?: readonly ResolveRule[];
  /** Where the portal and the test PKI listen, and their public URLs (--portal-listen, --portal-url, --pki-listen, --pki-url). */
  portalAddress?: PortalAddress;
  /** Where the onboarding files are written (--onboarding-dir); default a temp dir removed at the end. */
  onboardingDir?: string;
  /**
   * With `target`: after the onboarding variables are out, wait this long for the system to
   * take a token from the suite's portal and answer 200 on /health (--wait-for-system).
   */
  waitForSystemMs?: number;
}

export const DEFAULT_TIMING: SuiteTiming = { syncDeadlineMs: 30_000, stepIntervalMs: 25 };

/**
 * Runs the conformance suite: starts the portal half (and the system with `start`), runs
 * the checks of the scope, stops everything, and returns the report.
 */
export async function runSuite(options: RunSuiteOptions): Promise<ConformanceReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const timing: SuiteTiming = { ...DEFAULT_TIMING, ...options.timing };
  const checks = options.checks ?? allChecks;
  const inScope = new Set(requirementsInScope(catalogue, options.scope).map((r) => r.id));
  const startedAt = new Date();
  const environment = await startEnvironment({
    scope: options.scope,
    seed,
    agencyCode: options.agencyCode ?? '000.00.00.H56',
    timing,
    ...(options.start ? { start: options.start } : {}),
    ...(options.target ? { target: options.target } : {}),
    ...(options.healthTimeoutMs ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
    ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}),
    ...(options.pki ? { pki: options.pki } : {}),
    ...(options.plainHttp ? { plainHttp: true } : {}),
    ...(options.publicHost ? { publicHost: options.publicHost } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
    ...(options.portalAddress ? { portalAddress: options.portalAddress } : {}),
    ...(options.onboardingDir ? { onboardingDir: options.onboardingDir } : {}),
  });
  let results: CheckResult[];
  try {
    options.onOnboarding?.(environment.onboarding);
    if (!options.start && options.waitForSystemMs) await waitForSystem(environment.env, options.waitForSystemMs);
    results = await runChecks({
      checks,
      catalogue,
      inScope,
      scope: options.scope,
      env: environment.env,
      seed,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.rerun !== undefined ? { rerun: options.rerun } : {}),
      ...(options.shard ? { shard: options.shard } : {}),
      ...(options.only ? { only: options.only } : {}),
      preflight: async () => {
        // A loaded machine may be slow to answer: three tries before calling the target unreachable.
        let last: unknown;
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            const res = await environment.env.fetch(`${environment.env.target}/health`, { signal: AbortSignal.timeout(10_000) });
            await res.arrayBuffer();
            return;
          } catch (error) {
            last = error;
          }
        }
        throw new TargetUnreachableError(environment.env.target, last);
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    await environment.close();
  }
  // Checks of other shards are listed as deferred so that the merge knows the whole suite.
  if (options.shard) {
    const ran = new Map(results.map((r) => [r.id, r]));
    results = checks.map((c, i) =>
      ran.get(c.id) ??
      ({ id: c.id, title: c.title, area: c.area, requirements: [...c.requirements], outcome: 'SKIP', durationMs: 0, deferred: true, attempts: [{ outcome: 'SKIP', durationMs: 0, failures: [], passedAssertions: 0, failedRequirements: [], reason: `runs in shard ${(i % options.shard!.total) + 1}/${options.shard!.total}`, stoppedEarly: false, notes: [], evidence: [] }] } satisfies CheckResult),
    );
  }
  return buildReport({
    catalogue,
    inScope,
    scope: options.scope,
    checks: results,
    target: { url: environment.env.target, ...(options.start ? { name: options.start } : {}) },
    tool: { ...TOOL },
    seed,
    ...(options.shard ? { shard: options.shard } : {}),
    startedAt,
    finishedAt: new Date(),
    ...(options.waivers ? { waivers: options.waivers } : {}),
    ...(options.failOnUncovered !== undefined ? { failOnUncovered: options.failOnUncovered } : {}),
  });
}
