import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, resolveRetryPolicy, RetryBudget, sleep } from './retry.js';

describe('backoff', () => {
  it('is full jitter: within [0, min(max, base·2ⁿ))', () => {
    const policy = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 5000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const d = backoffDelay(n, policy, () => r);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.min(5000, 100 * 2 ** n));
      }),
    );
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
  });

  it('resolves the retries option', () => {
    expect(resolveRetryPolicy(0).maxRetries).toBe(0);
    expect(resolveRetryPolicy(undefined)).toEqual({ maxRetries: 3, baseDelayMs: 100, maxDelayMs: 30_000 });
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-07-01T08:00:00Z');
    expect(parseRetryAfter('12', now)).toBe(12_000);
    expect(parseRetryAfter(['3'], now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Jul 2025 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 01 Jul 2025 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('RetryBudget', () => {
  it('allows retries in proportion to first attempts, up to its cap', () => {
    const b = new RetryBudget({ ratio: 0.5, maxTokens: 2 });
    expect([b.tryWithdraw(), b.tryWithdraw(), b.tryWithdraw()]).toEqual([true, true, false]);
    b.deposit();
    expect(b.tryWithdraw()).toBe(false);
    b.deposit();
    expect(b.tryWithdraw()).toBe(true);
    for (let i = 0; i < 100; i++) b.deposit();
    expect(b.available).toBe(2);
  });

  it('false turns it off', () => {
    const b = new RetryBudget(false);
    for (let i = 0; i < 1000; i++) expect(b.tryWithdraw()).toBe(true);
  });
});

describe('sleep', () => {
  it('rejects with the abort reason', async () => {
    const c = new AbortController();
    const p = sleep(10_000, c.signal);
    c.abort('stop');
    await expect(p).rejects.toBe('stop');
    await expect(sleep(1, AbortSignal.abort('already'))).rejects.toBe('already');
  });
});
