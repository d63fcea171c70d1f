import { describe, expect, it } from 'vitest';
import { RateLimiter, rateLimitHeaders } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows the limit per window and key, then refuses with Retry-After', () => {
    const r = new RateLimiter(2, 60_000);
    expect(r.take('a', 0).allowed).toBe(true);
    expect(r.take('a', 10).remaining).toBe(0);
    const third = r.take('a', 20_000);
    expect(third.allowed).toBe(false);
    expect(rateLimitHeaders(third)).toMatchObject({ 'retry-after': '40', 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
    expect(r.take('b', 20_000).allowed).toBe(true);
    expect(r.take('a', 60_000).allowed).toBe(true);
  });
});
