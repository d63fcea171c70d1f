import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createTestPki, type TestParty, type TestPki } from '@dvc-kit/signature';
import { routeOrigin } from '../evidence.js';
import type { Scope } from '../scope.js';
import { LOOPBACK_PORTAL, portalCertificateNames, portalResolveRules, type PortalAddress } from './portal-address.js';
import { PortalSide } from './portal-side.js';
import { publicHostFor } from './public-host.js';
import { freePort, SystemProcess } from './system-process.js';
import { createTransportClient, type ResolveRule, type SuiteFetch, type TransportClient } from './transport-client.js';

/** Timing the checks work to: the suite cannot wait the standard's 15 minutes. */
export interface SuiteTiming {
  /** How long a status change may take to reach the portal in this run (default 30 s). */
  syncDeadlineMs: number;
  /** The simulated officials' step interval given to a started system. */
  stepIntervalMs: number;
}

/** How the run secures its connections (DVC-TLS-001..003). */
export interface RunTls {
  /**
   * `tls`: HTTPS end to end — the portal serves a certificate of the run's test PKI and,
   * with `--start`, so does the system, under its public host name. `plain-http`
   * (--plain-http): no TLS anywhere; the transport checks SKIP.
   */
  mode: 'tls' | 'plain-http';
  /** The system's public host name (the target's host). */
  publicHost: string;
  /** The certificate the portal serves (restored after a check swaps it). */
  portalCertificate?: TestParty;
  /**
   * The names the portal's certificate is issued for: loopback, the address it is bound to and
   * the host of its public URL (--portal-url). A certificate "for the portal's own name" needs them all.
   */
  portalNames: { dns: string[]; ip: string[] };
  /** The certificate issued to the system (its public host name and 127.0.0.1), when the suite made one. */
  systemCertificate?: TestParty;
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
  tls: RunTls;
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
  /** Share one served test PKI between runs (not closed here; `portalAddress.pki*` do not apply to it). */
  pki?: TestPki;
  /** Where the portal and the test PKI listen and the URLs the system is given (default: 127.0.0.1, free ports). */
  portalAddress?: PortalAddress;
  /** No TLS: the portal and a started system speak plain HTTP (the transport checks SKIP). */
  plainHttp?: boolean;
  /** The started system's public host name (default: derived from the agency code, see publicHostFor). */
  publicHost?: string;
  /** Extra trust anchors (PEM) for a deployed target (--ca); the system store and the run's test root are trusted anyway. */
  ca?: readonly string[];
  /** Fixed addresses for host names (--resolve), like curl's. */
  resolve?: readonly ResolveRule[];
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
 *
 * A TLS run (the default) issues certificates from the run's test PKI: the portal's for
 * 127.0.0.1 and localhost (and the host of --portal-url), and the system's for its public host name (e.g.
 * dichvucong.thanhhoa.gov.vn) and 127.0.0.1. The suite reaches a started system at
 * `https://<public host>:<port>`, resolving that name to 127.0.0.1 itself.
 */
export async function startEnvironment(options: StartEnvironmentOptions): Promise<RunningEnvironment> {
  const tls = !options.plainHttp;
  const port = options.start ? await freePort() : undefined;
  const publicHost = options.publicHost ?? (options.target ? new URL(options.target).hostname.replace(/^\[|\]$/g, '') : publicHostFor(options.agencyCode));
  // A target named by its address gets a certificate for that address.
  const systemNames = isIP(publicHost) ? { ip: [...new Set(['127.0.0.1', publicHost])] } : { dns: [publicHost], ip: ['127.0.0.1'] };
  const target = (options.target ?? (tls ? `https://${publicHost}:${port}` : `http://127.0.0.1:${port}`)).replace(/\/+$/, '');
  const ownDir = options.onboardingDir === undefined;
  const dir = options.onboardingDir ?? (await mkdtemp(join(tmpdir(), 'dvc-conformance-')));
  const address = options.portalAddress ?? LOOPBACK_PORTAL;
  const portalNames = portalCertificateNames(address);
  // Served, so that revocation checks by the system under test get real CRL/OCSP answers.
  const pki = options.pki ?? (await createTestPki({ serve: true, host: address.pkiListen.host, port: address.pkiListen.port, ...(address.pkiUrl ? { baseUrl: address.pkiUrl } : {}) }));
  let portal: PortalSide | undefined;
  let system: SystemProcess | undefined;
  let transport: TransportClient | undefined;
  const unroute: (() => void)[] = [];
  const cleanUp = async () => {
    await system?.stop();
    await portal?.close();
    for (const u of unroute) u();
    await transport?.close();
    if (!options.pki) await pki.close();
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };
  try {
    const [portalCertificate, systemCertificate] = tls
      ? await Promise.all([
          pki.issueEndEntity({ subject: { commonName: 'localhost', organization: 'dvc-kit conformance portal (test)' }, subjectAltNames: portalNames }),
          // Only a system the suite can hand certificates to: a started one, or one started with the onboarding files.
          pki.issueEndEntity({ subject: { commonName: publicHost, organization: 'System under conformance test' }, subjectAltNames: systemNames }),
        ])
      : [undefined, undefined];
    // The public host of a started system is not in DNS: resolve it here, like curl --resolve.
    const resolve = [...(options.resolve ?? []), ...(options.start && tls ? [{ host: publicHost, port: port!, address: '127.0.0.1' }] : []), ...portalResolveRules(address)];
    transport = createTransportClient({ ca: [...pki.trustAnchors, ...(options.ca ?? [])], resolve });
    unroute.push(routeOrigin(target, transport.dispatcher));
    // The plain-HTTP probe of DVC-TLS-001 goes to the same host and port.
    const plainTwin = new URL(target);
    if (plainTwin.protocol === 'https:') {
      plainTwin.protocol = 'http:';
      plainTwin.port = plainTwin.port || '443';
      unroute.push(routeOrigin(plainTwin.origin, transport.dispatcher));
    }
    portal = await PortalSide.start({
      seed: options.seed,
      agencyCode: options.agencyCode,
      callbackBaseUrl: target,
      binding: options.scope.binding,
      pki,
      listen: address.listen,
      ...(address.url ? { publicUrl: address.url } : {}),
      fetch: transport.fetch,
      ...(portalCertificate ? { tls: { cert: portalCertificate.chainPem, key: portalCertificate.privateKeyPem } } : {}),
    });
    unroute.push(routeOrigin(portal.url, transport.dispatcher));
    await mkdir(join(dir, 'data'), { recursive: true });
    const c = portal.credentials;
    await writeFile(join(dir, 'client-key.pem'), c.privateKeyPem ?? '', { mode: 0o600 });
    await writeFile(join(dir, 'client-cert.pem'), (c.chainPem ?? []).join('\n'));
    await writeFile(join(dir, 'trust-anchors.pem'), c.trustAnchorsPem.join('\n'));
    const tlsFiles: Record<string, string> = {};
    if (systemCertificate) {
      await writeFile(join(dir, 'tls-key.pem'), systemCertificate.privateKeyPem, { mode: 0o600 });
      await writeFile(join(dir, 'tls-cert.pem'), systemCertificate.chainPem.join('\n'));
      await writeFile(join(dir, 'portal-ca.pem'), pki.trustAnchors.join('\n'));
      Object.assign(tlsFiles, { DVC_TLS_CERT_FILE: join(dir, 'tls-cert.pem'), DVC_TLS_KEY_FILE: join(dir, 'tls-key.pem'), DVC_PORTAL_CA_FILE: join(dir, 'portal-ca.pem') });
    }
    const onboarding: Record<string, string> = {
      DVC_PORTAL_URL: portal.url,
      DVC_BINDING: options.scope.binding,
      DVC_CLIENT_ID: c.clientId,
      DVC_AGENCY_CODE: c.agencyCode,
      DVC_CLIENT_KEY_FILE: join(dir, 'client-key.pem'),
      DVC_CLIENT_CERT_FILE: join(dir, 'client-cert.pem'),
      DVC_TRUST_ANCHORS_FILE: join(dir, 'trust-anchors.pem'),
      DVC_DVCQG_USERNAME: c.dvcqgUsername,
      ...tlsFiles,
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
      await system.waitForHealth(target, options.healthTimeoutMs ?? 30_000, transport.fetch);
    }
    const runTls: RunTls = { mode: tls ? 'tls' : 'plain-http', publicHost, portalNames, ...(portalCertificate ? { portalCertificate } : {}), ...(systemCertificate ? { systemCertificate } : {}) };
    const env: SuiteEnv = { target, portal, scope: options.scope, timing: options.timing, fetch: transport.fetch, transport, tls: runTls };
    return {
      env,
      onboarding,
      ...(system ? { system } : {}),
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
