import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MockPortalError } from './errors.js';
import type { Mutation, PortalStore } from './store.js';
import type { CitizenChange, CitizenRegistry } from './test-citizens.js';

export const STORE_FILE = 'store.jsonl';
export const CITIZENS_FILE = 'citizens.jsonl';

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
    const { replayed, droppedTornLine } = replayLog(file, (m) => store.apply(m as Mutation));
    this.replayed = replayed;
    this.droppedTornLine = droppedTornLine;
    this.fd = openSync(file, 'a');
    store.setSink((m) => this.append(m));
  }

  get path(): string {
    return join(this.dir, STORE_FILE);
  }

  private append(m: Mutation): void {
    if (this.fd === undefined) throw new MockPortalError('MOCK_PERSISTENCE_FAILED', 'the store log is closed');
    try {
      writeSync(this.fd, `${JSON.stringify(m)}\n`);
      fsyncSync(this.fd);
    } catch (e) {
      // A full or failing disk: the change is not applied, and the caller is told so (503, not a bare 500).
      throw new MockPortalError('MOCK_PERSISTENCE_FAILED', `${this.path}: the change could not be written (${(e as Error).message}), so it was not applied`, { cause: e });
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * The test citizens a portal's admin API added or changed, kept in `citizens.jsonl` beside
 * the store with the same rules: a change is appended and fsynced before it is applied, and
 * the file is replayed through the registry's own `add` and `update` on start, so a stored
 * citizen is checked exactly as a new one is. The file is opened per change (changes are
 * rare), so there is nothing to close when the portal stops.
 */
export class CitizenLog {
  readonly path: string;
  readonly replayed: number;
  readonly droppedTornLine: boolean;

  constructor(dir: string, registry: CitizenRegistry) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, CITIZENS_FILE);
    const { replayed, droppedTornLine } = replayLog(this.path, (change) => replayCitizenChange(registry, change));
    this.replayed = replayed;
    this.droppedTornLine = droppedTornLine;
    registry.setSink((change) => appendDurably(this.path, change));
  }
}

function replayCitizenChange(registry: CitizenRegistry, value: unknown): void {
  const change = value as Partial<CitizenChange> | null;
  if (change?.t === 'citizen-added') registry.add(change.citizen!);
  else if (change?.t === 'citizen-changed' && typeof change.sub === 'string') registry.update(change.sub, change.changes!);
  else throw new Error(`not a citizen change: ${JSON.stringify(value).slice(0, 120)}`);
}

/**
 * Replays a JSON-lines log into `apply`. A line that is not JSON, or that `apply` refuses,
 * stops the start with a typed error and leaves the file as it is (it holds acknowledged
 * data). Only an unterminated last line, a write that was never acknowledged, is dropped:
 * the rest is written to a temporary file and renamed over the log, so a crash meanwhile
 * leaves the old file whole.
 */
function replayLog(file: string, apply: (value: unknown) => void): { replayed: number; droppedTornLine: boolean } {
  if (!existsSync(file)) return { replayed: 0, droppedTornLine: false };
  const lines = readFileSync(file, 'utf8').split('\n');
  const last = lines.pop();
  const torn = last !== undefined && last !== '';
  let replayed = 0;
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new MockPortalError('MOCK_PERSISTENCE_FAILED', `${file} line ${i + 1} is not JSON (${(e as Error).message}); the file was changed by something else`, { cause: e });
    }
    try {
      apply(value);
    } catch (e) {
      throw new MockPortalError('MOCK_PERSISTENCE_FAILED', `${file} line ${i + 1} cannot be replayed (${(e as Error).message}); the file was changed by something else`, { cause: e });
    }
    replayed++;
  }
  if (torn) replaceAtomically(file, lines.map((l) => `${l}\n`).join(''));
  return { replayed, droppedTornLine: torn };
}

function appendDurably(file: string, value: unknown): void {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'a');
    writeSync(fd, `${JSON.stringify(value)}\n`);
    fsyncSync(fd);
  } catch (e) {
    throw new MockPortalError('MOCK_PERSISTENCE_FAILED', `${file}: the change could not be written (${(e as Error).message}), so it was not applied`, { cause: e });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function replaceAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
