import { describe, expect, it } from 'vitest';
import { CredentialCache } from './credential-cache.js';
import type { Credential, CredentialProvider } from './credential.js';
import { isCredentialRejected, withAuthRetry } from './with-auth-retry.js';

function sessionProvider(): CredentialProvider & { logins: number } {
  let logins = 0;
  const cache = new CredentialCache<Credential>({
    refreshBeforeExpiryMs: 0,
    load: async () => ({ type: 'dvcqg-session', session: `s${++logins}` }),
  });
  return {
    get logins() {
      return logins;
    },
    getCredential: (opts) => cache.get(opts?.signal),
    invalidate: (c) => cache.invalidate(c),
  };
}

const sessionOf = (c: Credential): string => (c.type === 'dvcqg-session' ? c.session : c.token);

describe('withAuthRetry', () => {
  it('retries once when the call throws an error carrying status 401', async () => {
    const provider = sessionProvider();
    const seen: string[] = [];
    const result = await withAuthRetry(provider, async (c) => {
      seen.push(sessionOf(c));
      if (seen.length === 1) throw Object.assign(new Error('unauthorized'), { statusCode: 401 });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(seen).toEqual(['s1', 's2']);
  });

  it('rethrows other errors without dropping the credential', async () => {
    const provider = sessionProvider();
    await expect(
      withAuthRetry(provider, async () => {
        throw Object.assign(new Error('server error'), { statusCode: 500 });
      }),
    ).rejects.toThrow('server error');
    expect(sessionOf(await provider.getCredential())).toBe('s1');
    expect(provider.logins).toBe(1);
  });

  it('accepts a custom refusal test', async () => {
    const provider = sessionProvider();
    const seen: string[] = [];
    await withAuthRetry(
      provider,
      async (c) => {
        seen.push(sessionOf(c));
        return { code: seen.length === 1 ? 'SESSION_GONE' : 'OK' };
      },
      { isRejected: (o) => (o as { code?: string }).code === 'SESSION_GONE' },
    );
    expect(seen).toEqual(['s1', 's2']);
  });

  it('cancels the refused fetch response body before retrying', async () => {
    const provider = sessionProvider();
    const first = new Response('{"error":"invalid_token"}', { status: 401 });
    const response = await withAuthRetry(provider, async (c) => (sessionOf(c) === 's1' ? first : new Response('ok')));
    expect(await response.text()).toBe('ok');
    await expect(first.text()).rejects.toThrow();
  });
});

describe('isCredentialRejected', () => {
  it('knows HTTP 401 and dvcqg "01", and nothing else', () => {
    expect(isCredentialRejected({ statusCode: 401 })).toBe(true);
    expect(isCredentialRejected({ status: 401 })).toBe(true);
    expect(isCredentialRejected({ error_code: '01', result: [] })).toBe(true);
    expect(isCredentialRejected({ statusCode: 403 })).toBe(false);
    expect(isCredentialRejected({ error_code: '00' })).toBe(false);
    expect(isCredentialRejected({ error_code: '02' })).toBe(false);
    expect(isCredentialRejected(null)).toBe(false);
    expect(isCredentialRejected('401')).toBe(false);
  });
});
