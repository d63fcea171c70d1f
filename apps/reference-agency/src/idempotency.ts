import { createHash } from 'node:crypto';
import { canonicalize } from '@dvc-kit/signature';
import type { Db } from './database.js';
import { problems } from './errors.js';
import type { Mutant } from './mutants.js';

/** A response kept to answer a repeated request. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type IdempotencyStart = { kind: 'new' } | { kind: 'replay'; response: StoredResponse };

/** Keys are kept 48 hours (the standard asks for at least 24). */
const RETENTION_MS = 48 * 3600_000;
/** A request still "in progress" after this long died with the process: its key is free again. */
const STALE_PENDING_MS = 60_000;

/** The body's fingerprint: SHA-256 of its RFC 8785 form, so key order and spacing do not matter. */
export function bodyFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalize(body)).digest('base64url');
}

/**
 * Idempotency-Key bookkeeping (DVC-IDEM-002..004): the first request with a key is marked
 * in progress; a repeat with the same body gets the stored answer, one with a different
 * body 422, and one that arrives while the first is still in progress 409.
 */
export class IdempotencyStore {
  readonly #db: Db;
  readonly #mutant: Mutant;
  readonly #now: () => number;

  constructor(db: Db, mutant: Mutant, now: () => number = Date.now) {
    this.#db = db;
    this.#mutant = mutant;
    this.#now = now;
  }

  begin(operation: string, key: string, fingerprint: string): IdempotencyStart {
    if (this.#mutant.is('idempotency-ignored')) return { kind: 'new' };
    const now = this.#now();
    return this.#db.transaction((): IdempotencyStart => {
      this.#db.prepare('DELETE FROM idempotency WHERE created_at < ?').run(now - RETENTION_MS);
      const row = this.#db.prepare('SELECT * FROM idempotency WHERE operation = ? AND key = ?').get(operation, key) as
        | { body_hash: string; state: string; status: number | null; headers: string | null; body: string | null; created_at: number }
        | undefined;
      if (!row) {
        this.#db
          .prepare(`INSERT INTO idempotency (operation, key, body_hash, state, created_at) VALUES (?, ?, ?, 'pending', ?)`)
          .run(operation, key, fingerprint, now);
        return { kind: 'new' };
      }
      if (row.state !== 'done' && now - row.created_at > STALE_PENDING_MS) {
        this.#db.prepare('UPDATE idempotency SET body_hash = ?, created_at = ? WHERE operation = ? AND key = ?').run(fingerprint, now, operation, key);
        return { kind: 'new' };
      }
      const sameBody = row.body_hash === fingerprint || this.#mutant.is('idempotency-body-unchecked');
      if (!sameBody) throw problems.keyReused();
      if (row.state !== 'done') throw problems.conflict('A request with this Idempotency-Key is still being processed; retry later.');
      return {
        kind: 'replay',
        response: { status: row.status!, headers: JSON.parse(row.headers ?? '{}') as Record<string, string>, body: JSON.parse(row.body ?? 'null') },
      };
    })();
  }

  /** Stores the answer; call inside the transaction that made the change. */
  complete(operation: string, key: string, response: StoredResponse): void {
    if (this.#mutant.is('idempotency-ignored')) return;
    this.#db
      .prepare(`UPDATE idempotency SET state = 'done', status = ?, headers = ?, body = ? WHERE operation = ? AND key = ?`)
      .run(response.status, JSON.stringify(response.headers), JSON.stringify(response.body), operation, key);
  }

  /** Forgets a key whose request failed without an answer worth repeating (5xx). */
  abandon(operation: string, key: string): void {
    this.#db.prepare(`DELETE FROM idempotency WHERE operation = ? AND key = ? AND state = 'pending'`).run(operation, key);
  }
}
