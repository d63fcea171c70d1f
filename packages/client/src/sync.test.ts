import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startBatchSink, type BatchSink } from '../test/batch-server.js';
import { countingBearerProvider, dossierSource, makeDossier } from '../test/fixtures.js';
import { json, problem, startServer } from '../test/server.js';
import { fileCheckpoint, memoryCheckpoint } from './checkpoint.js';
import { ConfigError, SyncError } from './errors.js';
import { createNationalPortalClient, type NationalPortalClient } from './national-portal-client.js';
import type { Dossier } from '@dvc-kit/spec';
import type { SyncRecordResult } from './sync.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function clientFor(url: string, extra: Partial<Parameters<typeof createNationalPortalClient>[0]> = {}): NationalPortalClient {
  const c = createNationalPortalClient({
    baseUrl: url,
    auth: countingBearerProvider(),
    signer: async () => 'eyJhbGciOiJFUzI1NiJ9..c2ln',
    retries: { maxRetries: 4, baseDelayMs: 2 },
    ...extra,
  });
  cleanups.push(() => c.close());
  return c;
}

async function sink(options: Parameters<typeof startBatchSink>[0] = {}): Promise<BatchSink> {
  const s = await startBatchSink(options);
  cleanups.push(() => s.close());
  return s;
}

function expectExactlyOnce(s: BatchSink, count: number): void {
  expect(s.applied.size).toBe(count);
  expect(s.appliedCount()).toBe(count);
  for (let i = 0; i < count; i++) expect(s.applied.get(makeDossier(i).MaHoSo)).toBe(1);
}

describe('syncDossiers', () => {
  it('syncs 100,000 dossiers through a server failing 20% of requests (500, 503, 429, resets): each applied exactly once', async () => {
    const s = await sink({ failureRate: 0.2, seed: 7 });
    const client = clientFor(s.url);
    const count = 100_000;
    const seen = new Uint8Array(count);
    const summary = await client.syncDossiers(dossierSource(count), {
      batchSize: 500,
      concurrency: 4,
      checkpoint: memoryCheckpoint(),
      onResult: (r) => {
        seen[r.index]!++;
      },
    });
    expect(summary).toMatchObject({ read: count, skipped: 0, synced: count, rejected: 0, created: count, batches: count / 500 });
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(s.stats.injected).toBeGreaterThan(20);
    expect(s.stats.replays).toBeGreaterThan(0);
    expectExactlyOnce(s, count);
  }, 120_000);

  it('reads the source no further ahead than the batches in flight (back-pressure)', async () => {
    const s = await sink();
    let read = 0;
    let acknowledged = 0;
    let maxAhead = 0;
    async function* counted() {
      for (let i = 0; i < 5000; i++) {
        read++;
        maxAhead = Math.max(maxAhead, read - acknowledged);
        yield makeDossier(i);
      }
    }
    await clientFor(s.url).syncDossiers(counted(), {
      batchSize: 100,
      concurrency: 3,
      onResult: () => {
        acknowledged++;
      },
    });
    expect(acknowledged).toBe(5000);
    // three batches in flight plus the one being filled
    expect(maxAhead).toBeLessThanOrEqual(4 * 100);
  });

  it('reports rejected records with their problem, and synced ones, each exactly once', async () => {
    const rejected = new Set([makeDossier(3).MaHoSo, makeDossier(250).MaHoSo]);
    const s = await sink({ rejectCodes: rejected });
    const results: SyncRecordResult[] = [];
    const summary = await clientFor(s.url).syncDossiers(dossierSource(301), { batchSize: 100, onResult: (r) => void results.push(r) });
    expect(summary).toMatchObject({ synced: 299, rejected: 2, batches: 4 });
    expect(results).toHaveLength(301);
    const bad = results.filter((r) => r.status === 'rejected');
    expect(bad.map((r) => r.index).sort((a, b) => a - b)).toEqual([3, 250]);
    expect(bad[0]!.problem?.status).toBe(422);
  });

  it('reports records that are not dossiers as rejected without sending them, and sends the rest', async () => {
    const s = await sink();
    const results: SyncRecordResult[] = [];
    const source = [makeDossier(0), null, makeDossier(2), { MaHoSo: 42 }, makeDossier(4)] as never as Iterable<Dossier>;
    const summary = await clientFor(s.url).syncDossiers(source, { batchSize: 2, onResult: (r) => void results.push(r) });
    expect(summary).toMatchObject({ synced: 3, rejected: 2 });
    expect(results.sort((a, b) => a.index - b.index).map((r) => [r.index, r.status])).toEqual([
      [0, 'synced'],
      [1, 'rejected'],
      [2, 'synced'],
      [3, 'rejected'],
      [4, 'synced'],
    ]);
    expect(results[1]!.problem?.title).toBe('Not a dossier');
    expect([...s.applied.keys()].sort()).toEqual([0, 2, 4].map((i) => makeDossier(i).MaHoSo));
  });

  it('rejects every record of a batch the portal refuses as a whole (413), and goes on', async () => {
    const server = await startServer((req, res) => {
      const { items } = JSON.parse(req.body) as { items: Array<{ MaHoSo: string }> };
      if (items.some((d) => d.MaHoSo === makeDossier(5).MaHoSo)) return problem(res, 413, 'payload-too-large', 'too big');
      json(res, 200, { results: items.map((d, index) => ({ index, key: d.MaHoSo, outcome: 'created', version: 1 })), summary: { created: items.length, updated: 0, unchanged: 0, rejected: 0 } });
    });
    cleanups.push(() => server.close());
    const results: SyncRecordResult[] = [];
    const summary = await clientFor(server.url).syncDossiers(dossierSource(30), { batchSize: 10, onResult: (r) => void results.push(r) });
    expect(summary).toMatchObject({ synced: 20, rejected: 10 });
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.index < 10 && r.problem?.status === 413)).toBe(true);
  });

  it('reports a record the answer left out as rejected, never drops it', async () => {
    const server = await startServer((req, res) => {
      const { items } = JSON.parse(req.body) as { items: Array<{ MaHoSo: string }> };
      json(res, 200, { results: items.slice(1).map((d, i) => ({ index: i + 1, key: d.MaHoSo, outcome: 'created' })), summary: { created: items.length - 1, updated: 0, unchanged: 0, rejected: 0 } });
    });
    cleanups.push(() => server.close());
    const results: SyncRecordResult[] = [];
    await clientFor(server.url).syncDossiers(dossierSource(4), { batchSize: 2, onResult: (r) => void results.push(r) });
    expect(results.filter((r) => r.status === 'rejected').map((r) => r.index).sort()).toEqual([0, 2]);
  });

  it('stops with SyncError when a batch keeps failing, and a second run resumes from the checkpoint', async () => {
    let down = false;
    let tripped = false;
    const s = await sink();
    const proxy = await startServer(async (req, res) => {
      if (down) return problem(res, 503, 'unavailable', 'down', { 'retry-after': '0' });
      const r = await fetch(`${s.url}/v1/dossier-batches`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': String(req.headers['idempotency-key']) }, body: req.body });
      json(res, r.status, await r.json());
      if (!tripped && s.appliedCount() >= 300) down = tripped = true;
    });
    cleanups.push(() => proxy.close());
    const checkpoint = memoryCheckpoint();
    const client = clientFor(proxy.url, { retries: { maxRetries: 1, baseDelayMs: 1 },  });
    const first = await client.syncDossiers(dossierSource(1000), { batchSize: 100, concurrency: 1, checkpoint, batchAttempts: 2 }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(SyncError);
    expect((first as SyncError).acknowledged).toBe(300);
    expect(checkpoint.current?.acknowledged).toBe(300);
    expect((first as SyncError).checkpoint).toEqual(checkpoint.current);
    down = false;
    const second = await client.syncDossiers(dossierSource(1000), { batchSize: 100, concurrency: 1, checkpoint });
    expect(second).toMatchObject({ skipped: 300, synced: 700 });
    expectExactlyOnce(s, 1000);
  });

  it('keeps batch boundaries and keys when resuming with a different batchSize option', async () => {
    const checkpoint = memoryCheckpoint({ version: 1, runId: 'run-1', batchSize: 50, acknowledged: 100, doneBatches: [3], synced: 150, rejected: 0 });
    const s = await sink();
    const summary = await clientFor(s.url).syncDossiers(dossierSource(250), { batchSize: 10, checkpoint });
    // batches 0,1 (acknowledged) and 3 (done out of order) are skipped: 150 records
    expect(summary).toMatchObject({ skipped: 150, synced: 100, batches: 2 });
    expect(checkpoint.current).toMatchObject({ acknowledged: 250, doneBatches: [], synced: 250 });
    const expected = [...Array.from({ length: 50 }, (_, i) => 100 + i), ...Array.from({ length: 50 }, (_, i) => 200 + i)].map((i) => makeDossier(i).MaHoSo);
    expect([...s.applied.keys()].sort()).toEqual(expected.sort());
  });

  it('stops on abort: AbortError, nothing acknowledged is lost from the checkpoint', async () => {
    const s = await sink();
    const controller = new AbortController();
    const checkpoint = memoryCheckpoint();
    let results = 0;
    const e = await clientFor(s.url)
      .syncDossiers(dossierSource(5000), {
        batchSize: 100,
        checkpoint,
        signal: controller.signal,
        onResult: () => {
          if (++results === 1000) controller.abort(new Error('operator stopped the sync'));
        },
      })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'CLIENT_ABORTED' });
    expect(checkpoint.current!.acknowledged).toBeLessThan(5000);
    const rest = await clientFor(s.url).syncDossiers(dossierSource(5000), { batchSize: 100, checkpoint });
    // everything whose result was delivered before the abort is skipped on resume (batches may finish out of order)
    expect(rest.skipped).toBeGreaterThanOrEqual(1000);
    expect(rest.skipped + rest.synced).toBe(5000);
    expectExactlyOnce(s, 5000);
  });

  it('a source that throws stops the sync with SyncError after the batches in flight are acknowledged', async () => {
    const s = await sink();
    async function* broken() {
      yield* dossierSource(250);
      throw new Error('database connection lost');
    }
    const checkpoint = memoryCheckpoint();
    const e = (await clientFor(s.url).syncDossiers(broken(), { batchSize: 100, checkpoint }).catch((x: unknown) => x)) as SyncError;
    expect(e).toBeInstanceOf(SyncError);
    expect((e.cause as Error).message).toBe('database connection lost');
    expect(checkpoint.current!.acknowledged).toBe(200);
    expect(s.applied.size).toBe(200);
  });

  it('refuses bad options and a corrupt checkpoint file', async () => {
    const client = clientFor('http://127.0.0.1:9');
    await expect(client.syncDossiers([], { batchSize: 1001 })).rejects.toBeInstanceOf(ConfigError);
    await expect(client.syncDossiers([], { concurrency: 0 })).rejects.toBeInstanceOf(ConfigError);
    const dir = await mkdtemp(join(tmpdir(), 'dvc-sync-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'cp.json'), '{"version":');
    await expect(client.syncDossiers([], { checkpoint: fileCheckpoint(join(dir, 'cp.json')) })).rejects.toThrow(/not JSON/);
  });

  it('resumes after the syncing process is killed with SIGKILL half way: every dossier exactly once', async () => {
    const s = await sink({ failureRate: 0.1, seed: 11 });
    const dir = await mkdtemp(join(tmpdir(), 'dvc-sync-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const checkpointPath = join(dir, 'checkpoint.json');
    const count = 20_000;
    const script = fileURLToPath(new URL('../test/sync-child.ts', import.meta.url));
    const run = () => spawn(process.execPath, ['--import', 'tsx', script, s.url, checkpointPath, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });

    const first = run();
    let stderr = '';
    first.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killed = await new Promise<string | null>((resolve, reject) => {
      const poll = setInterval(() => {
        if (s.appliedCount() >= count / 2) {
          clearInterval(poll);
          first.kill('SIGKILL');
        }
      }, 5);
      first.on('exit', (_code, signal) => {
        clearInterval(poll);
        resolve(signal);
      });
      first.on('error', reject);
    });
    expect(killed, stderr).toBe('SIGKILL');
    expect(s.applied.size).toBeLessThan(count);
    const checkpoint = JSON.parse(await readFile(checkpointPath, 'utf8')) as { acknowledged: number };
    expect(checkpoint.acknowledged).toBeGreaterThan(0);

    const second = run();
    let out = '';
    second.stdout.on('data', (c: Buffer) => (out += c.toString()));
    second.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => second.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(out) as { skipped: number; synced: number; rejected: number };
    expect(summary.skipped).toBeGreaterThanOrEqual(checkpoint.acknowledged);
    expect(summary.skipped + summary.synced).toBe(count);
    expectExactlyOnce(s, count);
  }, 90_000);
});
