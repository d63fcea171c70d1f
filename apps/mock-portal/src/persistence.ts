import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MockPortalError } from './errors.js';
import type { Mutation, PortalStore } from './store.js';

export const STORE_FILE = 'store.jsonl';

/**
 * Append-only persistence of the store: each mutation is one JSON line, written and
 * fsynced before it is applied, so an acknowledged write survives a crash. On start the
 * file is replayed; a torn last line (a crash mid-write, never acknowledged) is dropped.
 */
export class StoreLog {
  private fd: number | undefined;
  readonly replayed: number;
  readonly droppedTornLine: boolean;

  constructor(private readonly dir: string, store: PortalStore) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, STORE_FILE);
    let replayed = 0;
    let torn = false;
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      const last = lines.pop();
      if (last !== undefined && last !== '') torn = true;
      for (const [i, line] of lines.entries()) {
        if (line === '') continue;
        let m: Mutation;
        try {
          m = JSON.parse(line) as Mutation;
        } catch (e) {
          throw new MockPortalError('MOCK_PERSISTENCE_FAILED', `${file} line ${i + 1} is not JSON (${(e as Error).message}); the file was changed by something else`);
        }
        store.apply(m);
        replayed++;
      }
      if (torn) {
        // Rewrite without the torn tail so that later appends start on a line boundary.
        const keep = lines.map((l) => `${l}\n`).join('');
        const fd = openSync(file, 'w');
        writeSync(fd, keep);
        fsyncSync(fd);
        closeSync(fd);
      }
    }
    this.replayed = replayed;
    this.droppedTornLine = torn;
    this.fd = openSync(file, 'a');
    store.setSink((m) => this.append(m));
  }

  get path(): string {
    return join(this.dir, STORE_FILE);
  }

  private append(m: Mutation): void {
    if (this.fd === undefined) throw new MockPortalError('MOCK_PERSISTENCE_FAILED', 'the store log is closed');
    writeSync(this.fd, `${JSON.stringify(m)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
