import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { fuzzCases, judge } from './fuzz-cases.js';
import { postJson, send } from './helpers.js';
import { register, token } from './scenario.js';

// A reduced run; `npm run fuzz` sends the full 10,000.
const COUNT = Number(process.env.FUZZ_COUNT ?? 800);

describe('fuzzing every write endpoint', () => {
  let portal: MockPortal;
  let auth: { bearer: string; session: string };
  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 13 });
    const creds = await register(send, portal.url, { clientId: 'fuzz', agencyCode: '000.00.00.H56', dvcqgUsername: 'fuzz', dvcqgPassword: 'fuzz-password' });
    const login = await postJson(`${portal.url}/dvcqg/login`, { username: 'fuzz', password: 'fuzz-password' });
    auth = { bearer: await token(send, portal.url, creds), session: login.body.session };
  });
  afterAll(() => portal.close());

  it(`answers ${COUNT} malformed requests without a 5xx, each in its binding's error shape`, async () => {
    const complaints: string[] = [];
    const cases = fuzzCases(COUNT, 42, auth);
    for (const c of cases) {
      const r = await send(c.method, `${portal.url}${c.path}`, { headers: c.headers, body: c.body });
      const complaint = judge(c, r.status, r.headers, r.text);
      if (complaint) complaints.push(`${c.endpoint} ${c.method} ${c.path}: ${complaint}`);
    }
    expect(complaints.slice(0, 10)).toEqual([]);
    expect(new Set(cases.map((c) => c.endpoint)).size).toBe(11);
    expect((await send('GET', `${portal.url}/__admin/health`)).status).toBe(200);
  });
});
