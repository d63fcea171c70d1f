import { CredentialCache } from './credential-cache.js';
import type { CredentialProvider, DvcqgSessionCredential } from './credential.js';
import { AuthConfigError, SessionLoginError } from './errors.js';
import { parseJsonObject, resolveDispatcher, send, withTimeout, type TransportOptions } from './transport.js';

export interface DvcqgSessionOptions extends TransportOptions {
  /** The gateway's login URL, e.g. `https://gateway.example/dvcqg/login`. */
  loginUrl: string;
  username: string;
  password: string;
  /** Sent as the `dstcode` header, which routes the call at LGSP/NGSP gateways. */
  dstcode?: string;
  /**
   * Renew the session after this long even if the gateway has not rejected it. The gateway's
   * `expires_in`, when it sends one, is used too (whichever is sooner). With neither, a session
   * is kept until the gateway answers error_code "01" and the caller invalidates it.
   */
  sessionTtlSeconds?: number;
  /** Log in again this long before the session expires (default 30; at most half its lifetime). */
  refreshBeforeExpirySeconds?: number;
  /** Give up on one login after this long (default 30 000). */
  timeoutMs?: number;
}

/**
 * Sessions for the dvcqg binding: `POST {username, password}` → `{session, error_code}`,
 * behind the same interface as the token providers. When a gateway call answers
 * error_code "01", `invalidate` the session (or use `withAuthRetry`) and the next
 * `getCredential` logs in again, once for all concurrent callers.
 *
 * @example
 * const provider = dvcqgSession({ loginUrl, username: 'hcc_h01', password, dstcode: 'H01' });
 * const { session } = (await provider.getCredential()) as DvcqgSessionCredential;
 */
export function dvcqgSession(options: DvcqgSessionOptions): CredentialProvider {
  if (!options.loginUrl || !URL.canParse(options.loginUrl)) {
    throw new AuthConfigError(`loginUrl is not a URL: ${String(options.loginUrl)}`);
  }
  if (!options.username || typeof options.password !== 'string' || options.password === '') {
    throw new AuthConfigError('username and password are required for a dvcqg session login');
  }
  const ttl = options.sessionTtlSeconds;
  if (ttl !== undefined && !(ttl > 0)) throw new AuthConfigError(`sessionTtlSeconds must be positive, got ${ttl}`);
  const dispatcher = resolveDispatcher(options);
  const timeoutMs = options.timeoutMs ?? 30_000;

  const skew = options.refreshBeforeExpirySeconds ?? 30;
  if (!(skew >= 0)) throw new AuthConfigError(`refreshBeforeExpirySeconds must be 0 or more, got ${skew}`);

  const cache = new CredentialCache<DvcqgSessionCredential>({
    refreshBeforeExpiryMs: skew * 1000,
    load: async () => {
      const { session, expiresIn } = await login(options, dispatcher, withTimeout(undefined, timeoutMs));
      const lifetimes = [ttl, expiresIn].filter((n): n is number => n !== undefined);
      return lifetimes.length === 0
        ? { type: 'dvcqg-session', session }
        : { type: 'dvcqg-session', session, expiresAt: Date.now() + Math.min(...lifetimes) * 1000 };
    },
  });

  return {
    dispatcher,
    getCredential: (opts) => cache.get(opts?.signal),
    invalidate: (credential) => cache.invalidate(credential),
  };
}

/** "0" and "00" both mean success at the gateways in use. */
function isSuccessCode(code: unknown): boolean {
  return code === '0' || code === '00' || code === 0;
}

async function login(
  options: DvcqgSessionOptions,
  dispatcher: TransportOptions['dispatcher'],
  signal: AbortSignal,
): Promise<{ session: string; expiresIn: number | undefined }> {
  const url = options.loginUrl;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.dstcode) headers['dstcode'] = options.dstcode;
  let answer;
  try {
    answer = await send({
      method: 'POST',
      url,
      headers,
      body: JSON.stringify({ username: options.username, password: options.password }),
      dispatcher,
      signal,
    });
  } catch (cause) {
    throw new SessionLoginError(`could not reach the dvcqg login ${url}: ${(cause as Error).message}`, { url, cause });
  }
  const body = parseJsonObject(answer.text);
  const errorCode = body?.['error_code'];
  const code = typeof errorCode === 'string' || typeof errorCode === 'number' ? String(errorCode) : undefined;
  if (answer.status !== 200) {
    throw new SessionLoginError(
      `dvcqg login ${url} answered HTTP ${answer.status}${code ? ` (error_code ${code})` : ''}`,
      { url, status: answer.status, ...(code ? { errorCode: code } : {}) },
    );
  }
  if (!body) throw new SessionLoginError(`dvcqg login ${url} did not answer a JSON object`, { url, status: 200 });
  if (!isSuccessCode(errorCode)) {
    const message = typeof body['message'] === 'string' ? `: ${body['message']}` : '';
    throw new SessionLoginError(
      `dvcqg login ${url} refused the login with error_code ${code ?? JSON.stringify(errorCode)}${message}`,
      { url, status: 200, ...(code ? { errorCode: code } : {}) },
    );
  }
  const session = body['session'];
  if (typeof session !== 'string' || session === '') {
    throw new SessionLoginError(`dvcqg login ${url} answered success but no session`, { url, status: 200, errorCode: code as string });
  }
  // expires_in is this standard's addition; gateways in use today do not send it.
  const expiresIn = body['expires_in'];
  return { session, expiresIn: typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : undefined };
}
