import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { waitForChange, type ChangeSource } from './condition.js';

/** A change source driven by the test. */
function changes(): { source: ChangeSource; emit(): void; listeners(): number } {
  const set = new Set<() => void>();
  return {
    source: (wake) => {
      set.add(wake);
      return () => set.delete(wake);
    },
    emit: () => {
      for (const wake of set) wake();
    },
    listeners: () => set.size,
  };
}

describe('waitForChange', () => {
  it('answers at once when the condition already holds', async () => {
    const c = changes();
    expect(await waitForChange(c.source, () => 'now', 1000)).toBe('now');
    expect(c.listeners()).toBe(0);
  });

  it('wakes on the change that makes the condition true, long before the deadline', async () => {
    const c = changes();
    let value: number | undefined;
    const t0 = performance.now();
    const waiting = waitForChange(c.source, () => value, 20_000);
    c.emit(); // a change that does not satisfy it
    await new Promise((r) => setImmediate(r));
    value = 7;
    c.emit();
    c.emit(); // a burst is probed once
    expect(await waiting).toBe(7);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(c.listeners()).toBe(0);
  });

  it('gives undefined at the deadline, and on abort, and unsubscribes', async () => {
    const c = changes();
    expect(await waitForChange(c.source, () => undefined, 30)).toBeUndefined();
    const controller = new AbortController();
    const waiting = waitForChange(c.source, () => undefined, 20_000, controller.signal);
    expect(c.listeners()).toBe(1);
    controller.abort();
    expect(await waiting).toBeUndefined();
    expect(c.listeners()).toBe(0);
  });

  it('rejects with the error a probe throws', async () => {
    const c = changes();
    let calls = 0;
    const waiting = waitForChange(c.source, () => {
      if (++calls > 1) throw new Error('probe broke');
      return undefined;
    }, 20_000);
    c.emit();
    await expect(waiting).rejects.toThrow('probe broke');
  });
});
