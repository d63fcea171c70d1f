/** How the client retries. Every field has a default; `retries: 0` turns retries off. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Backoff base in ms: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2ⁿ)] (default 100). */
  baseDelayMs?: number;
  /** Cap of one backoff, and of a `Retry-After` the client is willing to honour (default 30 000). */
  maxDelayMs?: number;
  /**
   * Retry budget, shared by all calls of a client: each first attempt earns `ratio` tokens
   * (default 0.5), each retry spends one, the bucket starts at and never holds more than
   * `maxTokens` (default 20). When it is empty, failures are returned instead of retried, so a
   * failing server is not hammered with retries of retries.
   */
  budget?: { ratio?: number; maxTokens?: number } | false;
}

export interface ResolvedRetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function resolveRetryPolicy(retries: number | RetryOptions | undefined): ResolvedRetryPolicy {
  const o: RetryOptions = typeof retries === 'number' ? { maxRetries: retries } : (retries ?? {});
  return {
    maxRetries: Math.max(0, Math.floor(o.maxRetries ?? 3)),
    baseDelayMs: Math.max(0, o.baseDelayMs ?? 100),
    maxDelayMs: Math.max(0, o.maxDelayMs ?? 30_000),
  };
}

/** Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function backoffDelay(retryNumber: number, policy: ResolvedRetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retryNumber, 30));
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent
 * or unparseable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const trimmed = v.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The shared token bucket that limits retries to a share of the traffic. */
export class RetryBudget {
  private tokens: number;
  private readonly ratio: number;
  private readonly maxTokens: number;

  constructor(options: { ratio?: number; maxTokens?: number } | false | undefined) {
    const o = options === false ? { ratio: Infinity, maxTokens: Infinity } : (options ?? {});
    this.ratio = o.ratio ?? 0.5;
    this.maxTokens = o.maxTokens ?? 20;
    this.tokens = this.maxTokens;
  }

  /** A first attempt was made. */
  deposit(): void {
    this.tokens = Math.min(this.maxTokens, this.tokens + this.ratio);
  }

  /** Take a token for a retry; false when the budget is spent. */
  tryWithdraw(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get available(): number {
    return this.tokens;
  }
}

/** Wait `ms`, or reject with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
