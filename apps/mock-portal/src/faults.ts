import { MockPortalError } from './errors.js';
import { SeededRandom } from './random.js';

/** One fault rule: which requests it applies to, and what it does to them. */
export interface FaultRule {
  /** Names the rule, so that it can be removed alone (`DELETE /__admin/faults/rules/{id}`). */
  id?: string;
  /** An operationId, a path prefix (`/v1/dossiers`), or `*` for every route. */
  route: string;
  /**
   * Only requests whose path or raw body contains one of these strings (e.g. one dossier's
   * MaHoSo or its owner's SoDinhDanh): a test breaks its own data's requests and no one else's.
   */
  match?: string[];
  /** Only this method (default any). */
  method?: string;
  /** Added latency in milliseconds (fixed, or uniform in [min, max]). */
  latencyMs?: number | { min: number; max: number };
  /** Share of requests answered with an error (0–1), with one of `statuses` (default 503). */
  errorRate?: number;
  statuses?: number[];
  /** Injected 503 and 429 errors carry `Retry-After: 1` unless false: then the caller's own back-off alone spaces its retries. */
  retryAfter?: boolean;
  /** Share of requests whose connection is reset without an answer (0–1). */
  resetRate?: number;
  /** Answer 429 with this Retry-After (seconds) for a share of requests (`rateLimitRate`, default all). */
  rateLimit?: { retryAfterSeconds: number; rate?: number };
  /** Treat every access token issued so far as expired (applied once, when the rule is set). */
  expireTokens?: boolean;
  /** Skew the portal's clock by this many seconds (tokens and timestamps see it). */
  clockSkewSeconds?: number;
}

export interface FaultSettings {
  seed: number | string;
  rules: FaultRule[];
}

/** What fault injection decided for one request. */
export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'error'; status: number; delayMs: number; label: string; retryAfter: boolean }
  | { kind: 'rate-limited'; retryAfterSeconds: number; delayMs: number; label: string }
  | { kind: 'reset'; delayMs: number; label: string };

function checkRule(rule: FaultRule, i: number): FaultRule {
  const bad = (what: string) => new MockPortalError('MOCK_FAULT_INVALID', `fault rule ${i}: ${what}`);
  if (!rule || typeof rule !== 'object') throw bad('must be an object');
  if (typeof rule.route !== 'string' || rule.route.length === 0) throw bad('route must be an operationId, a path prefix or "*"');
  if (rule.id !== undefined && (typeof rule.id !== 'string' || !/^[A-Za-z0-9._:-]{1,100}$/.test(rule.id))) throw bad('id must be 1–100 letters, digits, ".", "_", ":" or "-"');
  if (rule.match !== undefined) {
    if (!Array.isArray(rule.match) || rule.match.length === 0 || rule.match.some((m) => typeof m !== 'string' || m.length < 4 || m.length > 500)) throw bad('match must be a non-empty list of strings of 4–500 characters');
    // A clock or the token generation is the whole portal's: it cannot apply to some requests only.
    if (rule.clockSkewSeconds !== undefined || rule.expireTokens) throw bad('clockSkewSeconds and expireTokens act on the whole portal and cannot be limited by match');
  }
  const rate = (v: unknown, name: string) => {
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) throw bad(`${name} must be a number from 0 to 1`);
  };
  if (rule.retryAfter !== undefined && typeof rule.retryAfter !== 'boolean') throw bad('retryAfter must be true or false');
  rate(rule.errorRate, 'errorRate');
  rate(rule.resetRate, 'resetRate');
  rate(rule.rateLimit?.rate, 'rateLimit.rate');
  if (rule.statuses !== undefined && (!Array.isArray(rule.statuses) || rule.statuses.some((s) => !Number.isInteger(s) || s < 400 || s > 599))) throw bad('statuses must be HTTP error codes (400–599)');
  const l = rule.latencyMs;
  if (l !== undefined && !(typeof l === 'number' ? l >= 0 && l <= 60_000 : l && l.min >= 0 && l.max >= l.min && l.max <= 60_000)) throw bad('latencyMs must be 0–60000 or {min, max}');
  if (rule.clockSkewSeconds !== undefined && (typeof rule.clockSkewSeconds !== 'number' || Math.abs(rule.clockSkewSeconds) > 86_400 * 366)) throw bad('clockSkewSeconds must be a number of seconds');
  if (rule.rateLimit !== undefined && !(Number.isInteger(rule.rateLimit.retryAfterSeconds) && rule.rateLimit.retryAfterSeconds >= 0)) throw bad('rateLimit.retryAfterSeconds must be a whole number ≥ 0');
  return rule;
}

/** Seeded, per-route fault injection. The same seed and request order give the same faults. */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private random = new SeededRandom(1);
  private seed: number | string = 1;
  /** Offset the portal's clock runs at (ms). */
  clockOffsetMs = 0;

  constructor(private readonly onExpireTokens: () => void) {}

  private nextId = 1;

  /** Replaces every rule (the whole portal's and the scoped ones). */
  configure(settings: Partial<FaultSettings>): FaultSettings {
    const rules = (settings.rules ?? []).map(checkRule);
    const ids = rules.map((r) => r.id).filter((id) => id !== undefined);
    if (new Set(ids).size !== ids.length) throw new MockPortalError('MOCK_FAULT_INVALID', 'two fault rules have the same id');
    this.seed = settings.seed ?? this.seed;
    this.random = new SeededRandom(this.seed);
    this.rules = rules.map((r) => ({ ...r }));
    this.clockOffsetMs = 0;
    for (const r of rules) {
      if (r.clockSkewSeconds) this.clockOffsetMs += r.clockSkewSeconds * 1000;
      if (r.expireTokens) this.onExpireTokens();
    }
    return this.settings();
  }

  /** Adds one rule beside the others (an id is given when it has none); returns it. */
  add(input: FaultRule): FaultRule {
    const rule = { ...checkRule(input, this.rules.length) };
    if (rule.id !== undefined && this.rules.some((r) => r.id === rule.id)) throw new MockPortalError('MOCK_FAULT_EXISTS', `a fault rule with id ${JSON.stringify(rule.id)} already exists`);
    while (rule.id === undefined || this.rules.some((r) => r.id === rule.id)) rule.id = `rule-${this.nextId++}`;
    this.rules.push(rule);
    if (rule.clockSkewSeconds) this.clockOffsetMs += rule.clockSkewSeconds * 1000;
    if (rule.expireTokens) this.onExpireTokens();
    return { ...rule };
  }

  /** Removes the rule with this id; false when there is none. */
  remove(id: string): boolean {
    const i = this.rules.findIndex((r) => r.id === id);
    if (i === -1) return false;
    const [rule] = this.rules.splice(i, 1);
    if (rule!.clockSkewSeconds) this.clockOffsetMs -= rule!.clockSkewSeconds * 1000;
    return true;
  }

  settings(): FaultSettings {
    return { seed: this.seed, rules: this.rules.map((r) => ({ ...r })) };
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** `body` is the raw request body, read only when a rule has a `match`. */
  decide(method: string, path: string, operationId: string | undefined, body?: Uint8Array | string): FaultDecision {
    let delayMs = 0;
    let text: string | undefined;
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!(rule.route === '*' || rule.route === operationId || path.startsWith(rule.route))) continue;
      if (rule.match) {
        text ??= body === undefined ? '' : typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
        const t = text;
        if (!rule.match.some((m) => path.includes(m) || t.includes(m))) continue;
      }
      const label = rule.id ?? rule.route;
      const l = rule.latencyMs;
      if (typeof l === 'number') delayMs += l;
      else if (l) delayMs += l.min + this.random.next() * (l.max - l.min);
      if (rule.resetRate && this.random.next() < rule.resetRate) return { kind: 'reset', delayMs, label: `reset (${label})` };
      if (rule.rateLimit && this.random.next() < (rule.rateLimit.rate ?? 1)) {
        return { kind: 'rate-limited', retryAfterSeconds: rule.rateLimit.retryAfterSeconds, delayMs, label: `429 (${label})` };
      }
      if (rule.errorRate && this.random.next() < rule.errorRate) {
        const statuses = rule.statuses?.length ? rule.statuses : [503];
        const status = statuses[this.random.int(statuses.length)]!;
        return { kind: 'error', status, delayMs, label: `${status} (${label})`, retryAfter: rule.retryAfter !== false };
      }
    }
    return { kind: 'none', delayMs };
  }
}
