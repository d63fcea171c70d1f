import type { Dossier, ProcessingStep } from '@dvc-kit/spec';
import type { Db } from './database.js';

/** One queued push: the dossier as it stood after the step, and the step. */
export interface QueuedPush {
  id: number;
  code: string;
  dossier: Dossier;
  step: ProcessingStep;
  idempotencyKey: string;
  attempts: number;
  dueAt: number;
}

export interface OutboxEntryState {
  id: number;
  code: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  dueAt: number;
  deliveredAt: number | null;
}

interface Row {
  id: number;
  code: string;
  snapshot: string;
  idempotency_key: string;
  attempts: number;
  due_at: number;
}

/**
 * The queue of status pushes to the national portal, kept in SQLite with the dossiers so a
 * change is never dropped: an entry leaves the queue only when the portal accepted it (or
 * refused it for good). Pushes of one dossier go in order.
 */
export class Outbox {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** The oldest pending push of each dossier, when due. */
  due(nowMs: number, limit = 50): QueuedPush[] {
    const rows = this.#db
      .prepare(
        `SELECT o.* FROM outbox o
         WHERE o.state = 'pending' AND o.due_at <= ?
           AND o.id = (SELECT MIN(id) FROM outbox p WHERE p.code = o.code AND p.state = 'pending')
         ORDER BY o.due_at, o.id LIMIT ?`,
      )
      .all(nowMs, limit) as Row[];
    return rows.map((r) => {
      const snap = JSON.parse(r.snapshot) as { dossier: Dossier; step: ProcessingStep };
      return { id: r.id, code: r.code, dossier: snap.dossier, step: snap.step, idempotencyKey: r.idempotency_key, attempts: r.attempts, dueAt: r.due_at };
    });
  }

  /** When the next push that may go falls due (the oldest pending push of each dossier), if any. */
  nextDueAt(): number | undefined {
    const row = this.#db
      .prepare(
        `SELECT MIN(o.due_at) AS d FROM outbox o
         WHERE o.state = 'pending' AND o.id = (SELECT MIN(id) FROM outbox p WHERE p.code = o.code AND p.state = 'pending')`,
      )
      .get() as { d: number | null };
    return row.d ?? undefined;
  }

  /** Whether a change of the dossier still waits to reach the portal. */
  hasPending(code: string): boolean {
    return this.#db.prepare(`SELECT 1 FROM outbox WHERE code = ? AND state = 'pending' LIMIT 1`).get(code) !== undefined;
  }

  delivered(id: number, atMs: number): void {
    this.#db.prepare(`UPDATE outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?`).run(atMs, id);
  }

  /** Try again at `dueAt`; later pushes of the same dossier wait behind it. */
  retry(id: number, dueAt: number, error: string): void {
    this.#db.prepare('UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ? WHERE id = ?').run(dueAt, error.slice(0, 2000), id);
  }

  /** The portal refused it for good (validation, illegal transition): kept for the operator. */
  failed(id: number, error: string): void {
    this.#db.prepare(`UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`).run(error.slice(0, 2000), id);
  }

  /** Dropped without delivery (only the push-dropped-on-failure mutant does this). */
  drop(id: number, error: string): void {
    this.#db.prepare(`UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?`).run(`dropped: ${error}`.slice(0, 2000), id);
  }

  entries(code?: string): OutboxEntryState[] {
    const rows = (code
      ? this.#db.prepare('SELECT * FROM outbox WHERE code = ? ORDER BY id').all(code)
      : this.#db.prepare('SELECT * FROM outbox ORDER BY id').all()) as (Row & { state: string; last_error: string | null; delivered_at: number | null })[];
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      state: r.state as OutboxEntryState['state'],
      attempts: r.attempts,
      lastError: r.last_error,
      dueAt: r.due_at,
      deliveredAt: r.delivered_at,
    }));
  }
}
