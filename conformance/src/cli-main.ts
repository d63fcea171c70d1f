import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BINDINGS, ONLINE_LEVELS, PROFILES, type Binding, type OnlineLevel, type Profile } from '@dvc-kit/spec';
import { attestReport, verifyAttestation } from './attest.js';
import { loadConfig, type RunConfig } from './config.js';
import { ConformanceError, UsageError } from './errors.js';
import { mergeReports } from './merge.js';
import { defaultProgressMode, progressPrinter, type ProgressMode } from './progress.js';
import { EXIT_CODES, exitCodeFor, type ConformanceReport } from './report.js';
import { REPORT_FORMATS, writeReports, type ReportFormat } from './report/write.js';
import { resolvePortalAddress } from './harness/portal-address.js';
import { parseResolveRule } from './harness/transport-client.js';
import { parseShard } from './shard.js';
import { runSuite } from './suite.js';
import { TOOL } from './version.js';
import { loadWaivers } from './waivers.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  isTTY?: boolean;
  cwd?: string;
}

/** Long enough to copy the onboarding variables and start a system by hand; CI starts it at once. */
export const DEFAULT_WAIT_FOR_SYSTEM_S = 300;

const EXITS = `Exit codes: 0 pass · 1 fail (a MUST failed or was flaky, or a waiver expired) · 2 inconclusive (a MUST could not be decided) · 64 usage error · 70 internal error.`;

const HELP: Record<string, string> = {
  main: `dvc-conformance ${TOOL.version} — conformance suite of the dvc-kit standard (Cổng Dịch vụ công quốc gia)

Usage: dvc-conformance <command> [options]

Commands:
  run       test a ministry or province system (both halves: it calls the system and is the portal the system calls)
  merge     merge the JSON reports of a sharded run (--shard i/n)
  attest    sign a JSON report as the certifier (@dvc-kit/signature)
  verify    verify a signed report offline; detects any change
  help      help for a command: dvc-conformance help run

${EXITS}
`,
  run: `Usage: dvc-conformance run (--start "<command>" | --target <url>) [options]

  --start <command>     start the system under test with this shell command, configured with the onboarding
                        variables (DVC_PORTAL_URL, DVC_CLIENT_ID, DVC_CLIENT_KEY_FILE, …); wait for /health; stop it after
  --target <url>        the system's base URL when it is already running (it must use the suite's portal)
  --profile <p>         ministry | province (default province)
  --online <level>      partial | full (default full)
  --binding <b>         rest | dvcqg: how the system talks to the portal (default rest)
  --agency-code <code>  the system's agency identifier code (default 000.00.00.H56)
  --out <dir>           where reports are written (default ./conformance-report)
  --format <list>       comma-separated: ${REPORT_FORMATS.join(',')} (default all)
  --config <file>       YAML or JSON settings (keys as the long options in camelCase); flags win
  --waivers <file>      YAML/JSON list of { requirement, reason, expires: YYYY-MM-DD }; an expired waiver fails the run
  --seed <n>            seed of generated data (printed; reuse it to reproduce a run)
  --shard <i/n>         run the i-th of n slices of the checks; combine with "dvc-conformance merge"
  --only <prefixes>     only checks whose id starts with one of these (comma-separated)
  --concurrency <n>     checks run at once (default 16)
  --no-rerun            do not re-run failures (no FLAKY detection)
  --fail-on-uncovered   MUST requirements no check covers make the run inconclusive
  --sync-deadline <ms>  how long a status change may take to reach the portal in this run (default 30000)
  --step-interval <ms>  DVC_STEP_INTERVAL_MS given to a started system (default 100)
  --progress <mode>     tty | plain | none (default: tty on a terminal, plain in CI)

Transport (DVC-TLS-001..003):
  --plain-http          no TLS: the portal and a started system speak plain HTTP; the transport checks SKIP.
                        Without it a run is HTTPS end to end: the suite's test PKI issues the portal's certificate
                        and, with --start, the system's (DVC_TLS_CERT_FILE, DVC_TLS_KEY_FILE; DVC_PORTAL_CA_FILE to
                        trust the portal) for its public host name, which the suite resolves to 127.0.0.1 itself
  --public-host <name>  the started system's public host name (default from the agency code's province,
                        e.g. dichvucong.thanhhoa.gov.vn for *.H56)
  --ca <pem-file>       trust these CAs too when calling --target (repeatable; the system store and the
                        run's test root are always trusted)
  --resolve <h:p:addr>  connect to addr for host h, port p (like curl --resolve; repeatable; p may be *)

The suite's portal, for a system on another machine:
  --portal-listen <addr>[:<port>]  where the portal binds (default 127.0.0.1, a free port), e.g. 0.0.0.0:8443
                        or [::]:8443; without a port: the port of --portal-url
  --portal-url <url>    the portal's URL as the system reaches it: DVC_PORTAL_URL, the token issuer, and a name
                        in the portal's certificate (DNS name or IP address, besides localhost/127.0.0.1),
                        e.g. https://conformance.example.gov.vn:8443 (http:// with --plain-http). A public host
                        needs a --portal-listen the system can reach (not 127.0.0.1); the suite reaches a public
                        host name itself at the listen address when the ports agree
  --pki-listen <addr>[:<port>]  where the run's test PKI (CRL, OCSP, timestamps) binds (default: the portal's
                        address; port: --pki-url's, else the portal's + 1 with --portal-url, else a free one)
  --pki-url <url>       the PKI's http:// URL as the system reaches it, written into every certificate's CRL and
                        OCSP addresses (default with --portal-url: http://<its host>:<PKI port>, e.g. :8444).
                        Open both ports to the system

Waiting for a --target system:
  --onboarding-dir <dir>    write the onboarding files (credentials, certificates, onboarding.env) here and keep them
  --wait-for-system <s>     after printing the onboarding variables, wait up to s seconds for the system to take a
                            token from the suite's portal and answer 200 on /health (default ${DEFAULT_WAIT_FOR_SYSTEM_S};
                            0 runs at once). A system not ready in time ends the run INCONCLUSIVE (exit 2)

${EXITS}
`,
  merge: `Usage: dvc-conformance merge <shard-report.json>... [--out <dir>] [--format <list>]

Combines the JSON reports of one sharded run (same target, scope, seed) and writes the merged reports.
${EXITS}
`,
  attest: `Usage: dvc-conformance attest <report.json> --key <private-key.pem> --cert <chain.pem> [--out <file>]

Signs the report (RFC 8785 canonical form, detached JWS with the certifier's x5c chain) and writes
<report>.attestation.json (or --out). Exit 0 when written.
`,
  verify: `Usage: dvc-conformance verify <report.json> --trust-anchors <roots.pem> [--attestation <file>] [--revocation off|soft-fail|hard-fail]

Verifies the attestation (default <report>.attestation.json) offline: the report's digest and the
signature with the certifier's chain to the trust anchors. Exit 0 valid, 1 invalid or tampered.
`,
};

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got "${value}".`);
  return value as T;
}

function integer(value: string | number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number ≥ 0; got "${value}".`);
  return n;
}

function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : value.split(',')).map((s) => s.trim()).filter(Boolean);
}

function formats(value: string[] | undefined): ReportFormat[] {
  if (!value) return [...REPORT_FORMATS];
  for (const f of value) if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format "${f}"; use ${REPORT_FORMATS.join(', ')}.`);
  return value as ReportFormat[];
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

function parse(args: string[], options: OptionSpec): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | string[] | undefined>, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readReport(path: string): Promise<ConformanceReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as ConformanceReport;
  } catch (error) {
    throw new ConformanceError('ERR_REPORT_INVALID', `${path} is not JSON: ${(error as Error).message}`);
  }
}

function summaryLine(report: ConformanceReport): string {
  const s = report.summary;
  return `${report.verdict}: MUST ${s.mustPassed}/${s.mustInScope} passed · checks ${s.checks.PASS} pass, ${s.checks.FAIL} fail, ${s.checks.WARN} warn, ${s.checks.SKIP} skip, ${s.checks.INCONCLUSIVE} inconclusive, ${s.checks.FLAKY} flaky · ${s.uncoveredMust} MUST not covered · ${(report.durationMs / 1000).toFixed(1)} s (${s.checksPerSecond} checks/s)`;
}

async function commandRun(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    start: { type: 'string' }, target: { type: 'string' }, profile: { type: 'string' }, online: { type: 'string' }, binding: { type: 'string' },
    'agency-code': { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, config: { type: 'string' }, waivers: { type: 'string' },
    seed: { type: 'string' }, shard: { type: 'string' }, only: { type: 'string' }, concurrency: { type: 'string' }, 'no-rerun': { type: 'boolean' },
    'fail-on-uncovered': { type: 'boolean' }, 'sync-deadline': { type: 'string' }, 'step-interval': { type: 'string' }, progress: { type: 'string' },
    'plain-http': { type: 'boolean' }, 'public-host': { type: 'string' }, ca: { type: 'string', multiple: true }, resolve: { type: 'string', multiple: true },
    'onboarding-dir': { type: 'string' }, 'wait-for-system': { type: 'string' },
    'portal-listen': { type: 'string' }, 'portal-url': { type: 'string' }, 'pki-listen': { type: 'string' }, 'pki-url': { type: 'string' },
  });
  if (values.help) {
    io.stdout(HELP.run!);
    return EXIT_CODES.pass;
  }
  const v = values as Record<string, string | boolean | undefined>;
  const config: RunConfig = typeof v.config === 'string' ? await loadConfig(v.config) : {};
  const pick = <K extends keyof RunConfig>(flag: string, key: K): RunConfig[K] | string | undefined => (typeof v[flag] === 'string' ? (v[flag] as string) : config[key]);
  const start = pick('start', 'start') as string | undefined;
  const target = pick('target', 'target') as string | undefined;
  if (!start && !target) throw new UsageError('run needs --start "<command>" (the suite starts the system) or --target <url> (a system already running). See dvc-conformance help run.');
  if (target !== undefined && !URL.canParse(target)) throw new UsageError(`--target must be a URL, got "${target}".`);
  const profile = oneOf(pick('profile', 'profile') as string | undefined, PROFILES, 'profile', 'province' as Profile);
  const online = oneOf(pick('online', 'online') as string | undefined, ONLINE_LEVELS, 'online', 'full' as OnlineLevel);
  const binding = oneOf(pick('binding', 'binding') as string | undefined, BINDINGS, 'binding', 'rest' as Binding);
  const seed = integer(pick('seed', 'seed') as string | number | undefined, 'seed') ?? Math.floor(Math.random() * 2 ** 31);
  const shardText = pick('shard', 'shard') as string | undefined;
  const shard = shardText ? parseShard(shardText) : undefined;
  const waiversPath = pick('waivers', 'waivers') as string | undefined;
  const waivers = waiversPath ? await loadWaivers(waiversPath) : undefined;
  const out = (pick('out', 'out') as string | undefined) ?? 'conformance-report';
  const fmts = formats(list(typeof v.format === 'string' ? v.format : config.formats));
  const progress: ProgressMode = v.progress === undefined ? defaultProgressMode({ isTTY: io.isTTY ?? false }, io.env) : oneOf(v.progress as string, ['tty', 'plain', 'none'] as const, 'progress', 'plain');
  const agencyCode = (pick('agency-code', 'agencyCode') as string | undefined) ?? '000.00.00.H56';
  const concurrency = integer(pick('concurrency', 'concurrency') as string | number | undefined, 'concurrency');
  const syncDeadlineMs = integer(pick('sync-deadline', 'syncDeadlineMs') as string | number | undefined, 'sync-deadline');
  const stepIntervalMs = integer(pick('step-interval', 'stepIntervalMs') as string | number | undefined, 'step-interval');
  const only = list(typeof v.only === 'string' ? v.only : config.only);
  const plainHttp = v['plain-http'] === true || config.plainHttp === true;
  const publicHost = pick('public-host', 'publicHost') as string | undefined;
  if (publicHost !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(publicHost)) throw new UsageError(`--public-host must be a DNS host name such as dichvucong.thanhhoa.gov.vn; got "${publicHost}".`);
  const caFiles = (values.ca as string[] | undefined) ?? config.ca;
  const ca = caFiles ? await readCertificates(caFiles) : undefined;
  const resolve = ((values.resolve as string[] | undefined) ?? config.resolve)?.map(parseResolveRule);
  const onboardingDir = pick('onboarding-dir', 'onboardingDir') as string | undefined;
  const portalAddress = resolvePortalAddress({
    portalListen: pick('portal-listen', 'portalListen') as string | undefined,
    portalUrl: pick('portal-url', 'portalUrl') as string | undefined,
    pkiListen: pick('pki-listen', 'pkiListen') as string | undefined,
    pkiUrl: pick('pki-url', 'pkiUrl') as string | undefined,
    plainHttp,
  });
  const waitForSystemS = start ? 0 : (integer(pick('wait-for-system', 'waitForSystemSeconds') as string | number | undefined, 'wait-for-system') ?? DEFAULT_WAIT_FOR_SYSTEM_S);

  io.stderr(`dvc-conformance ${TOOL.version}: ${profile}/${online}/${binding}, seed ${seed}${shard ? `, shard ${shard.index}/${shard.total}` : ''}\n`);
  const report = await runSuite({
    scope: { profile, online, binding },
    ...(start ? { start } : {}),
    ...(target ? { target } : {}),
    agencyCode,
    seed,
    ...(shard ? { shard } : {}),
    ...(only ? { only } : {}),
    ...(concurrency ? { concurrency } : {}),
    rerun: !(v['no-rerun'] === true || config.rerun === false),
    ...(waivers ? { waivers } : {}),
    failOnUncovered: v['fail-on-uncovered'] === true || config.failOnUncovered === true,
    timing: { ...(syncDeadlineMs ? { syncDeadlineMs } : {}), ...(stepIntervalMs ? { stepIntervalMs } : {}) },
    ...(config.healthTimeoutMs ? { healthTimeoutMs: config.healthTimeoutMs } : {}),
    ...(plainHttp ? { plainHttp } : {}),
    ...(publicHost ? { publicHost } : {}),
    ...(ca ? { ca } : {}),
    ...(resolve ? { resolve } : {}),
    portalAddress,
    ...(onboardingDir ? { onboardingDir } : {}),
    ...(waitForSystemS > 0 ? { waitForSystemMs: waitForSystemS * 1000 } : {}),
    onProgress: progressPrinter(progress, io.stderr),
    onOnboarding: (vars) => {
      if (start) return;
      io.stderr(`The suite's portal is at ${vars.DVC_PORTAL_URL}; configure the system with:\n${Object.entries(vars).map(([k, val]) => `  ${k}=${val}`).join('\n')}\n`);
      if (portalAddress.pkiUrl) io.stderr(`The system must also reach the run's test PKI (CRL, OCSP) at ${portalAddress.pkiUrl}.\n`);
      if (onboardingDir) io.stderr(`(also in ${onboardingDir}/onboarding.env; DVC_DVCQG_PASSWORD is not written there)\n`);
      if (waitForSystemS > 0) io.stderr(`Waiting up to ${waitForSystemS} s for the system to take a token from the portal and answer 200 on ${target}/health (--wait-for-system)…\n`);
    },
  });
  const written = await writeReports(report, out, fmts);
  io.stdout(`${summaryLine(report)}\n`);
  for (const reason of report.verdictReasons) io.stdout(`  - ${reason}\n`);
  io.stdout(`Reports: ${Object.values(written).join(', ')}\n`);
  return exitCodeFor(report.verdict);
}

async function readCertificates(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch((e: Error) => {
      throw new UsageError(`--ca: cannot read ${path}: ${e.message}`);
    });
    const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (pems.length === 0) throw new UsageError(`--ca: ${path} holds no PEM certificate.`);
    out.push(...pems);
  }
  return out;
}

async function commandMerge(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, format: { type: 'string' } });
  if (values.help) {
    io.stdout(HELP.merge!);
    return EXIT_CODES.pass;
  }
  if (positionals.length === 0) throw new UsageError('merge needs the JSON reports of the shards. See dvc-conformance help merge.');
  const reports = await Promise.all(positionals.map(readReport));
  const merged = mergeReports(reports);
  const written = await writeReports(merged, (values.out as string | undefined) ?? 'conformance-report', formats(list(values.format as string | undefined)));
  io.stdout(`${summaryLine(merged)}\n`);
  for (const reason of merged.verdictReasons) io.stdout(`  - ${reason}\n`);
  io.stdout(`Reports: ${Object.values(written).join(', ')}\n`);
  return exitCodeFor(merged.verdict);
}

async function commandAttest(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { key: { type: 'string' }, cert: { type: 'string' }, out: { type: 'string' } });
  if (values.help) {
    io.stdout(HELP.attest!);
    return EXIT_CODES.pass;
  }
  const [path] = positionals;
  if (!path || typeof values.key !== 'string' || typeof values.cert !== 'string') throw new UsageError('attest needs <report.json> --key <pem> --cert <chain.pem>. See dvc-conformance help attest.');
  const report = await readReport(path);
  const [keyPem, chainPem] = await Promise.all([readFile(values.key, 'utf8'), readFile(values.cert, 'utf8')]).catch((e: Error) => {
    throw new UsageError(`Cannot read the certifier's key or certificate: ${e.message}`);
  });
  const certificates = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) throw new UsageError(`${values.cert} holds no PEM certificate.`);
  const attestation = await attestReport(report as unknown as Record<string, unknown>, { privateKey: keyPem, certificates });
  const out = (values.out as string | undefined) ?? path.replace(/\.json$/, '') + '.attestation.json';
  await writeFile(out, `${JSON.stringify(attestation, null, 2)}\n`);
  io.stdout(`Signed ${path} (verdict ${report.verdict}, SHA-256 ${attestation.reportDigest}) → ${out}\n`);
  return EXIT_CODES.pass;
}

async function commandVerify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { attestation: { type: 'string' }, 'trust-anchors': { type: 'string' }, revocation: { type: 'string' } });
  if (values.help) {
    io.stdout(HELP.verify!);
    return EXIT_CODES.pass;
  }
  const [path] = positionals;
  const anchorsPath = values['trust-anchors'];
  if (!path || typeof anchorsPath !== 'string') throw new UsageError('verify needs <report.json> --trust-anchors <roots.pem>. See dvc-conformance help verify.');
  const report = await readReport(path);
  const attestationPath = (values.attestation as string | undefined) ?? path.replace(/\.json$/, '') + '.attestation.json';
  const attestation = JSON.parse(await readFile(attestationPath, 'utf8').catch((e: Error) => {
    throw new UsageError(`Cannot read the attestation ${attestationPath}: ${e.message}`);
  })) as unknown;
  const anchors = (await readFile(anchorsPath, 'utf8')).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (anchors.length === 0) throw new UsageError(`${anchorsPath} holds no PEM certificate.`);
  const revocation = oneOf(values.revocation as string | undefined, ['off', 'soft-fail', 'hard-fail'] as const, 'revocation', 'off');
  const result = await verifyAttestation(report, attestation, { trustAnchors: anchors, revocation });
  if (result.valid) {
    io.stdout(`VALID: ${path} was signed by ${result.signature.signer?.commonName ?? result.signature.chain[0]?.subject ?? 'the certifier'} and is unchanged (verdict ${report.verdict}).${revocation === 'off' ? ' Revocation not checked (offline).' : ''}\n`);
    return EXIT_CODES.pass;
  }
  io.stdout(`INVALID: ${path}\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  return EXIT_CODES.fail;
}

/** Runs the CLI and returns its exit code (never throws). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
        io.stdout(HELP.main!);
        return command === undefined ? EXIT_CODES.usage : EXIT_CODES.pass;
      case 'help': {
        const topic = rest[0] ?? 'main';
        if (!HELP[topic]) throw new UsageError(`No help for "${topic}". Commands: run, merge, attest, verify.`);
        io.stdout(HELP[topic]!);
        return EXIT_CODES.pass;
      }
      case '--version':
        io.stdout(`${TOOL.version}\n`);
        return EXIT_CODES.pass;
      case 'run':
        return await commandRun(rest, io);
      case 'merge':
        return await commandMerge(rest, io);
      case 'attest':
        return await commandAttest(rest, io);
      case 'verify':
        return await commandVerify(rest, io);
      default:
        throw new UsageError(`Unknown command "${command}". Commands: run, merge, attest, verify, help.`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dvc-conformance: ${error.message} [${error.code}]\n`);
      return EXIT_CODES.usage;
    }
    if (error instanceof ConformanceError && (error.code === 'ERR_MERGE_INCOMPATIBLE' || error.code === 'ERR_REPORT_INVALID' || error.code === 'ERR_ATTESTATION_INVALID')) {
      io.stderr(`dvc-conformance: ${error.message} [${error.code}]\n`);
      return EXIT_CODES.usage;
    }
    if (error instanceof ConformanceError && (error.code === 'ERR_SYSTEM_START_FAILED' || error.code === 'ERR_PORTAL_START_FAILED' || error.code === 'ERR_SYSTEM_NOT_READY')) {
      io.stderr(`dvc-conformance: ${error.message} [${error.code}]\n`);
      return EXIT_CODES.inconclusive;
    }
    io.stderr(`dvc-conformance: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT_CODES.internal;
  }
}
