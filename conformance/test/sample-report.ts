import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requirements } from '@dvc-kit/spec';
import { defineCheck } from '../src/check.js';
import { buildReport, type ConformanceReport } from '../src/report.js';
import { runChecks } from '../src/runner.js';
import { requirementsInScope, type Scope } from '../src/scope.js';

/**
 * A real report from a real run against a loopback server with one passing, one
 * failing (on a MUST), one warning (a SHOULD) and one skipped check, plus an active waiver.
 */
export async function sampleReport(): Promise<ConformanceReport> {
  const server = createServer((req, res) => {
    if (req.url === '/ok') res.writeHead(200, { 'content-type': 'application/json' }).end('{"MaHoSo":"000.00.06.H56-231027-0361","TrangThaiHoSo":"4","DaHoanThanh":false}');
    else res.writeHead(500, { 'content-type': 'text/plain' }).end('Error: at /srv/app/index.js:12 <script>alert(1)</script>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scope: Scope = { profile: 'province', online: 'full', binding: 'rest' };
  const inScope = new Set(requirementsInScope(requirements, scope).map((r) => r.id));
  const get = (id: string, path: string, reqs: string[], area: 'lookup-public' | 'errors' | 'rate-limits' | 'payment') =>
    defineCheck<string>({
      id,
      title: `GET ${path}`,
      area,
      requirements: reqs,
      run: async (ctx) => {
        const res = await ctx.send({ url: `${ctx.env}${path}`, headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' }, label: `GET ${path}` });
        ctx.verify(res.status === 200, { message: `GET ${path} answers 200`, expected: 200, found: res.status, response: res });
      },
    });
  const checks = [
    get('lookup-public.answers', '/ok', ['DVC-LKP-001'], 'lookup-public'),
    get('errors.no-internals', '/boom', ['DVC-ERR-005'], 'errors'),
    get('rate-limits.headers', '/boom', ['DVC-RATE-003'], 'rate-limits'),
    defineCheck<string>({ id: 'payment.skipped', title: 'skipped', area: 'payment', requirements: ['DVC-PAY-003'], run: async (ctx) => ctx.skip('no fee-charging procedure offered') }),
  ];
  const startedAt = new Date();
  try {
    const results = await runChecks({ checks, catalogue: requirements, inScope, scope, env: base, seed: 7 });
    return buildReport({
      catalogue: requirements,
      inScope,
      scope,
      checks: results,
      target: { url: base, name: 'sample' },
      tool: { name: '@dvc-kit/conformance', version: '0.1.0' },
      seed: 7,
      startedAt,
      finishedAt: new Date(),
      waivers: [{ requirement: 'DVC-RATE-003', reason: 'Gateway adds the headers from Q3', expires: '2099-12-31' }],
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}
