import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realisticDossierRecord } from '../bench/fixtures.js';
import { toProblem, validateRequest, validateResponse } from '../src/index.js';

const dossier = realisticDossierRecord().dossier as Record<string, unknown>;
const signature = 'eyJhbGciOiJFUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il0sIng1YyI6WyJNSUlCLi4uIl19..MEUCIQDx3k';

// A server that guards PUT /v1/dossiers/{MaHoSo} the way the mock portal and the reference agency do.
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/v1\/dossiers\/([^/]+)$/.exec(url.pathname);
    if (!m || req.method !== 'PUT') {
      res.writeHead(404).end();
      return;
    }
    const r = validateRequest('upsertDossier', {
      params: { MaHoSo: decodeURIComponent(m[1]!) },
      query: url.searchParams,
      headers: req.headers,
      rawBody: Buffer.concat(chunks).toString('utf8'),
      json: { maxBytes: 64 * 1024 },
    });
    if (!r.ok) {
      const problem = toProblem(r.errors, { instance: 'req_test' });
      res.writeHead(problem.status, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem));
      return;
    }
    res.writeHead(204).end();
  });
});

let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function put(code: string, body: string, headers: Record<string, string> = { 'x-dvc-signature': signature }) {
  const res = await fetch(`${base}/v1/dossiers/${encodeURIComponent(code)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('validators behind a real HTTP server', () => {
  it('lets a valid request through', async () => {
    const r = await put(dossier.MaHoSo as string, JSON.stringify(dossier));
    expect(r.status).toBe(204);
  });

  it('answers 422 with a problem the spec accepts, pointing at each mistake', async () => {
    const r = await put(dossier.MaHoSo as string, JSON.stringify({ ...dossier, TrangThaiHoSo: '11', NgayHenTra: '20231131170000' }));
    expect(r.status).toBe(422);
    expect(validateResponse('upsertDossier', 422, { body: r.body })).toEqual({ ok: true });
    const errors = r.body!.errors as { pointer: string; code: string }[];
    expect(errors.map((e) => `${e.pointer} ${e.code}`).sort()).toEqual(['/NgayHenTra DATE_NOT_REAL', '/TrangThaiHoSo ENUM']);
  });

  it('answers 400 for bad parameters and an unreadable body, 413 for a body over the limit', async () => {
    const params = await put('not-a-code', JSON.stringify(dossier), {});
    expect(params.status).toBe(400);
    expect((params.body!.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual(['#/header/x-dvc-signature', '#/path/MaHoSo']);
    expect((await put(dossier.MaHoSo as string, '{"MaHoSo":')).status).toBe(400);
    const hostile = await put(dossier.MaHoSo as string, '{"__proto__":{"admin":true}}');
    expect(hostile.status).toBe(400);
    expect((hostile.body!.errors as { code: string }[])[0]!.code).toBe('FORBIDDEN_KEY');
    const big = await put(dossier.MaHoSo as string, JSON.stringify({ ...dossier, GhiChu: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
  });
});
