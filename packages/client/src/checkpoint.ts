import { open, readFile, rename } from 'node:fs/promises';
import { ConfigError } from './errors.js';

/** Progress of a bulk sync, enough to resume it. */
export interface SyncCheckpoint {
  version: 1;
  /** Stable for the whole sync, across resumes: batch n is sent with Idempotency-Key `<runId>.<n>`. */
  runId: string;
  batchSize: number;
  /** Every record with a smaller source index is acknowledged (synced or rejected). */
  acknowledged: number;
  /** Batches beyond `acknowledged` that are acknowledged too (batches finish out of order). */
  doneBatches: number[];
  /** Totals since the sync began. */
  synced: number;
  rejected: number;
}

/** Where a sync keeps its checkpoint. `save` must be durable when it resolves. */
export interface CheckpointStore {
  load(): Promise<SyncCheckpoint | undefined>;
  save(checkpoint: SyncCheckpoint): Promise<void>;
}

function isCheckpoint(value: unknown): value is SyncCheckpoint {
  const v = value as SyncCheckpoint;
  return (
    typeof v === 'object' && v !== null && v.version === 1 && typeof v.runId === 'string' && Number.isInteger(v.batchSize) &&
    Number.isInteger(v.acknowledged) && Array.isArray(v.doneBatches) && Number.isInteger(v.synced) && Number.isInteger(v.rejected)
  );
}

/**
 * A checkpoint in a JSON file, replaced atomically (write a temporary file, fsync, rename), so a
 * crash at any moment leaves either the previous checkpoint or the new one.
 */
export function fileCheckpoint(path: string, options: { fsync?: boolean } = {}): CheckpointStore {
  const fsync = options.fsync ?? true;
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new ConfigError(`checkpoint file ${path} is not JSON; delete it to start the sync over`);
      }
      if (!isCheckpoint(value)) throw new ConfigError(`checkpoint file ${path} is not a sync checkpoint (version 1)`);
      return value;
    },
    async save(checkpoint) {
      const tmp = `${path}.${process.pid}.tmp`;
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(JSON.stringify(checkpoint));
        if (fsync) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
    },
  };
}

/** A checkpoint kept in memory (for tests, or a sync that need not survive the process). */
export function memoryCheckpoint(initial?: SyncCheckpoint): CheckpointStore & { current: SyncCheckpoint | undefined } {
  const store = {
    current: initial ? structuredClone(initial) : undefined,
    load: async () => (store.current ? structuredClone(store.current) : undefined),
    save: async (c: SyncCheckpoint) => {
      store.current = structuredClone(c);
    },
  };
  return store;
}
