import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestPki } from '@dvc-kit/signature';
import type { Scope } from '../scope.js';
import { PortalSide } from './portal-side.js';
import { freePort, SystemProcess } from './system-process.js';
import { createTransportClient, type SuiteFetch, type TransportClient } from './transport-client.js';

/** Timing the checks work to: the suite cannot wait the standard's 15 minutes. */
export interface SuiteTiming {
  /** How long a status change may take to reach the portal in this run (default 30 s). */
  syncDeadlineMs: number;
  /** The simulated officials' step interval given to a started system. */
  stepIntervalMs: number;
}

/** What every check gets as `ctx.env`. */
export interface SuiteEnv {
  /** Base URL of the system under test (agency-system.yaml). */
  target: string;
  portal: PortalSide;
  scope: Scope;
  timing: SuiteTiming;
  /**
   * undici fetch bound to the run's dispatcher (trusts the run's CA, resolves the system's
   * public host name). Use it for every request that is not evidence; never the global fetch.
   */
  fetch: SuiteFetch;
  /** The run's HTTP client (dispatcher, trust anchors, name resolution). */
  transport: TransportClient;
}

export interface StartEnvironmentOptions {
  scope: Scope;
  seed: number;
  agencyCode: string;
  /** Start the system with this shell command, configured by the onboarding variables. */
  start?: string;
  /** The system's URL when it is already running (then it must already use the suite's portal). */
  target?: string;
  timing: SuiteTiming;
  healthTimeoutMs?: number;
  /** Extra variables for the started system (e.g. DVC_MUTANT in the suite's own tests). */
  extraEnv?: Record<string, string>;
  /** Where to write the onboarding files (default: a temp dir, removed at the end). */
  onboardingDir?: string;
  /** Share one served test PKI between runs (not closed here). */
  pki?: TestPki;
}

export interface RunningEnvironment {
  env: SuiteEnv;
  /** The onboarding contract as handed to the system (secrets are in files, not here). */
  onboarding: Record<string, string>;
  system?: SystemProcess;
  close(): Promise<void>;
}

/**
 * Starts the portal half, registers the system under test, writes its credentials as the
 * onboarding contract says (PEM files + environment variables) and, with `start`, starts
 * the system with them and waits for its health endpoint.
 */
export async function startEnvironment(options: StartEnvironmentOptions): Promise<RunningEnvironment> {
  const port = options.start ? await freePort() : undefined;
  const target = (options.target ?? `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  const portal = await PortalSide.start({ seed: options.seed, agencyCode: options.agencyCode, callbackBaseUrl: target, binding: options.scope.binding, ...(options.pki ? { pki: options.pki } : {}) });
  const ownDir = options.onboardingDir === undefined;
  const dir = options.onboardingDir ?? (await mkdtemp(join(tmpdir(), 'dvc-conformance-')));
  let system: SystemProcess | undefined;
  const transport = createTransportClient();
  try {
    await mkdir(join(dir, 'data'), { recursive: true });
    const c = portal.credentials;
    await writeFile(join(dir, 'client-key.pem'), c.privateKeyPem ?? '', { mode: 0o600 });
    await writeFile(join(dir, 'client-cert.pem'), (c.chainPem ?? []).join('\n'));
    await writeFile(join(dir, 'trust-anchors.pem'), c.trustAnchorsPem.join('\n'));
    const onboarding: Record<string, string> = {
      DVC_PORTAL_URL: portal.url,
      DVC_BINDING: options.scope.binding,
      DVC_CLIENT_ID: c.clientId,
      DVC_AGENCY_CODE: c.agencyCode,
      DVC_CLIENT_KEY_FILE: join(dir, 'client-key.pem'),
      DVC_CLIENT_CERT_FILE: join(dir, 'client-cert.pem'),
      DVC_TRUST_ANCHORS_FILE: join(dir, 'trust-anchors.pem'),
      DVC_DVCQG_USERNAME: c.dvcqgUsername,
      HOST: '127.0.0.1',
      ...(port !== undefined ? { PORT: String(port) } : {}),
      DVC_DATA_DIR: join(dir, 'data'),
      DVC_PUBLIC_URL: target,
      DVC_STEP_INTERVAL_MS: String(options.timing.stepIntervalMs),
    };
    const secrets = { DVC_DVCQG_PASSWORD: c.dvcqgPassword };
    await writeFile(join(dir, 'onboarding.env'), Object.entries(onboarding).map(([k, v]) => `${k}=${v}`).join('\n') + '\n# DVC_DVCQG_PASSWORD is handed over separately\n');
    if (options.start) {
      system = SystemProcess.start(options.start, { ...onboarding, ...secrets, ...options.extraEnv });
      await system.waitForHealth(target, options.healthTimeoutMs ?? 30_000);
    }
    return {
      env: { target, portal, scope: options.scope, timing: options.timing, fetch: transport.fetch, transport },
      onboarding,
      ...(system ? { system } : {}),
      async close() {
        await system?.stop();
        await portal.close();
        await transport.close();
        if (ownDir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await system?.stop();
    await portal.close();
    await transport.close();
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
