import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A `POST /v1/dossier-batches` endpoint with the portal's semantics (upsert by MaHoSo, per-record
 * results, idempotency keys replayed), that fails a share of the requests on purpose: 500 and
 * 503 and 429 before applying anything, and connection resets *after* applying (the answer is
 * lost, so only the idempotency key keeps the retry from applying twice).
 */
export interface BatchSink {
  url: string;
  /** MaHoSo → how many times the record was applied. */
  applied: Map<string, number>;
  /** Records applied so far (a record applied twice counts twice). */
  appliedCount(): number;
  stats: { requests: number; injected: number; replays: number };
  close(): Promise<void>;
}

export async function startBatchSink(options: { failureRate?: number; seed?: number; rejectCodes?: Set<string> } = {}): Promise<BatchSink> {
  const failureRate = options.failureRate ?? 0;
  let seed = options.seed ?? 42;
  // Deterministic pseudo-random faults (mulberry32) so a failing run can be repeated.
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const applied = new Map<string, number>();
  const answers = new Map<string, string>();
  let total = 0;
  const stats = { requests: 0, injected: 0, replays: 0 };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      stats.requests++;
      const key = String(req.headers['idempotency-key'] ?? '');
      if (req.method !== 'POST' || req.url !== '/v1/dossier-batches' || !key) {
        res.writeHead(400, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'https://dvc-kit.dev/problems/malformed-request', title: 'bad', status: 400 }));
        return;
      }
      const replay = answers.get(key);
      if (replay) {
        stats.replays++;
        res.writeHead(200, { 'content-type': 'application/json', 'idempotent-replayed': 'true' }).end(replay);
        return;
      }
      const roll = random();
      const fault = roll < failureRate ? Math.floor((roll / failureRate) * 4) : -1;
      if (fault === 0 || fault === 1 || fault === 2) {
        stats.injected++;
        const status = [500, 503, 429][fault]!;
        res.writeHead(status, { 'content-type': 'application/problem+json', 'retry-after': '0' }).end(JSON.stringify({ type: 'about:blank', title: 'injected', status }));
        return;
      }
      const { items } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items: Array<{ MaHoSo: string }> };
      const results = items.map((d, index) => {
        if (options.rejectCodes?.has(d.MaHoSo)) {
          return { index, key: d.MaHoSo, outcome: 'rejected', problem: { type: 'https://dvc-kit.dev/problems/validation', title: 'Invalid', status: 422 } };
        }
        const n = (applied.get(d.MaHoSo) ?? 0) + 1;
        applied.set(d.MaHoSo, n);
        total++;
        return { index, key: d.MaHoSo, outcome: n === 1 ? 'created' : 'updated', version: n };
      });
      const summary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
      for (const r of results) summary[r.outcome as keyof typeof summary]++;
      const body = JSON.stringify({ results, summary });
      answers.set(key, body);
      if (fault === 3) {
        stats.injected++;
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    applied,
    appliedCount: () => total,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
