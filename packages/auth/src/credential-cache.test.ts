import { describe, expect, it } from 'vitest';
import { CredentialCache } from './credential-cache.js';
import type { BearerCredential } from './credential.js';

function counter(lifetimeMs: number) {
  let n = 0;
  return {
    get count() {
      return n;
    },
    load: async (): Promise<BearerCredential> => ({ type: 'bearer', token: `t${++n}`, expiresAt: Date.now() + lifetimeMs }),
  };
}

describe('CredentialCache', () => {
  it('ignores invalidation of a credential that was already replaced', async () => {
    const source = counter(3_600_000);
    const cache = new CredentialCache({ load: source.load, refreshBeforeExpiryMs: 60_000 });
    const first = await cache.get();
    cache.invalidate(first);
    const second = await cache.get();
    cache.invalidate(first); // a late caller still holding the first token
    expect(await cache.get()).toBe(second);
    expect(source.count).toBe(2);
  });

  it('does not wedge when load throws synchronously, and loads again on the next call', async () => {
    let fail = true;
    const cache = new CredentialCache<BearerCredential>({
      refreshBeforeExpiryMs: 0,
      load: () => {
        if (fail) throw new Error('boom');
        return Promise.resolve({ type: 'bearer', token: 'ok', expiresAt: Date.now() + 60_000 });
      },
    });
    await expect(cache.get()).rejects.toThrow('boom');
    fail = false;
    await expect(cache.get()).resolves.toMatchObject({ token: 'ok' });
  });

  it('shares one failed load between concurrent callers', async () => {
    let loads = 0;
    const cache = new CredentialCache<BearerCredential>({
      refreshBeforeExpiryMs: 0,
      load: async () => {
        loads++;
        throw new Error('down');
      },
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => cache.get()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(loads).toBe(1);
  });

  it('keeps using a short-lived token for half its lifetime even with a long renewal margin', async () => {
    const source = counter(10_000);
    const cache = new CredentialCache({ load: source.load, refreshBeforeExpiryMs: 60_000 });
    await cache.get();
    await cache.get();
    expect(source.count).toBe(1);
  });

  it('rejects at once for an already aborted signal', async () => {
    const source = counter(60_000);
    const cache = new CredentialCache({ load: source.load, refreshBeforeExpiryMs: 0 });
    await expect(cache.get(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    expect(source.count).toBe(0);
  });
});
