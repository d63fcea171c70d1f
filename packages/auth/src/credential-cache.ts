import { sameCredential, type Credential } from './credential.js';

export interface CredentialCacheOptions<C extends Credential> {
  /** Obtains a new credential. Called at most once at a time. */
  load: () => Promise<C>;
  /**
   * Renew this long before `expiresAt`, capped at half the credential's lifetime so a
   * short-lived token is still used for a while.
   */
  refreshBeforeExpiryMs: number;
}

interface Entry<C> {
  credential: C;
  refreshAt: number;
}

/**
 * Holds one credential and renews it single-flight: however many callers find it stale at the
 * same moment, one `load` runs and they all get its result.
 */
export class CredentialCache<C extends Credential> {
  readonly #load: () => Promise<C>;
  readonly #refreshBeforeExpiryMs: number;
  #entry: Entry<C> | undefined;
  #inflight: Promise<C> | undefined;

  constructor(options: CredentialCacheOptions<C>) {
    this.#load = options.load;
    this.#refreshBeforeExpiryMs = options.refreshBeforeExpiryMs;
  }

  async get(signal?: AbortSignal): Promise<C> {
    signal?.throwIfAborted();
    const entry = this.#entry;
    if (entry && Date.now() < entry.refreshAt) return entry.credential;
    this.#inflight ??= this.#start();
    return waitUnlessAborted(this.#inflight, signal);
  }

  invalidate(credential: Credential): void {
    if (this.#entry && sameCredential(this.#entry.credential, credential)) this.#entry = undefined;
  }

  #start(): Promise<C> {
    // Deferred by one tick so a load that throws synchronously still clears #inflight after it is set.
    const inflight: Promise<C> = Promise.resolve()
      .then(() => this.#load())
      .then(
        (credential) => {
          const now = Date.now();
          this.#entry = { credential, refreshAt: this.#refreshAt(credential, now) };
          if (this.#inflight === inflight) this.#inflight = undefined;
          return credential;
        },
        (error: unknown) => {
          if (this.#inflight === inflight) this.#inflight = undefined;
          throw error;
        },
      );
    return inflight;
  }

  #refreshAt(credential: C, now: number): number {
    const expiresAt = credential.expiresAt;
    if (expiresAt === undefined) return Number.POSITIVE_INFINITY;
    const lifetime = expiresAt - now;
    if (lifetime <= 0) return now;
    return expiresAt - Math.min(this.#refreshBeforeExpiryMs, lifetime / 2);
  }
}

/** Waits for a shared promise; aborting stops this caller's wait, not the shared work. */
function waitUnlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
