/**
 * Benchmark: requests per second on a catalogue read (GET /v1/procedures?limit=50 with a
 * bearer token), concurrency 64, each server in its own process:
 *   - the mock portal's HTTP server,
 *   - a bare node:http server answering the same JSON bytes (baseline),
 *   - Stoplight Prism mocking the same document, when it runs.
 * Prints ratios against the baseline measured in this run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { send } from '../test/helpers.js';
import { register, token } from '../test/scenario.js';
import { drive, startChild } from './harness.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const PATH = '/v1/procedures?limit=50';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

/** One short measurement; the servers are measured in turns so that load on the machine hits them alike. */
async function measureOnce(url: string, headers: Record<string, string>, durationMs: number): Promise<number> {
  const r = await drive(url, { concurrency: CONCURRENCY, durationMs, next: () => ({ method: 'GET', path: PATH, headers }) });
  if (r.errors > 0) throw new Error(`${url}: ${r.errors} errors, e.g. ${r.errorSamples[0]}`);
  return r.rps;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function prism(headers: Record<string, string>): Promise<{ url?: string; stop?: () => void; note: string }> {
  let cli: string;
  try {
    cli = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
  } catch {
    return { note: '@stoplight/prism-cli is not installed' };
  }
  const document = fileURLToPath(import.meta.resolve('@dvc-kit/spec/national-portal.json'));
  if (!existsSync(document)) return { note: `no bundled document at ${document}` };
  const port = await freePort();
  const child = spawn(process.execPath, [cli, 'mock', document, '-p', String(port), '-h', '127.0.0.1', '--errors', 'false'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  try {
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const r = await request(`${url}${PATH}`, { headers });
        await r.body.text();
        if (r.statusCode === 200) break;
        child.kill('SIGTERM');
        return { note: `Prism answered HTTP ${r.statusCode} on ${PATH}` };
      } catch {
        if (Date.now() > deadline || child.exitCode !== null) {
          child.kill('SIGTERM');
          return { note: `Prism did not start: ${log.slice(-400)}` };
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    return { url, stop: () => child.kill('SIGTERM'), note: 'Prism 5.14 (static examples, request validation on)' };
  } catch (e) {
    child.kill('SIGTERM');
    throw e;
  }
}

const mock = await startChild(['mock']);
const creds = await register(send, mock.url, { clientId: 'bench-h56', agencyCode: '000.00.00.H56' });
const headers = { authorization: `Bearer ${await token(send, mock.url, creds)}` };
const baselineBody = await (await request(`${mock.url}${PATH}`, { headers })).body.text();
const bare = await startChild(['bare', baselineBody]);
const prismServer = await prism(headers);
const servers: { name: string; url: string; rps: number[] }[] = [
  { name: 'bare', url: bare.url, rps: [] },
  { name: 'mock', url: mock.url, rps: [] },
];
if (prismServer.url) servers.push({ name: 'prism', url: prismServer.url, rps: [] });
try {
  for (const s of servers) await measureOnce(s.url, headers, 500);
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) s.rps.push(await measureOnce(s.url, headers, DURATION_MS / ROUNDS));
  }
} finally {
  await mock.stop();
  await bare.stop();
  prismServer.stop?.();
}
const rps = Object.fromEntries(servers.map((s) => [s.name, median(s.rps)])) as Record<string, number>;
const bareRps = rps.bare!;
const mockRps = rps.mock!;
console.log(`catalogue read ${PATH}, ${(baselineBody.length / 1024).toFixed(1)} KiB, concurrency ${CONCURRENCY}; median of ${ROUNDS} interleaved rounds of ${(DURATION_MS / ROUNDS / 1000).toFixed(2)} s`);
console.log(`  bare node:http   ${bareRps.toFixed(0).padStart(7)} req/s  (baseline)`);
console.log(`  mock portal      ${mockRps.toFixed(0).padStart(7)} req/s  ${(mockRps / bareRps).toFixed(2)}× bare (target ≥ 0.5×)`);
if (rps.prism) {
  console.log(`  Prism            ${rps.prism.toFixed(0).padStart(7)} req/s  ${(rps.prism / bareRps).toFixed(2)}× bare; mock portal = ${(mockRps / rps.prism).toFixed(1)}× Prism (target ≥ 5×) — ${prismServer.note}`);
} else {
  console.log(`  Prism            not measured: ${prismServer.note}`);
}
