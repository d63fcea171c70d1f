/**
 * Throughput of the reference agency against bare node:http on the same machine and in the
 * same run: the public lookup (rate limit off for the bench), the authenticated lookup
 * (JWT verification) and receiveDossier (token, signature verification, validation,
 * SQLite transaction). Prints requests/s and the ratio to the baseline.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakePortal } from '../test/support/fake-portal.js';
import { submission } from '../test/support/http.js';

const CONCURRENCY = 16;

async function measure(label: string, total: number, request: (i: number) => Promise<Response>): Promise<number> {
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        const res = await request(i);
        await res.arrayBuffer();
        if (res.status >= 400) failures += 1;
      }
    }),
  );
  const rps = total / ((performance.now() - started) / 1000);
  console.log(`${label.padEnd(34)} ${rps.toFixed(0).padStart(7)} req/s${failures ? `  (${failures} failed)` : ''}`);
  return rps;
}

async function main(): Promise<void> {
  const baseline = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"MaHoSo":"000.00.06.H56-250701-0001","TrangThaiHoSo":"4","DaHoanThanh":false}');
  });
  await new Promise<void>((r) => baseline.listen(0, '127.0.0.1', () => r()));
  const baseUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}`;

  const portal = await FakePortal.start();
  const agency = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_STEP_INTERVAL_MS: '3600000', DVC_PUBLIC_LOOKUP_LIMIT: '1000000', DVC_REVOCATION_MODE: process.env.BENCH_REVOCATION ?? 'soft-fail' })));
  const write = await portal.token({ scope: 'agency.dossiers.write' });
  const owner = await portal.token({ SoDinhDanh: '038190004521' });
  const first = await fetch(`${agency.url}/v1/dossiers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${write}`, 'content-type': 'application/json', 'idempotency-key': 'bench-seed-0001', 'x-dvc-signature': await portal.sign((await Promise.resolve(submission({ MaHoSoQuocGia: 'BENCH-SEED' })))) },
    body: JSON.stringify(submission({ MaHoSoQuocGia: 'BENCH-SEED' })),
  });
  const code = ((await first.json()) as { MaHoSo: string }).MaHoSo;

  // Signatures are made before timing: the bench measures the receiver.
  const RECEIVES = 300;
  const bodies = Array.from({ length: RECEIVES }, (_, i) => submission({ MaHoSoQuocGia: `BENCH-${i}` }));
  const signatures = await Promise.all(bodies.map((b) => portal.sign(b)));

  const base = await measure('bare node:http (baseline)', 4000, () => fetch(`${baseUrl}/v1/public/dossiers/${code}`));
  const pub = await measure('public lookup', 4000, () => fetch(`${agency.url}/v1/public/dossiers/${code}`));
  const auth = await measure('authenticated lookup (JWT)', 2000, () => fetch(`${agency.url}/v1/dossiers/${code}`, { headers: { authorization: `Bearer ${owner}` } }));
  const rcv = await measure('receiveDossier (JWT+JWS+schema+SQL)', RECEIVES, (i) =>
    fetch(`${agency.url}/v1/dossiers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${write}`, 'content-type': 'application/json', 'idempotency-key': `bench-key-${String(i).padStart(6, '0')}`, 'x-dvc-signature': signatures[i]! },
      body: JSON.stringify(bodies[i]),
    }),
  );
  console.log('\nratio to the baseline:');
  for (const [label, v] of [['public lookup', pub], ['authenticated lookup', auth], ['receiveDossier', rcv]] as const) {
    console.log(`  ${label.padEnd(22)} ${(v / base).toFixed(3)}×`);
  }
  await agency.close();
  await portal.close();
  baseline.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
