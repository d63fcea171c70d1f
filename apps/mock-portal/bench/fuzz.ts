/**
 * Fuzz: 10,000 malformed bodies and parameters into every write endpoint of the HTTP
 * server (FUZZ_COUNT overrides). Passes with 0 crashes, 0 5xx, and every answer in its
 * binding's error shape (problem+json for rest, RFC 6749 for the token endpoint, an
 * error_code envelope for dvcqg).
 */
import { startMockPortal } from '../src/index.js';
import { fuzzCases, judge } from '../test/fuzz-cases.js';
import { postJson, send } from '../test/helpers.js';
import { register, token } from '../test/scenario.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const portal = await startMockPortal({ port: 0, seed: 13, journalCapacity: 1000 });
try {
  const creds = await register(send, portal.url, { clientId: 'fuzz', agencyCode: '000.00.00.H56', dvcqgUsername: 'fuzz', dvcqgPassword: 'fuzz-password' });
  const login = await postJson(`${portal.url}/dvcqg/login`, { username: 'fuzz', password: 'fuzz-password' });
  const auth = { bearer: await token(send, portal.url, creds), session: login.body.session as string };
  const cases = fuzzCases(COUNT, Number(process.env.FUZZ_SEED ?? 20251123), auth);
  const statuses = new Map<number, number>();
  const complaints: string[] = [];
  let crashes = 0;
  const t0 = performance.now();
  for (let i = 0; i < cases.length; i += 16) {
    await Promise.all(
      cases.slice(i, i + 16).map(async (c) => {
        try {
          const r = await send(c.method, `${portal.url}${c.path}`, { headers: c.headers, body: c.body });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const complaint = judge(c, r.status, r.headers, r.text);
          if (complaint) complaints.push(`${c.endpoint} ${c.method} ${c.path}: ${complaint}`);
        } catch (e) {
          crashes++;
          complaints.push(`${c.endpoint}: ${(e as Error).message}`);
        }
      }),
    );
  }
  const alive = (await send('GET', `${portal.url}/__admin/health`)).status === 200;
  const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, k]) => n + k, 0);
  console.log(`fuzz: ${cases.length} requests over ${new Set(cases.map((c) => c.endpoint)).size} write endpoints in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`fuzz: crashes ${crashes}, 5xx ${fivexx}, wrong error shape ${complaints.length - crashes - fivexx}, server alive ${alive}`);
  console.log(`fuzz: statuses ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  for (const c of complaints.slice(0, 10)) console.log(`  ${c}`);
  if (complaints.length > 0 || !alive) process.exitCode = 1;
} finally {
  await portal.close();
}
