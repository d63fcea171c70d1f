/**
 * Push latency on loopback: for every status change, the time from "recorded" (the step's
 * row in SQLite) to "accepted by the portal" (the outbox entry marked delivered when the
 * portal's answer arrived). Dossiers go 2 → 4 → 9 → 10 with DVC_STEP_INTERVAL_MS=10 (STEP_MS=…), several
 * at a time, so pushes of different dossiers overlap. Prints p50 / p95 / max in ms.
 *
 *   npx tsx bench/push-latency.ts [dossiers=40] [concurrency=8]
 *   AGENCY_SRC=<dir with app.ts> …   measures another copy of src (a before/after comparison)
 *   STEP_MS=200 …   the officials' step interval; SEQUENTIAL=1 …   one dossier at a time, each alone
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FakePortal } from '../test/support/fake-portal.js';
import { call, submission, waitFor } from '../test/support/http.js';

type AppModule = typeof import('../src/app.js');
type ConfigModule = typeof import('../src/config.js');

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 40);
  const concurrency = Number(process.argv[3] ?? 8);
  const src = resolve(process.env.AGENCY_SRC ?? new URL('../src', import.meta.url).pathname);
  const { startReferenceAgency } = (await import(pathToFileURL(`${src}/app.ts`).href)) as AppModule;
  const { loadConfig } = (await import(pathToFileURL(`${src}/config.ts`).href)) as ConfigModule;
  const portal = await FakePortal.start();
  const agency = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_STEP_INTERVAL_MS: process.env.STEP_MS ?? '10' })));
  const token = await portal.token({ scope: 'agency.dossiers.write' });
  const codes: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        const res = await call(portal, agency.url, 'POST', '/v1/dossiers', { token, body: submission(), sign: true });
        const code = res.body.MaHoSo as string;
        codes.push(code);
        // SEQUENTIAL=1: each dossier alone in the system (latency without load).
        if (process.env.SEQUENTIAL) await waitFor(() => portal.statuses(code).includes('10'), `${code} at 10`, 60_000);
      }
    }),
  );
  await waitFor(() => codes.every((c) => portal.statuses(c).includes('10')), 'every dossier at 10 on the portal', 120_000);
  await waitFor(() => agency.services.outbox.entries().every((e) => e.state === 'delivered'), 'every push delivered', 30_000);
  const rows = agency.services.store.db
    .prepare(`SELECT o.delivered_at - s.created_at AS ms FROM outbox o JOIN steps s ON s.id = o.step_id WHERE o.state = 'delivered' ORDER BY ms`)
    .all() as { ms: number }[];
  const ms = rows.map((r) => r.ms);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  console.log(`${src}: ${ms.length} pushes of ${total} dossiers (${concurrency} at a time): p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${ms.at(-1)} ms, mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(1)} ms`);
  await agency.close();
  await portal.close();
}

await main();
