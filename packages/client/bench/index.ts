// npm run bench: throughput of a typed call against raw undici.request and openapi-fetch on
// global fetch (same loopback server, same run), and a bulk sync of 1,000,000 dossiers from a
// separate plain-node process (bench/sync-client.mjs) whose peak RSS is reported.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CredentialProvider } from '@dvc-kit/auth';
import type { NationalPortal } from '@dvc-kit/spec';
import createOpenApiClient from 'openapi-fetch';
import { Pool } from 'undici';
// The built package, as users run it (turbo builds before bench).
import { createNationalPortalClient, type SyncSummary } from '@dvc-kit/client';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60_000);
const CONCURRENCY = 32;
const ROUNDS = 20;
const DOSSIERS = Number(process.env.BENCH_DOSSIERS ?? 1_000_000);
const CODE = '000.00.06.H56-231027-0361';
const TOKEN = 'bench-token';

async function startServer(): Promise<{ url: string; stop: () => void }> {
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

/** Requests per second of `call`, `CONCURRENCY` at a time. */
async function rate(call: () => Promise<unknown>, count: number): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      await call();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return count / ((performance.now() - t0) / 1000);
}

const staticToken: CredentialProvider = {
  getCredential: async () => ({ type: 'bearer', token: TOKEN, expiresAt: Date.now() + 3_600_000 }),
  invalidate: () => undefined,
};

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function requestThroughput(url: string): Promise<void> {
  const pool = new Pool(url, { connections: 16, keepAliveTimeout: 30_000 });
  // The baseline sends the same request the client sends (its headers, a fresh X-Request-Id), so the ratio is the client's own cost.
  const raw = async () => {
    const res = await pool.request({
      method: 'GET',
      path: `/v1/dossiers/${CODE}`,
      headers: { accept: 'application/json, application/problem+json', 'user-agent': '@dvc-kit/client', 'x-request-id': randomUUID(), authorization: `Bearer ${TOKEN}` },
    });
    return res.body.json();
  };
  const client = createNationalPortalClient({ baseUrl: url, auth: staticToken, transport: { connections: 16 } });
  const typed = () => client.dossiers.get(CODE);
  const ofetch = createOpenApiClient<NationalPortal.paths>({ baseUrl: url });
  const viaFetch = async () => {
    const { data, error } = await ofetch.GET('/v1/dossiers/{MaHoSo}', { params: { path: { MaHoSo: CODE } }, headers: { authorization: `Bearer ${TOKEN}` } });
    if (error || !data) throw new Error('openapi-fetch call failed');
    return data;
  };

  // Warm up every path (JIT, connections). Then many short interleaved rounds, so the three see
  // the same machine (other processes come and go) and the totals compare like with like.
  await rate(raw, 2000);
  await rate(typed, 2000);
  await rate(viaFetch, 1000);
  const time = { raw: 0, typed: 0, fetch: 0 };
  const chunk = Math.max(100, Math.floor(REQUESTS / ROUNDS));
  const contenders = [
    async () => (time.raw += chunk / (await rate(raw, chunk))),
    async () => (time.typed += chunk / (await rate(typed, chunk))),
    async () => (time.fetch += chunk / 4 / (await rate(viaFetch, chunk / 4))),
  ];
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate who goes first, so none always runs right after the garbage another left behind.
    for (let k = 0; k < contenders.length; k++) await contenders[(round + k) % contenders.length]!();
  }
  const best = { raw: (chunk * ROUNDS) / time.raw, typed: (chunk * ROUNDS) / time.typed, fetch: (chunk * ROUNDS) / 4 / time.fetch };
  console.log(`GET /v1/dossiers/{MaHoSo}, ${CONCURRENCY} in flight, ${ROUNDS} interleaved rounds:`);
  console.log(`  raw undici.request, same request ${fmt(best.raw)} req/s  (baseline)`);
  console.log(`  client.dossiers.get (typed)      ${fmt(best.typed)} req/s  ${(best.typed / best.raw).toFixed(2)}× raw undici   (target ≥ 0.90×)`);
  console.log(`  openapi-fetch on global fetch    ${fmt(best.fetch)} req/s`);
  console.log(`  typed client vs openapi-fetch    ${(best.typed / best.fetch).toFixed(2)}×   (target ≥ 2×)`);
  await client.close();
  await pool.close();
}

async function bulkSync(url: string): Promise<void> {
  const BATCH = 1000;
  const IN_FLIGHT = 4;
  const dir = await mkdtemp(join(tmpdir(), 'dvc-client-bench-'));
  const checkpointPath = join(dir, 'checkpoint.json');
  const child = fork(fileURLToPath(new URL('./sync-client.mjs', import.meta.url)), [url, String(DOSSIERS), String(BATCH), String(IN_FLIGHT), checkpointPath], { execArgv: [], stdio: 'inherit' });
  const result = await new Promise<{ seconds: number; summary: SyncSummary; peakRss: number; rssBefore: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as never));
    child.once('exit', (code) => reject(new Error(`bulk sync process exited with ${code}`)));
  });
  const count = (await (await fetch(`${url}/__count`)).json()) as { received: number };
  const checkpoint = JSON.parse(await readFile(checkpointPath, 'utf8')) as { acknowledged: number };
  await rm(dir, { recursive: true, force: true });
  console.log(`syncDossiers, ${fmt(DOSSIERS)} generated dossiers, batches of ${BATCH}, ${IN_FLIGHT} in flight, each batch signed (ES256 over JCS), file checkpoint (fsync) after each batch:`);
  console.log(`  ${fmt(result.summary.synced)} synced, ${result.summary.rejected} rejected; the server received ${fmt(count.received)}; checkpoint at ${fmt(Math.min(checkpoint.acknowledged, DOSSIERS))}; in ${result.seconds.toFixed(1)} s`);
  console.log(`  ${fmt(DOSSIERS / result.seconds)} dossiers/s  (target ≥ 20,000)`);
  console.log(`  peak RSS of the syncing process ${(result.peakRss / 1024 / 1024).toFixed(0)} MB (${(result.rssBefore / 1024 / 1024).toFixed(0)} MB before the sync)  (target < 300 MB)`);
}

const server = await startServer();
try {
  console.log(`@dvc-kit/client bench — node ${process.version}, loopback\n`);
  if (DOSSIERS > 0) {
    await bulkSync(server.url);
    console.log('');
  }
  await requestThroughput(server.url);
} finally {
  server.stop();
}
