import { ConformanceError } from '../errors.js';
import type { SuiteEnv } from './environment.js';

/** How often the wait looks again (journal and /health). */
const POLL_MS = 250;

/**
 * Whether the system has authenticated to the suite's portal with the credentials it was
 * given: a token issued to its client id (rest), or a dvcqg session for its user name.
 */
export function systemHasSignedIn(env: SuiteEnv): boolean {
  const { clientId, dvcqgUsername } = env.portal.credentials;
  return env.portal.portal.journal.raw().some((e) => {
    if (e.status !== 200) return false;
    if (e.clientId === clientId) return true;
    if (e.operationId !== 'dvcqgLogin' || !e.requestBody) return false;
    try {
      const body = JSON.parse(Buffer.from(e.requestBody).toString('utf8')) as { username?: unknown };
      // A 200 at login still carries error_code 01 for a wrong password: only a session counts.
      return body.username === dvcqgUsername && /"session"\s*:/.test(typeof e.responseBody === 'string' ? e.responseBody : Buffer.from(e.responseBody).toString('utf8'));
    } catch {
      return false;
    }
  });
}

/**
 * For a system the suite did not start (`--target`): waits until it has taken a token from
 * the suite's portal with the client id it was provisioned, and answers 200 on /health.
 * Throws ERR_SYSTEM_NOT_READY (an INCONCLUSIVE run, never a pass) when `timeoutMs` passes.
 */
export async function waitForSystem(env: SuiteEnv, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let signedIn = false;
  let health = 'not asked yet';
  for (;;) {
    signedIn ||= systemHasSignedIn(env);
    if (signedIn) {
      try {
        const res = await env.fetch(`${env.target}/health`, { signal: AbortSignal.timeout(Math.max(500, Math.min(5000, deadline - Date.now()))) });
        await res.arrayBuffer();
        if (res.status === 200) return;
        health = `HTTP ${res.status}`;
      } catch (error) {
        const e = error as Error & { cause?: { code?: string; message?: string } };
        health = e.cause?.code ? `${e.cause.code} ${e.cause.message ?? ''}`.trim() : e.message;
      }
    }
    if (Date.now() >= deadline || signal?.aborted) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const missing = signedIn
    ? `it took a token from the suite's portal, but ${env.target}/health did not answer 200 (last: ${health})`
    : `it never obtained a token from the suite's portal (${env.portal.url}) with client id ${env.portal.credentials.clientId}: is it configured with the variables printed above?`;
  throw new ConformanceError('ERR_SYSTEM_NOT_READY', `The system under test was not ready within ${Math.round(timeoutMs / 1000)} s: ${missing}.`);
}
