/** The state of a caller's window after one request. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** A fixed-window counter per key (the client IP for the public lookup, DVC-RATE-004). */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(limit: number, windowMs = 60_000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  take(key: string, now = Date.now()): RateDecision {
    let w = this.#windows.get(key);
    if (!w || now - w.start >= this.#windowMs) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
      if (this.#windows.size > 10_000) this.#sweep(now);
    }
    w.count += 1;
    return {
      allowed: w.count <= this.#limit,
      limit: this.#limit,
      remaining: Math.max(0, this.#limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.start + this.#windowMs - now) / 1000)),
    };
  }

  #sweep(now: number): void {
    for (const [k, w] of this.#windows) if (now - w.start >= this.#windowMs) this.#windows.delete(k);
  }
}

/** RateLimit-* headers (draft-ietf-httpapi-ratelimit-headers), plus Retry-After when refused. */
export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  return {
    'ratelimit-limit': String(d.limit),
    'ratelimit-remaining': String(d.remaining),
    'ratelimit-reset': String(d.resetSeconds),
    ...(d.allowed ? {} : { 'retry-after': String(d.resetSeconds) }),
  };
}
