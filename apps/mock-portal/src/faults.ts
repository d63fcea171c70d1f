import { MockPortalError } from './errors.js';
import { SeededRandom } from './random.js';

/** One fault rule: which requests it applies to, and what it does to them. */
export interface FaultRule {
  /** An operationId, a path prefix (`/v1/dossiers`), or `*` for every route. */
  route: string;
  /** Only this method (default any). */
  method?: string;
  /** Added latency in milliseconds (fixed, or uniform in [min, max]). */
  latencyMs?: number | { min: number; max: number };
  /** Share of requests answered with an error (0–1), with one of `statuses` (default 503). */
  errorRate?: number;
  statuses?: number[];
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
  | { kind: 'error'; status: number; delayMs: number; label: string }
  | { kind: 'rate-limited'; retryAfterSeconds: number; delayMs: number; label: string }
  | { kind: 'reset'; delayMs: number; label: string };

function checkRule(rule: FaultRule, i: number): FaultRule {
  const bad = (what: string) => new MockPortalError('MOCK_FAULT_INVALID', `fault rule ${i}: ${what}`);
  if (!rule || typeof rule !== 'object') throw bad('must be an object');
  if (typeof rule.route !== 'string' || rule.route.length === 0) throw bad('route must be an operationId, a path prefix or "*"');
  const rate = (v: unknown, name: string) => {
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) throw bad(`${name} must be a number from 0 to 1`);
  };
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

  configure(settings: Partial<FaultSettings>): FaultSettings {
    const rules = (settings.rules ?? []).map(checkRule);
    this.seed = settings.seed ?? this.seed;
    this.random = new SeededRandom(this.seed);
    this.rules = rules;
    this.clockOffsetMs = 0;
    for (const r of rules) {
      if (r.clockSkewSeconds) this.clockOffsetMs += r.clockSkewSeconds * 1000;
      if (r.expireTokens) this.onExpireTokens();
    }
    return this.settings();
  }

  settings(): FaultSettings {
    return { seed: this.seed, rules: this.rules.map((r) => ({ ...r })) };
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  decide(method: string, path: string, operationId: string | undefined): FaultDecision {
    let delayMs = 0;
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!(rule.route === '*' || rule.route === operationId || path.startsWith(rule.route))) continue;
      const label = `${rule.route}`;
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
        return { kind: 'error', status, delayMs, label: `${status} (${label})` };
      }
    }
    return { kind: 'none', delayMs };
  }
}
