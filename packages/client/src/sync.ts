import { randomUUID } from 'node:crypto';
import type { Dossier, NationalPortal, Problem } from '@dvc-kit/spec';
import { AbortError, ApiError, ClientError, ConfigError, NetworkError, SyncError, TimeoutError } from './errors.js';
import type { CheckpointStore, SyncCheckpoint } from './checkpoint.js';
import { backoffDelay, sleep } from './retry.js';
import type { CallOptions } from './types.js';

type BatchAnswer = NationalPortal.operations['syncDossierBatch']['responses'][200]['content']['application/json'];
type BatchOutcome = BatchAnswer['results'][number]['outcome'];

/** What happened to one dossier. Every record read from the source ends as exactly one of these. */
export interface SyncRecordResult {
  /** Position in the source (0-based). */
  index: number;
  MaHoSo: string;
  status: 'synced' | 'rejected';
  /** The portal's outcome: created, updated, unchanged, or rejected. */
  outcome: BatchOutcome;
  /** Why it was rejected. */
  problem?: Problem;
}

export interface SyncOptions {
  /** Records per batch (1–1000, default 500). Fixed for a run: resuming keeps the checkpoint's. */
  batchSize?: number;
  /** Batches in flight at once (default 4). The source is read no faster than they complete. */
  concurrency?: number;
  /** Where progress is kept, to resume after a crash (e.g. `fileCheckpoint(path)`). */
  checkpoint?: CheckpointStore;
  /** Called for each record once its batch is answered, before the checkpoint moves past it; awaited. */
  onResult?: (result: SyncRecordResult) => void | Promise<void>;
  /**
   * Attempts per batch when it fails transiently even after the client's own retries (5xx, 429,
   * resets, timeouts), with backoff in between, the same Idempotency-Key every time (default 8).
   */
  batchAttempts?: number;
  signal?: AbortSignal;
}

export interface SyncSummary {
  /** Records read from the source in this run (skipped ones included). */
  read: number;
  /** Records a previous run had already acknowledged (per the checkpoint). */
  skipped: number;
  synced: number;
  rejected: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Batches sent in this run. */
  batches: number;
}

type SendBatch = (items: Dossier[], options: CallOptions) => Promise<BatchAnswer>;

const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

const NOT_A_DOSSIER: Problem = {
  type: 'https://dvc-kit.dev/problems/validation',
  title: 'Not a dossier',
  status: 422,
  detail: 'the source gave a record that is not an object with a string MaHoSo; it was not sent',
};

function isDossierLike(item: unknown): item is Dossier {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && typeof (item as Dossier).MaHoSo === 'string' && (item as Dossier).MaHoSo !== '';
}

function codeOf(item: unknown): string {
  const code = typeof item === 'object' && item !== null ? (item as { MaHoSo?: unknown }).MaHoSo : undefined;
  return typeof code === 'string' ? code : '';
}

function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof TimeoutError) return true;
  return error instanceof ApiError && TRANSIENT_STATUS.has(error.status);
}

/**
 * Streams `source` through `syncDossierBatch`. Batches are numbered from the start of the source
 * (batch n holds records n·batchSize … ), and batch n is always sent with the Idempotency-Key
 * `<runId>.<n>`, so a batch re-sent after a crash is answered from the portal's idempotency
 * store instead of applied twice. The source must give the same records in the same order when
 * a run is resumed.
 */
export async function syncDossiers(source: AsyncIterable<Dossier> | Iterable<Dossier>, options: SyncOptions, sendBatch: SendBatch): Promise<SyncSummary> {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError(`concurrency must be a positive integer, got ${concurrency}`);
  const batchAttempts = options.batchAttempts ?? 8;
  const loaded = options.checkpoint ? await options.checkpoint.load() : undefined;
  const batchSize = loaded?.batchSize ?? options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new ConfigError(`batchSize must be an integer from 1 to 1000, got ${batchSize}`);
  const state: SyncCheckpoint = loaded ?? { version: 1, runId: randomUUID(), batchSize, acknowledged: 0, doneBatches: [], synced: 0, rejected: 0 };
  const done = new Set(state.doneBatches);
  let lowestOpen = Math.floor(state.acknowledged / batchSize);
  const summary: SyncSummary = { read: 0, skipped: 0, synced: 0, rejected: 0, created: 0, updated: 0, unchanged: 0, batches: 0 };
  const signal = options.signal;

  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    if (!options.checkpoint) return Promise.resolve();
    const snapshot: SyncCheckpoint = { ...state, doneBatches: [...done].sort((a, b) => a - b) };
    saving = saving.then(() => options.checkpoint!.save(snapshot));
    return saving;
  };

  const inflight = new Set<Promise<void>>();
  let failure: unknown;

  /**
   * `sent[k]` is the position of record k in the request, or -1 for a record refused here
   * (not an object with a string `MaHoSo`: it cannot be upserted, and is reported, not sent).
   */
  const finishBatch = async (batchNo: number, first: number, items: Dossier[], sent: number[], answer: BatchAnswer | { rejectedWith: Problem }) => {
    const byIndex = 'results' in answer ? new Map(answer.results.map((r) => [r.index, r])) : undefined;
    for (let k = 0; k < items.length; k++) {
      const code = codeOf(items[k]);
      let result: SyncRecordResult;
      if (sent[k] === -1) {
        result = { index: first + k, MaHoSo: code, status: 'rejected', outcome: 'rejected', problem: NOT_A_DOSSIER };
      } else if ('rejectedWith' in answer) {
        result = { index: first + k, MaHoSo: code, status: 'rejected', outcome: 'rejected', problem: answer.rejectedWith };
      } else {
        const r = byIndex!.get(sent[k]!);
        if (!r) {
          // The portal must answer every record; one it left out is reported, never dropped.
          const problem: Problem = { type: 'about:blank', title: 'No result for this record', status: 502, detail: `the batch answer has no result for index ${sent[k]}` };
          result = { index: first + k, MaHoSo: code, status: 'rejected', outcome: 'rejected', problem };
        } else {
          result = { index: first + k, MaHoSo: code, status: r.outcome === 'rejected' ? 'rejected' : 'synced', outcome: r.outcome };
          if (r.problem) result.problem = r.problem;
        }
      }
      if (result.status === 'synced') {
        summary.synced++;
        state.synced++;
        summary[result.outcome as 'created' | 'updated' | 'unchanged']++;
      } else {
        summary.rejected++;
        state.rejected++;
      }
      if (options.onResult) await options.onResult(result);
    }
    done.add(batchNo);
    while (done.has(lowestOpen)) done.delete(lowestOpen++);
    state.acknowledged = lowestOpen * batchSize;
    await save();
  };

  const runBatch = async (batchNo: number, first: number, items: Dossier[]): Promise<void> => {
    const idempotencyKey = `${state.runId}.${batchNo}`;
    const sent: number[] = [];
    const toSend: Dossier[] = [];
    for (const item of items) sent.push(isDossierLike(item) ? toSend.push(item) - 1 : -1);
    if (toSend.length === 0) return finishBatch(batchNo, first, items, sent, { results: [], summary: { created: 0, updated: 0, unchanged: 0, rejected: 0 } });
    summary.batches++;
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await sendBatch(toSend, { idempotencyKey, ...(signal ? { signal } : {}) });
        await finishBatch(batchNo, first, items, sent, answer);
        return;
      } catch (error) {
        if (isTransient(error) && attempt < batchAttempts && !signal?.aborted) {
          await sleep(backoffDelay(attempt, { baseDelayMs: 200, maxDelayMs: 5_000, maxRetries: batchAttempts }), signal).catch(() => undefined);
          if (!signal?.aborted) continue;
        }
        if (error instanceof ApiError && !isTransient(error) && error.status !== 401) {
          // The portal refused the batch as a whole (too large, malformed, forbidden): each record gets that problem.
          await finishBatch(batchNo, first, items, sent, { rejectedWith: error.problem });
          return;
        }
        throw error;
      }
    }
  };

  const launch = async (batchNo: number, first: number, items: Dossier[]) => {
    while (inflight.size >= concurrency) await Promise.race(inflight);
    if (failure !== undefined) return;
    const p: Promise<void> = runBatch(batchNo, first, items)
      .catch((error) => {
        failure ??= error;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  let buffer: Dossier[] = [];
  let bufferBatch = -1;
  let index = 0;
  try {
    for await (const dossier of source as AsyncIterable<Dossier>) {
      if (failure !== undefined || signal?.aborted) break;
      const i = index++;
      summary.read++;
      const batchNo = Math.floor(i / batchSize);
      if (i < state.acknowledged || done.has(batchNo)) {
        summary.skipped++;
        continue;
      }
      if (batchNo !== bufferBatch) {
        if (buffer.length > 0) await launch(bufferBatch, bufferBatch * batchSize, buffer);
        buffer = [];
        bufferBatch = batchNo;
      }
      buffer.push(dossier);
      if (buffer.length === batchSize) {
        await launch(bufferBatch, bufferBatch * batchSize, buffer);
        buffer = [];
        bufferBatch = -1;
      }
    }
    if (buffer.length > 0 && failure === undefined && !signal?.aborted) await launch(bufferBatch, bufferBatch * batchSize, buffer);
  } catch (error) {
    failure ??= error;
  }
  await Promise.all(inflight);
  await saving;
  if (failure === undefined && signal?.aborted) failure = new AbortError(signal.reason);
  if (failure !== undefined) {
    if (failure instanceof AbortError) throw failure;
    const reason = failure instanceof ClientError ? `${failure.code}: ${failure.message}` : String((failure as Error)?.message ?? failure);
    throw new SyncError(`dossier sync stopped after ${summary.synced + summary.rejected} records of this run were acknowledged; run it again with the same checkpoint to resume (${reason})`, {
      cause: failure,
      acknowledged: summary.synced + summary.rejected,
      checkpoint: { ...state, doneBatches: [...done].sort((a, b) => a - b) },
    });
  }
  return summary;
}
