import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.js';

/** What a config file may set; command-line flags win over it. */
export interface RunConfig {
  target?: string;
  start?: string;
  profile?: string;
  online?: string;
  binding?: string;
  agencyCode?: string;
  seed?: number;
  shard?: string;
  out?: string;
  formats?: string[];
  waivers?: string;
  concurrency?: number;
  rerun?: boolean;
  failOnUncovered?: boolean;
  only?: string[];
  syncDeadlineMs?: number;
  stepIntervalMs?: number;
  healthTimeoutMs?: number;
  plainHttp?: boolean;
  publicHost?: string;
  /** PEM files of extra trust anchors (--ca). */
  ca?: string[];
  /** host:port:address rules (--resolve). */
  resolve?: string[];
  onboardingDir?: string;
  waitForSystemSeconds?: number;
  /** <address>[:<port>] the suite's portal binds to (--portal-listen). */
  portalListen?: string;
  /** The portal's URL as the system reaches it (--portal-url). */
  portalUrl?: string;
  /** <address>[:<port>] the served test PKI binds to (--pki-listen). */
  pkiListen?: string;
  /** The test PKI's URL as the system reaches it (--pki-url). */
  pkiUrl?: string;
}

const KEYS: Record<keyof RunConfig, 'string' | 'number' | 'boolean' | 'string[]'> = {
  target: 'string', start: 'string', profile: 'string', online: 'string', binding: 'string', agencyCode: 'string',
  seed: 'number', shard: 'string', out: 'string', formats: 'string[]', waivers: 'string', concurrency: 'number',
  rerun: 'boolean', failOnUncovered: 'boolean', only: 'string[]', syncDeadlineMs: 'number', stepIntervalMs: 'number', healthTimeoutMs: 'number',
  plainHttp: 'boolean', publicHost: 'string', ca: 'string[]', resolve: 'string[]', onboardingDir: 'string', waitForSystemSeconds: 'number',
  portalListen: 'string', portalUrl: 'string', pkiListen: 'string', pkiUrl: 'string',
};

/** Validates a parsed config document; unknown keys and wrong types are usage errors naming the key. */
export function parseConfig(doc: unknown, source = 'config'): RunConfig {
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${source}: expected a mapping of settings, e.g. { profile: province, binding: rest }.`, 'ERR_CONFIG_INVALID');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    const kind = KEYS[key as keyof RunConfig];
    if (!kind) throw new UsageError(`${source}: unknown setting "${key}". Known: ${Object.keys(KEYS).join(', ')}.`, 'ERR_CONFIG_INVALID');
    const ok =
      kind === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string') : kind === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === kind;
    if (!ok) throw new UsageError(`${source}: "${key}" must be ${kind === 'string[]' ? 'a list of strings' : `a ${kind}`}, got ${JSON.stringify(value)}.`, 'ERR_CONFIG_INVALID');
    out[key] = value;
  }
  return out as RunConfig;
}

export async function loadConfig(path: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the config file ${path}: ${(error as Error).message}`, 'ERR_CONFIG_INVALID');
  }
  try {
    return parseConfig(parseYaml(text), path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`The config file ${path} is not valid YAML or JSON: ${(error as Error).message}`, 'ERR_CONFIG_INVALID');
  }
}
