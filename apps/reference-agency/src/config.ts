import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { resolve } from 'node:path';
import { parseAgencyCode } from '@dvc-kit/validators';
import { ConfigError } from './errors.js';
import { readMutant, type Mutant } from './mutants.js';

export type Binding = 'rest' | 'dvcqg';
export type RevocationMode = 'hard-fail' | 'soft-fail' | 'off';

/** The system's settings, read only from the onboarding contract's environment variables. */
export interface AgencyConfig {
  /** National portal base URL (`DVC_PORTAL_URL`), without a trailing slash. */
  portalUrl: string;
  binding: Binding;
  clientId: string;
  /** The system's agency identifier code (`DVC_AGENCY_CODE`). */
  agencyCode: string;
  /** PEM private key: signs client assertions and X-DVC-Signature. */
  clientKeyPem: string;
  /** PEM certificates, leaf first. */
  clientCertificates: string[];
  /** PEM roots that the portal's X-DVC-Signature must chain to. */
  trustAnchors: string[];
  dvcqg?: { username: string; password: string };
  host: string;
  port: number;
  dataDir: string;
  /** The system's own base URL; when DVC_PUBLIC_URL is unset, the address it listens on. */
  publicUrl: string;
  /** Whether DVC_PUBLIC_URL was given (else publicUrl follows the listening address). */
  publicUrlGiven: boolean;
  /** Time between two steps of the simulated officials. */
  stepIntervalMs: number;
  /** How long the officials wait for a requested supplement before stopping processing (status 8). */
  supplementDeadlineMs: number;
  revocationMode: RevocationMode;
  /** How long CRL and OCSP answers are reused (0: fetched for every request). */
  revocationCacheMs: number;
  /** Public lookups allowed per client IP per minute. */
  publicLookupsPerMinute: number;
  /** PEM certificate chain and key to serve HTTPS (TLS 1.2 or later); plain HTTP without them. */
  tls?: { certificatePem: string; keyPem: string };
  /** PEM CA certificates trusted for the portal's TLS (DVC_PORTAL_CA_FILE); the system's CA list when unset. */
  portalCaPem?: string[];
  mutant: Mutant;
}

type Env = Record<string, string | undefined>;

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function required(env: Env, name: string): string {
  const v = env[name]?.trim();
  if (!v) throw new ConfigError(name, 'is required (see the onboarding contract in the README)');
  return v;
}

function readPemFile(env: Env, name: string): string {
  const path = required(env, name);
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(name, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { cause });
  }
}

function certificates(env: Env, name: string): string[] {
  const certs = readPemFile(env, name).match(PEM_CERT) ?? [];
  if (certs.length === 0) throw new ConfigError(name, 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  return certs;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function url(env: Env, name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch (cause) {
    throw new ConfigError(name, `is not a URL: "${value}"`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(name, `must be an http(s) URL, got ${parsed.protocol}`);
  return value.replace(/\/+$/, '');
}

/**
 * DVC_TLS_CERT_FILE and DVC_TLS_KEY_FILE: both or neither (DVC-TLS-001). The pair is loaded
 * once here, so a key that does not match its certificate stops the system at start.
 */
function serverTls(env: Env): AgencyConfig['tls'] {
  const cert = env.DVC_TLS_CERT_FILE?.trim();
  const key = env.DVC_TLS_KEY_FILE?.trim();
  if (!cert && !key) return undefined;
  if (!key) throw new ConfigError('DVC_TLS_KEY_FILE', 'is required when DVC_TLS_CERT_FILE is set (the private key of the HTTPS certificate)');
  if (!cert) throw new ConfigError('DVC_TLS_CERT_FILE', 'is required when DVC_TLS_KEY_FILE is set (the HTTPS certificate chain, leaf first)');
  certificates(env, 'DVC_TLS_CERT_FILE');
  const certificatePem = readPemFile(env, 'DVC_TLS_CERT_FILE');
  const keyPem = readPemFile(env, 'DVC_TLS_KEY_FILE');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem)) throw new ConfigError('DVC_TLS_KEY_FILE', 'holds no PEM private key');
  try {
    createSecureContext({ cert: certificatePem, key: keyPem });
  } catch (cause) {
    throw new ConfigError('DVC_TLS_KEY_FILE', `cannot be used with the certificate of DVC_TLS_CERT_FILE: ${(cause as Error).message}`, { cause });
  }
  return { certificatePem, keyPem };
}

/**
 * Reads the configuration from environment variables (the onboarding contract).
 * Throws {@link ConfigError} naming the variable when one is missing or malformed.
 */
export function loadConfig(env: Env = process.env): AgencyConfig {
  const portalUrl = url(env, 'DVC_PORTAL_URL', required(env, 'DVC_PORTAL_URL'));
  const binding = (env.DVC_BINDING?.trim() || 'rest') as Binding;
  if (binding !== 'rest' && binding !== 'dvcqg') throw new ConfigError('DVC_BINDING', `must be "rest" or "dvcqg", got "${binding}"`);
  const clientId = required(env, 'DVC_CLIENT_ID');
  const agencyCode = required(env, 'DVC_AGENCY_CODE');
  const parsed = parseAgencyCode(agencyCode);
  if (!parsed.ok) throw new ConfigError('DVC_AGENCY_CODE', parsed.error.message.en);
  const clientKeyPem = readPemFile(env, 'DVC_CLIENT_KEY_FILE');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(clientKeyPem)) throw new ConfigError('DVC_CLIENT_KEY_FILE', 'holds no PEM private key');
  const clientCertificates = certificates(env, 'DVC_CLIENT_CERT_FILE');
  const trustAnchors = certificates(env, 'DVC_TRUST_ANCHORS_FILE');
  let dvcqg: AgencyConfig['dvcqg'];
  if (binding === 'dvcqg') dvcqg = { username: required(env, 'DVC_DVCQG_USERNAME'), password: required(env, 'DVC_DVCQG_PASSWORD') };
  const tls = serverTls(env);
  const portalCaPem = env.DVC_PORTAL_CA_FILE?.trim() ? certificates(env, 'DVC_PORTAL_CA_FILE') : undefined;
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = integer(env, 'PORT', 4020, 0, 65535);
  const dataDir = resolve(env.DVC_DATA_DIR?.trim() || './data');
  const publicUrl = url(env, 'DVC_PUBLIC_URL', env.DVC_PUBLIC_URL?.trim() || `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`);
  const stepIntervalMs = integer(env, 'DVC_STEP_INTERVAL_MS', 60_000, 1, 24 * 3600_000);
  const supplementDeadlineMs = integer(env, 'DVC_SUPPLEMENT_DEADLINE_MS', 7 * 24 * 3600_000, 10, 365 * 24 * 3600_000);
  const revocationMode = (env.DVC_REVOCATION_MODE?.trim() || 'soft-fail') as RevocationMode;
  if (!['hard-fail', 'soft-fail', 'off'].includes(revocationMode)) {
    throw new ConfigError('DVC_REVOCATION_MODE', `must be hard-fail, soft-fail or off, got "${revocationMode}"`);
  }
  const revocationCacheMs = integer(env, 'DVC_REVOCATION_CACHE_MS', 30_000, 0, 24 * 3600_000);
  const publicLookupsPerMinute = integer(env, 'DVC_PUBLIC_LOOKUP_LIMIT', 120, 1, 1_000_000);
  return {
    portalUrl,
    binding,
    clientId,
    agencyCode,
    clientKeyPem,
    clientCertificates,
    trustAnchors,
    ...(dvcqg ? { dvcqg } : {}),
    host,
    port,
    dataDir,
    publicUrl,
    publicUrlGiven: Boolean(env.DVC_PUBLIC_URL?.trim()),
    stepIntervalMs,
    supplementDeadlineMs,
    revocationMode,
    revocationCacheMs,
    publicLookupsPerMinute,
    ...(tls ? { tls } : {}),
    ...(portalCaPem ? { portalCaPem } : {}),
    mutant: readMutant(env),
  };
}
