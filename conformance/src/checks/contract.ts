import { parsePortalDateTime } from '@dvc-kit/validators';
import { asPortal, check, observed, offeredProcedures, pickProcedure, portalRecord, receive, syncedAt, verifyProblem, type Check, type Ctx } from './support.js';
import type { HttpResponse } from '../evidence.js';

const INTERNALS = [/\bat [^\s()]+ \(?[^\s()]*\.(?:[cm]?js|ts):\d+/, /node_modules/, /(?:^|[\s"'(])\/(?:home|srv|usr|var|opt|work|tmp|root)\/[\w./-]+/, /\b(?:SELECT\s.+\sFROM|INSERT INTO|UPDATE\s\w+\sSET|SQLITE_\w+)/i, /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|URIError):/];

/** The first internal detail (stack frame, path, SQL, error class) an answer shows, if any. */
export function leaksInternals(res: HttpResponse): string | undefined {
  for (const re of INTERNALS) {
    const m = re.exec(res.text);
    if (m) return m[0].slice(0, 80);
  }
  return undefined;
}

const LIST_MAX = 500;

export const contractChecks: Check[] = [
  check({
    id: 'errors.no-internal-details',
    title: 'Error answers reveal no stack traces, file paths, SQL or configuration',
    area: 'errors',
    requirements: ['DVC-ERR-005', 'DVC-ERR-001'],
    run: async (ctx: Ctx) => {
      const probes: { method: string; path: string; body?: string; what: string }[] = [
        { method: 'GET', path: '/v1/public/dossiers/%E0%A4%A', what: 'a path with broken percent-encoding' },
        { method: 'POST', path: '/v1/dossiers', body: '{"MaTTHC": ', what: 'a truncated JSON body' },
        { method: 'POST', path: '/v1/dossiers', body: 'null', what: 'the JSON literal null as body' },
        { method: 'POST', path: '/v1/dossiers', body: '[]', what: 'a JSON array as body' },
        { method: 'POST', path: '/v1/dossiers', body: `${'['.repeat(5000)}${']'.repeat(5000)}`, what: 'a 5,000-level nested array' },
        { method: 'GET', path: '/v1/statistics?kind=century&from=2025-13-45&to=x', what: 'impossible statistics parameters' },
        { method: 'DELETE', path: '/v1/dossiers', what: 'a method the API does not define' },
      ];
      for (const p of probes) {
        const token = await ctx.env.portal.systemToken();
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'idempotency-key': `probe-${ctx.random.token(12)}` };
        if (p.body !== undefined) headers['content-type'] = 'application/json';
        const res = await ctx.send({ method: p.method, url: `${ctx.env.target}${p.path}`, headers, ...(p.body !== undefined ? { body: p.body } : {}), label: p.what });
        const leak = leaksInternals(res);
        ctx.verify(leak === undefined, { requirements: ['DVC-ERR-005'], message: `The answer to ${p.what} reveals no internals`, expected: 'no stack trace, path, SQL or exception text', found: leak ?? `${res.status}, nothing internal`, response: res });
        if (res.status >= 500) ctx.note(`${p.what} was answered ${res.status}: a client error (4xx) would describe it better.`);
        if (res.status >= 400) verifyProblem(ctx, res, p.what);
      }
    },
  }),
  check({
    id: 'errors.malformed-json-problem',
    title: 'A malformed body is answered 400 application/problem+json',
    area: 'errors',
    requirements: ['DVC-ERR-001', 'DVC-RCV-003'],
    run: async (ctx: Ctx) => {
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: '{"MaTTHC": "1.001612",', signature: null, label: 'receiveDossier with invalid JSON' });
      ctx.verify(res.status === 400 || res.status === 422, { requirements: ['DVC-RCV-003'], message: 'Invalid JSON is refused as a bad request', expected: 400, found: `${res.status} ${res.text.slice(0, 160)}`, response: res });
      verifyProblem(ctx, res, 'receiveDossier with invalid JSON');
      const b = res.json as Record<string, unknown> | undefined;
      ctx.verify(typeof b?.detail === 'string' && /^https?:\/\//.test(String(b?.type)), { requirements: ['DVC-ERR-001'], message: 'The problem has a URI type and a detail', expected: '{ type: "https://…", detail }', found: JSON.stringify(b ?? res.text).slice(0, 200), response: res });
    },
  }),
  check({
    id: 'pagination.procedures-pages',
    title: 'listOfferedProcedures pages with cursor and limit, and refuses a bad limit or cursor',
    area: 'pagination',
    requirements: ['DVC-PAGE-001', 'DVC-PAGE-002', 'DVC-PAGE-003'],
    run: async (ctx: Ctx) => {
      const all = await offeredProcedures(ctx);
      // About five pages: enough to follow cursors across pages, without one round trip per procedure.
      const limit = Math.max(1, Math.ceil(all.length / 5));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await ctx.send({ url: `${ctx.env.target}/v1/procedures?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, label: `listOfferedProcedures page ${pages + 1} (limit ${limit})` });
        const body = res.json as { items?: { MaTTHC: string }[]; nextCursor?: unknown } | undefined;
        ctx.require(res.status === 200 && Array.isArray(body?.items) && (typeof body?.nextCursor === 'string' || body?.nextCursor === null), { requirements: ['DVC-PAGE-001'], message: 'A page is { items: [...], nextCursor: string | null }', expected: '200 { items, nextCursor }', found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
        ctx.verify(body!.items!.length <= limit, { requirements: ['DVC-PAGE-002'], message: 'No more than limit items', expected: `≤ ${limit}`, found: body!.items!.length, response: res });
        seen.push(...body!.items!.map((p) => p.MaTTHC));
        cursor = body!.nextCursor as string | null;
        pages++;
      } while (cursor && pages < 600);
      ctx.note(`${all.length} procedures in ${pages} pages of at most ${limit}`);
      ctx.verify(new Set(seen).size === seen.length && seen.length === all.length, { requirements: ['DVC-PAGE-001', 'DVC-PAGE-003'], message: 'Walking the pages gives every procedure once', expected: `${all.length} distinct`, found: `${seen.length} items, ${new Set(seen).size} distinct` });
      const noLimit = await ctx.send({ url: `${ctx.env.target}/v1/procedures`, label: 'listOfferedProcedures without limit' });
      ctx.verify(noLimit.status === 200 && ((noLimit.json as { items?: unknown[] }).items ?? []).length <= 50, { requirements: ['DVC-PAGE-002'], message: 'Without limit a default (50) applies', expected: '≤ 50 items', found: `${noLimit.status} ${((noLimit.json as { items?: unknown[] } | undefined)?.items ?? []).length} items`, response: noLimit });
      for (const bad of ['0', '-1', 'abc', String(LIST_MAX + 1)]) {
        const res = await ctx.send({ url: `${ctx.env.target}/v1/procedures?limit=${bad}`, label: `listOfferedProcedures limit=${bad}` });
        ctx.verify(res.status === 400, { requirements: ['DVC-PAGE-002'], message: `limit=${bad} is refused with 400`, expected: 400, found: res.status, response: res });
      }
      const tampered = await ctx.send({ url: `${ctx.env.target}/v1/procedures?cursor=${encodeURIComponent('not-a-cursor-!!')}`, label: 'listOfferedProcedures with a forged cursor' });
      ctx.verify(tampered.status === 400, { requirements: ['DVC-PAGE-003'], message: 'A malformed or tampered cursor is refused with 400', expected: 400, found: tampered.status, response: tampered });
    },
  }),
  check({
    id: 'sso.deep-link-to-sign-on',
    title: 'The "Nộp hồ sơ" deep link sends an anonymous user to the portal sign-on with PKCE, state, nonce and acr',
    area: 'sso',
    requirements: ['DVC-SSO-008', 'DVC-SSO-001', 'DVC-SSO-002', 'DVC-SSO-003', 'DVC-SSO-004', 'DVC-SSO-005'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx);
      const agency = ctx.env.portal.agencyCode;
      const path = `/dvc?vnconnect=1&MaTTHCDP=${encodeURIComponent(`${procedure.MaTTHC}.${agency}`)}&MaCoQuanThucHien=${encodeURIComponent(agency)}&MaDVC=DVC-${ctx.random.digits(5)}`;
      const first = await ctx.send({ url: `${ctx.env.target}${path}`, label: 'openDeepLink (anonymous)' });
      ctx.require(first.status === 302 || first.status === 303, { requirements: ['DVC-SSO-008'], message: 'The deep link redirects an anonymous user', expected: '302', found: first.status, response: first });
      const location = new URL(first.headers.location ?? 'about:blank');
      const q = location.searchParams;
      ctx.verify(location.href.startsWith(`${ctx.env.portal.url}/oauth2/authorize`), { requirements: ['DVC-SSO-008', 'DVC-SSO-001'], message: "It goes to the national portal's authorization endpoint", expected: `${ctx.env.portal.url}/oauth2/authorize`, found: `${location.origin}${location.pathname}`, response: first });
      ctx.verify(q.get('response_type') === 'code' && (q.get('scope') ?? '').split(' ').includes('openid') && q.get('client_id') === ctx.env.portal.clientId, { requirements: ['DVC-SSO-001'], message: 'Authorization code flow with scope openid and the system’s client_id', expected: 'response_type=code, scope⊇openid', found: `response_type=${q.get('response_type')}, scope=${q.get('scope')}, client_id=${q.get('client_id')}`, response: first });
      ctx.verify(q.get('code_challenge_method') === 'S256' && /^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? ''), { requirements: ['DVC-SSO-002'], message: 'PKCE with S256', expected: 'code_challenge_method=S256, 43-character challenge', found: `${q.get('code_challenge_method')} ${q.get('code_challenge')?.length ?? 0} chars`, response: first });
      ctx.verify((q.get('nonce') ?? '').length >= 16, { requirements: ['DVC-SSO-004'], message: 'A nonce is sent', expected: 'nonce ≥ 16 characters', found: `${(q.get('nonce') ?? '').length} characters`, response: first });
      ctx.verify(/^LoA[123]$/.test(q.get('acr_values') ?? ''), { requirements: ['DVC-SSO-005'], message: 'acr_values asks for LoA1, LoA2 or LoA3', expected: 'LoA1|LoA2|LoA3', found: q.get('acr_values'), response: first });
      const second = await ctx.send({ url: `${ctx.env.target}${path}`, label: 'openDeepLink again' });
      const state1 = q.get('state') ?? '';
      const state2 = new URL(second.headers.location ?? 'about:blank').searchParams.get('state') ?? '';
      ctx.verify(state1.length >= 16 && state1 !== state2, { requirements: ['DVC-SSO-003'], message: 'Each authorization request has its own unguessable state', expected: 'two different states of ≥ 16 characters', found: `${state1.length} and ${state2.length} characters, ${state1 === state2 ? 'equal' : 'different'}`, response: [first, second] });
      const redirect = q.get('redirect_uri');
      if (redirect && redirect.startsWith(ctx.env.target)) {
        const cb = await ctx.send({ url: `${redirect}${redirect.includes('?') ? '&' : '?'}code=forged-code&state=${encodeURIComponent(`${state1}x`)}`, label: 'sign-on callback with a state that was never issued' });
        ctx.verify(cb.status >= 400 && cb.status < 500, { requirements: ['DVC-SSO-003'], message: 'A callback with a state that does not match is refused', expected: '4xx', found: cb.status, response: cb });
      }
      const unknown = await ctx.send({ url: `${ctx.env.target}/dvc?vnconnect=1&MaTTHCDP=9.999999`, label: 'openDeepLink for a procedure not offered' });
      ctx.verify(unknown.status === 404 || unknown.status === 400, { requirements: ['DVC-SSO-008'], message: 'A deep link to a procedure the system does not offer answers 404 (or 400)', expected: 404, found: unknown.status, response: unknown });
    },
  }),
  check({
    id: 'statistics.figures-consistent',
    title: 'Statistics are given to the portal and their figures add up',
    area: 'statistics',
    requirements: ['DVC-STAT-001', 'DVC-STAT-003', 'DVC-EVAL-003', 'DVC-STAT-004'],
    run: async (ctx: Ctx) => {
      await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), requirements: ['DVC-STAT-001'] });
      const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
      const month = `${today.slice(0, 8)}01`;
      const res = await asPortal(ctx, { path: `/v1/statistics?kind=month&from=${month}&to=${today}`, scope: 'agency.statistics.read', label: 'getStatistics for this month' });
      ctx.require(res.status === 200, { requirements: ['DVC-STAT-001'], message: 'getStatistics answers 200 to the portal', expected: 200, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      const r = res.json as { agencyCode?: string; totals?: Record<string, number>; procedures?: Record<string, number | string>[] };
      const t = r.totals ?? {};
      ctx.verify(r.agencyCode === ctx.env.portal.agencyCode || r.agencyCode?.endsWith(ctx.env.portal.agencyCode.slice(-3)) === true, { requirements: ['DVC-STAT-001'], message: 'The report names the agency', expected: ctx.env.portal.agencyCode, found: r.agencyCode, response: res });
      ctx.verify((t.received ?? 0) >= 1, { requirements: ['DVC-STAT-003'], message: 'Dossiers received this period are counted', expected: '≥ 1 (this run submitted some)', found: t.received, response: res });
      ctx.verify(typeof t.onTime === 'number' && typeof t.late === 'number', { requirements: ['DVC-EVAL-003'], message: 'The figures give dossiers finished on time and late', expected: 'totals.onTime, totals.late', found: JSON.stringify(t), response: res });
      ctx.verify((t.onTime ?? 0) + (t.late ?? 0) + (t.inProgress ?? 0) <= (t.received ?? 0), { requirements: ['DVC-STAT-003'], message: 'on time + late + in progress ≤ received', expected: `≤ ${t.received}`, found: (t.onTime ?? 0) + (t.late ?? 0) + (t.inProgress ?? 0), response: res });
      ctx.verify((t.online ?? 0) <= (t.received ?? 0), { requirements: ['DVC-STAT-003'], message: 'online ≤ received', expected: `≤ ${t.received}`, found: t.online, response: res });
      const procs = r.procedures ?? [];
      if (procs.length > 0) {
        const sum = (k: string) => procs.reduce((s, p) => s + Number(p[k] ?? 0), 0);
        ctx.verify(sum('received') === t.received && sum('online') === (t.online ?? 0), { requirements: ['DVC-STAT-003'], message: 'Per-procedure figures add up to the totals', expected: `received ${t.received}, online ${t.online}`, found: `received ${sum('received')}, online ${sum('online')}`, response: res });
      }
      ctx.verify(procs.length > 0 && procs.every((p) => typeof p.online === 'number' && typeof p.received === 'number'), { requirements: ['DVC-STAT-004'], message: 'Per procedure: dossiers received online and in total', expected: 'procedures[].online, .received', found: `${procs.length} procedure rows`, response: res });
      const synced = [...ctx.env.portal.portal.store.dossiers.values()].filter((d) => (d.dossier.NgayTiepNhan ?? '').slice(0, 8) >= month.replace(/-/g, '')).length;
      ctx.verify((t.received ?? 0) >= synced, { requirements: ['DVC-STAT-003'], message: 'The figures match the dossiers synced to the portal for the period', expected: `received ≥ ${synced} synced`, found: t.received, response: res });
      const anon = await asPortal(ctx, { path: `/v1/statistics?kind=month&from=${month}&to=${today}`, token: null, label: 'getStatistics without a token' });
      ctx.verify(anon.status === 401, { requirements: ['DVC-STAT-001'], message: 'Statistics are given only to the portal (401 without a token)', expected: 401, found: anon.status, response: anon });
    },
  }),
  check({
    id: 'status-sync.timely-and-by-code',
    title: 'Each step reaches the portal promptly after it happens, addressed by MaHoSo',
    area: 'status-sync',
    requirements: ['DVC-SYNC-002', 'DVC-CODE-005', 'DVC-HIST-003', 'DVC-SYNC-008', 'DVC-SYNC-001'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      const record = await syncedAt(ctx, MaHoSo, ['10']);
      const writes = ctx.env.portal.requests().filter((r) => r.method !== 'GET' && r.rawBody.includes(MaHoSo) && r.status < 300);
      for (const w of writes) {
        const ev = [observed(ctx, w)];
        const body = w.body as Record<string, unknown> | undefined;
        const items = [body, ...(((body?.events ?? body?.data ?? body?.items) as Record<string, unknown>[] | undefined) ?? [])].filter(Boolean) as Record<string, unknown>[];
        ctx.verify(w.path.includes(MaHoSo) || items.every((i) => i === body || i.MaHoSo === MaHoSo), { requirements: ['DVC-CODE-005'], message: `${w.method} ${w.path} references the dossier by MaHoSo`, expected: `MaHoSo ${MaHoSo} in the path or every record`, found: w.path, evidence: ev });
        for (const i of items) {
          for (const [k, v] of Object.entries(i)) {
            if (!/^Ngay|^ThoiDiem/.test(k) || typeof v !== 'string') continue;
            const parsed = parsePortalDateTime(v);
            ctx.verify(parsed.ok, { requirements: ['DVC-SYNC-008'], message: `${k} is a yyyyMMddHHmmss Vietnam-time string`, expected: 'yyyyMMddHHmmss', found: v, evidence: ev });
          }
          if (typeof i.ThoiDiemXuLy === 'string') {
            const at = parsePortalDateTime(i.ThoiDiemXuLy);
            if (at.ok) {
              const lag = w.at - at.value.epochMs;
              ctx.verify(lag <= 15 * 60_000, { requirements: ['DVC-SYNC-002'], message: `The step of ${i.ThoiDiemXuLy} reached the portal within 15 minutes`, expected: '≤ 15 min after ThoiDiemXuLy', found: `${Math.round(lag / 1000)} s`, evidence: ev });
              ctx.verify(lag >= -5 * 60_000, { requirements: ['DVC-HIST-003'], message: `ThoiDiemXuLy ${i.ThoiDiemXuLy} is not later than the portal's receipt by more than 5 minutes`, expected: '≥ −5 min', found: `${Math.round(lag / 1000)} s`, evidence: ev });
            }
          }
        }
      }
      ctx.verify(record.history.length >= 3, { requirements: ['DVC-SYNC-001'], message: 'The portal received every step up to the returned result', expected: '≥ 3 steps (received, processing, done, returned)', found: record.history.map((s) => s.TrangThai).join('→') });
    },
  }),
  check({
    id: 'history.append-only',
    title: 'The processing history only grows: earlier steps never change',
    area: 'history',
    requirements: ['DVC-HIST-002'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      const early = await syncedAt(ctx, MaHoSo, ['4', '9', '10']);
      const snapshot = early.history.map((s) => JSON.stringify(s));
      const late = await syncedAt(ctx, MaHoSo, ['10']);
      const now = late.history.map((s) => JSON.stringify(s));
      ctx.verify(snapshot.every((s, i) => now[i] === s), { message: 'The earlier history is a prefix of the later one', expected: `the first ${snapshot.length} step(s) unchanged`, found: `${now.length} step(s) now` });
    },
  }),
  check({
    id: 'status-sync.upsert-semantics',
    title: 'Dossiers are synced as whole records keyed by MaHoSo (PUT, or DongBoHoSoMC with isUpdating)',
    area: 'status-sync',
    requirements: ['DVC-SYNC-005', 'DVC-SYNC-006'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      await syncedAt(ctx, MaHoSo, ['9', '10']);
      const mine = ctx.env.portal.requests().filter((r) => r.rawBody.includes(MaHoSo) || r.path.includes(MaHoSo));
      if (ctx.env.scope.binding === 'rest') {
        const puts = mine.filter((r) => r.method === 'PUT' && r.path.endsWith(`/v1/dossiers/${MaHoSo}`));
        ctx.verify(puts.length > 0, { requirements: ['DVC-SYNC-005'], message: 'The dossier is synced with PUT /v1/dossiers/{MaHoSo}', expected: '≥ 1 PUT', found: mine.map((r) => `${r.method} ${r.path}`).join(', ') });
        const batches = mine.filter((r) => r.operationId === 'syncDossierBatch');
        for (const b of batches) {
          const n = ((b.body as { items?: unknown[]; dossiers?: unknown[] } | undefined)?.items ?? (b.body as { dossiers?: unknown[] } | undefined)?.dossiers ?? []).length;
          ctx.verify(n >= 1 && n <= 1000, { requirements: ['DVC-SYNC-006'], message: 'A sync batch holds 1 to 1,000 records', expected: '1–1000', found: n });
        }
        if (batches.length === 0) ctx.note('The system does not use syncDossierBatch: DVC-SYNC-006 holds trivially.');
      } else {
        const upserts = mine.filter((r) => (r.body as { service?: string } | undefined)?.service === 'DongBoHoSoMC');
        ctx.require(upserts.length > 0, { requirements: ['DVC-SYNC-005'], message: 'The dossier is synced with DongBoHoSoMC', expected: '≥ 1 DongBoHoSoMC', found: 'none' });
        const flags = upserts.map((r) => (r.body as { isUpdating?: string }).isUpdating);
        ctx.verify(flags[0] === 'False' && flags.slice(1).every((f) => f === 'True'), { requirements: ['DVC-SYNC-005'], message: 'isUpdating is "False" for the new dossier, then "True"', expected: 'False, True, True…', found: flags.join(', ') });
        for (const u of upserts) {
          const n = ((u.body as { data?: unknown[] }).data ?? []).length;
          ctx.verify(n >= 1 && n <= 1000, { requirements: ['DVC-SYNC-006'], message: 'A DongBoHoSoMC call holds 1 to 1,000 records', expected: '1–1000', found: n });
        }
      }
    },
  }),
  check({
    id: 'authentication.dvcqg-session',
    title: 'In the dvcqg binding the system logs in and sends its session on every call',
    area: 'authentication',
    requirements: ['DVC-AUTH-008'],
    bindings: ['dvcqg'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      await portalRecord(ctx, MaHoSo, () => true);
      const calls = ctx.env.portal.requests().filter((r) => r.path.startsWith('/dvcqg/'));
      const logins = calls.filter((r) => r.path === '/dvcqg/login');
      ctx.require(logins.length > 0, { message: 'The system logs in with POST /dvcqg/login', expected: '≥ 1 login', found: calls.map((c) => c.path).join(', ') || 'no dvcqg call' });
      const sessions = new Set(logins.map((l) => { try { return (JSON.parse(l.responseBody) as { session?: string }).session; } catch { return undefined; } }).filter(Boolean));
      const others = calls.filter((r) => r.path !== '/dvcqg/login');
      ctx.verify(others.length > 0 && others.every((r) => sessions.has((r.body as { session?: string } | undefined)?.session)), { message: 'Every integration call carries a session the portal issued', expected: 'session from a login answer', found: `${others.filter((r) => sessions.has((r.body as { session?: string } | undefined)?.session)).length} of ${others.length}` });
      ctx.verify(others.every((r) => (r.body as { madonvi?: string } | undefined)?.madonvi === ctx.env.portal.agencyCode || typeof (r.body as { madonvi?: string } | undefined)?.madonvi === 'string'), { message: 'Every call names madonvi', expected: 'madonvi', found: 'see evidence' });
    },
  }),
];

