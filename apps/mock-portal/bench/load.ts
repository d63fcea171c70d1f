/**
 * Load: 100,000 requests at concurrency 128 against the HTTP server (in its own process):
 * catalogue reads (rest, bearer token), dossier creates through the dvcqg envelope, and
 * signed rest upserts. Passes when there are 0 errors and the store holds exactly the
 * acknowledged writes. `LOAD_TOTAL` / `LOAD_CONCURRENCY` override the figures.
 */
import { request } from 'undici';
import { DOSSIER, register, signedJson, token } from '../test/scenario.js';
import { send } from '../test/helpers.js';
import { drive, startChild, type Shot } from './harness.js';

const TOTAL = Number(process.env.LOAD_TOTAL ?? 100_000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 128);

const server = await startChild(['mock']);
try {
  const base = server.url;
  const creds = await register(send, base, { clientId: 'load-h56', agencyCode: '000.00.00.H56', dvcqgUsername: 'load', dvcqgPassword: 'load-password' });
  const access = await token(send, base, creds);
  const login = JSON.parse((await send('POST', `${base}/dvcqg/login`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'load', password: 'load-password' }) })).text) as { session: string };
  // Pre-signed rest upserts (signing is the client's cost, not the server's).
  const SIGNED = Math.min(2000, Math.floor(TOTAL / 50));
  const signed: { code: string; body: string; signature: string }[] = [];
  for (let i = 0; i < SIGNED; i++) {
    const code = `000.00.06.H56-251124-${String(i + 1).padStart(6, '0')}`;
    const s = await signedJson(creds, { ...DOSSIER, MaHoSo: code });
    signed.push({ code, ...s });
  }
  let dvcqgSeq = 0;
  let signedSeq = 0;
  let acknowledged = 0;
  const kinds: ('read' | 'dvcqg' | 'rest')[] = [];
  const result = await drive(base, {
    concurrency: CONCURRENCY,
    total: TOTAL,
    next: (i): Shot => {
      const slot = i % 50;
      if (slot === 0 && signedSeq < signed.length) {
        const s = signed[signedSeq++]!;
        kinds[i] = 'rest';
        return { method: 'PUT', path: `/v1/dossiers/${s.code}`, headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', 'x-dvc-signature': s.signature }, body: s.body };
      }
      if (slot % 4 === 1) {
        kinds[i] = 'dvcqg';
        const code = `000.00.06.H56-251123-${String(++dvcqgSeq).padStart(6, '0')}`;
        return { method: 'POST', path: '/dvcqg/integration', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session: login.session, madonvi: '000.00.00.H56', service: 'DongBoHoSoMC', isUpdating: 'False', data: [{ ...DOSSIER, MaHoSo: code }] }) };
      }
      kinds[i] = 'read';
      return { method: 'GET', path: '/v1/procedures?limit=20', headers: { authorization: `Bearer ${access}` } };
    },
    check: (i, status, body) => {
      if (kinds[i] === 'rest') {
        if (status === 201) acknowledged++;
        return status === 201;
      }
      if (kinds[i] === 'dvcqg') {
        const answer = status === 200 ? (JSON.parse(body) as { error_code: string; result?: { error_code: string }[] }) : undefined;
        const ok = answer?.error_code === '0' && answer.result?.[0]?.error_code === '0';
        if (ok) acknowledged++;
        return ok;
      }
      return status === 200;
    },
  });
  const counts = (await (await request(`${base}/__admin/store`)).body.json()) as { dossiers: number };
  const lost = acknowledged - counts.dossiers;
  console.log(`load: ${result.requests} requests at concurrency ${CONCURRENCY} in ${result.seconds.toFixed(1)} s = ${result.rps.toFixed(0)} req/s`);
  console.log(`load: errors ${result.errors}; acknowledged writes ${acknowledged}; dossiers in the store ${counts.dossiers}; lost writes ${lost}`);
  for (const s of result.errorSamples) console.log(`  sample error: ${s}`);
  if (result.errors !== 0 || lost !== 0) process.exitCode = 1;
} finally {
  await server.stop();
}
