/** Something that calls back when what a probe looks at may have changed; returns the unsubscribe. */
export type ChangeSource = (wake: () => void) => () => void;

/**
 * Resolves with the first value `probe` returns (not undefined), trying it now and again after
 * each change `source` reports — never on a polling timer. The deadline is the only timer: at
 * it, or when `signal` aborts, the answer is undefined. Changes that come in a burst are probed
 * once (on the next turn of the event loop), so a waiter costs nothing on the hot path of the
 * change itself.
 */
export function waitForChange<T>(source: ChangeSource, probe: () => T | undefined, timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
  const first = probe();
  if (first !== undefined || signal?.aborted || timeoutMs <= 0) return Promise.resolve(first);
  return new Promise<T | undefined>((resolve, reject) => {
    let scheduled = false;
    let done = false;
    const finish = (value: T | undefined, error?: unknown): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else resolve(value);
    };
    const check = (): void => {
      scheduled = false;
      if (done) return;
      try {
        const value = probe();
        if (value !== undefined) finish(value);
      } catch (error) {
        finish(undefined, error);
      }
    };
    const unsubscribe = source(() => {
      if (scheduled || done) return;
      scheduled = true;
      setImmediate(check);
    });
    // One last look at the deadline: a change in the same turn as the timer is not lost.
    const timer = setTimeout(() => {
      try {
        finish(probe());
      } catch (error) {
        finish(undefined, error);
      }
    }, timeoutMs);
    const onAbort = (): void => finish(undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
