/**
 * A signal that something was queued: the push queue and the officials' schedule wake on it
 * instead of polling. Listeners run after the current synchronous work, so a write made in a
 * SQLite transaction has committed by the time they look (better-sqlite3 is synchronous).
 */
export class Wakeup {
  readonly #listeners = new Set<() => void>();
  #pending = false;

  on(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  fire(): void {
    if (this.#pending) return;
    this.#pending = true;
    setImmediate(() => {
      this.#pending = false;
      for (const l of this.#listeners) l();
    });
  }
}
