// npm run bench: throughput of a typed call against raw undici.request and openapi-fetch on
// global fetch (same loopback server, same run), and a bulk sync of 1,000,000 dossiers.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { CredentialProvider } from '@dvc-kit/auth';
import { createTestPki } from '@dvc-kit/signature';
import type { Dossier, NationalPortal } from '@dvc-kit/spec';
import createOpenApiClient from 'openapi-fetch';
import { Pool } from 'undici';
// The built package, as users run it (turbo builds before bench).
import { createNationalPortalClient } from '@dvc-kit/client';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = 32;
const ROUNDS = 5;
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

  // Warm up every path (JIT, connections), then alternate rounds and keep each one's best.
  await rate(raw, 2000);
  await rate(typed, 2000);
  await rate(viaFetch, 2000);
  const best = { raw: 0, typed: 0, fetch: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    best.raw = Math.max(best.raw, await rate(raw, REQUESTS));
    best.typed = Math.max(best.typed, await rate(typed, REQUESTS));
    best.fetch = Math.max(best.fetch, await rate(viaFetch, REQUESTS / 4));
  }
  console.log(`GET /v1/dossiers/{MaHoSo}, ${CONCURRENCY} in flight, best of ${ROUNDS} rounds:`);
  console.log(`  raw undici.request, same request ${fmt(best.raw)} req/s  (baseline)`);
  console.log(`  client.dossiers.get (typed)      ${fmt(best.typed)} req/s  ${(best.typed / best.raw).toFixed(2)}× raw undici   (target ≥ 0.90×)`);
  console.log(`  openapi-fetch on global fetch    ${fmt(best.fetch)} req/s`);
  console.log(`  typed client vs openapi-fetch    ${(best.typed / best.fetch).toFixed(2)}×   (target ≥ 2×)`);
  await client.close();
  await pool.close();
}

function* generateDossiers(count: number): Generator<Dossier> {
  for (let i = 0; i < count; i++) {
    yield {
      MaHoSo: `000.00.06.H56-231027-${String(i).padStart(7, '0')}`,
      MaTTHC: '1.001612',
      TenTTHC: 'Đăng ký thành lập hộ kinh doanh',
      KenhThucHien: '2',
      ChuHoSo: 'Lê Thị Hồng Nhung',
      LoaiDoiTuong: '1',
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038190004521' }],
      NgayTiepNhan: '20231027083015',
      NgayHenTra: '20231101170000',
      TrangThaiHoSo: '2',
    };
  }
}

async function bulkSync(url: string): Promise<void> {
  const pki = await createTestPki({ serve: false });
  const client = createNationalPortalClient({
    baseUrl: url,
    auth: staticToken,
    signer: { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem },
  });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const t0 = performance.now();
  const summary = await client.syncDossiers(generateDossiers(DOSSIERS), { batchSize: 1000, concurrency: 4 });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  // maxRSS is the kernel's high-water mark for the whole process so far (it catches what sampling misses).
  peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  const count = (await (await fetch(`${url}/__count`)).json()) as { received: number };
  console.log(`syncDossiers, ${fmt(DOSSIERS)} generated dossiers, batches of 1000, 4 in flight, each batch signed (ES256, JCS):`);
  console.log(`  ${fmt(summary.synced)} synced, ${summary.rejected} rejected, server received ${fmt(count.received)} in ${seconds.toFixed(1)} s`);
  console.log(`  ${fmt(DOSSIERS / seconds)} dossiers/s  (target ≥ 20,000)`);
  console.log(`  peak RSS of the client process ${(peakRss / 1024 / 1024).toFixed(0)} MB  (target < 300 MB)`);
  await client.close();
  await (pki as unknown as { close?: () => Promise<void> }).close?.();
}

const server = await startServer();
try {
  console.log(`@dvc-kit/client bench — node ${process.version}, loopback\n`);
  // The sync runs first so the process's max RSS is the sync's.
  if (DOSSIERS > 0) {
    await bulkSync(server.url);
    console.log('');
  }
  await requestThroughput(server.url);
} finally {
  server.stop();
}
