import type { Credential, CredentialProvider } from './credential.js';

export interface AuthRetryOptions {
  signal?: AbortSignal;
  /**
   * Whether an outcome means "this credential was refused". The default, {@link isCredentialRejected},
   * knows HTTP 401 (undici `statusCode`, fetch `status`) and dvcqg `error_code` "01".
   */
  isRejected?: (outcome: unknown) => boolean;
}

/**
 * Runs `call` with a credential; if the server refuses that credential, drops it, gets a new one
 * (single-flight across callers) and runs `call` once more. The second outcome is returned as is,
 * so a server that refuses every credential cannot make this loop.
 *
 * The refusal may be returned (a response with status 401, a dvcqg body with error_code "01")
 * or thrown (an error with `statusCode` / `status` 401). A returned undici or fetch response
 * body is discarded before the retry so the connection is freed.
 *
 * @example
 * const res = await withAuthRetry(provider, (c) =>
 *   request(url, { headers: { authorization: `Bearer ${(c as BearerCredential).token}` } }));
 */
export async function withAuthRetry<T>(
  provider: CredentialProvider,
  call: (credential: Credential) => Promise<T>,
  options: AuthRetryOptions = {},
): Promise<T> {
  const isRejected = options.isRejected ?? isCredentialRejected;
  const signalOpts = options.signal ? { signal: options.signal } : {};
  const first = await provider.getCredential(signalOpts);
  try {
    const result = await call(first);
    if (!isRejected(result)) return result;
    await discardBody(result);
  } catch (error) {
    if (!isRejected(error)) throw error;
  }
  provider.invalidate(first);
  const second = await provider.getCredential(signalOpts);
  return call(second);
}

/** The default refusal test: HTTP 401, or the dvcqg gateway's "01" (session invalid or expired). */
export function isCredentialRejected(outcome: unknown): boolean {
  if (typeof outcome !== 'object' || outcome === null) return false;
  const o = outcome as Record<string, unknown>;
  return o['statusCode'] === 401 || o['status'] === 401 || o['error_code'] === '01';
}

async function discardBody(result: unknown): Promise<void> {
  const body = typeof result === 'object' && result !== null ? (result as { body?: unknown }).body : undefined;
  if (typeof body !== 'object' || body === null) return;
  const b = body as { dump?: () => Promise<unknown>; cancel?: () => Promise<unknown> };
  try {
    if (typeof b.dump === 'function') await b.dump();
    else if (typeof b.cancel === 'function') await b.cancel();
  } catch {
    // the body is being thrown away; a failure to drain it changes nothing for the retry
  }
}
