import { check, citizen, isProblem, pickProcedure, portalRecord, receive, sleep, type Check, type Ctx } from './support.js';

const PUSH_ROUTES = { rest: ['upsertDossier', 'appendDossierEvents', 'syncDossierBatch'], dvcqg: ['/dvcqg/integration'] } as const;

async function setFaults(ctx: Ctx, rules: Record<string, unknown>[]): Promise<void> {
  const res = await ctx.env.fetch(`${ctx.env.portal.url}/__admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules }) });
  if (res.status !== 200) ctx.inconclusive(`the suite could not set faults on its portal (${res.status}: ${await res.text()})`);
}

async function clearFaults(ctx: Ctx): Promise<void> {
  await ctx.env.fetch(`${ctx.env.portal.url}/__admin/faults`, { method: 'DELETE' }).catch(() => undefined);
}

export const exclusiveChecks: Check[] = [
  check({
    id: 'status-sync.queued-while-portal-down',
    title: 'Status changes made while the portal is down are queued and resent, never dropped',
    area: 'status-sync',
    requirements: ['DVC-SYNC-002'],
    exclusive: true,
    timeoutMs: 180_000,
    run: async (ctx: Ctx) => {
      const routes = PUSH_ROUTES[ctx.env.scope.binding];
      const since = ctx.env.portal.lastRequestId;
      // 500 without Retry-After: a plain server failure the system must queue and retry.
      await setFaults(ctx, routes.map((route) => ({ route, errorRate: 1, statuses: [500] })));
      try {
        const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
        const failed = await ctx.env.portal.waitFor(() => {
          const list = ctx.env.portal.requests({ sinceId: since }).filter((r) => r.status === 500 && (r.rawBody.includes(MaHoSo) || r.path.includes(MaHoSo)));
          return list.length > 0 ? list : undefined;
        }, ctx.env.timing.syncDeadlineMs, ctx.signal);
        ctx.require(failed !== undefined, { requirements: ['DVC-SYNC-002'], message: 'The system tried to push the new dossier while the portal was down', expected: 'a push answered 500', found: 'no push attempt' });
        await sleep(300);
      } finally {
        await clearFaults(ctx);
      }
      const all = ctx.env.portal.requests({ sinceId: since });
      const code = all.find((r) => r.status === 500)?.rawBody.match(/\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4,8}/)?.[0];
      ctx.require(code !== undefined, { requirements: ['DVC-SYNC-002'], message: 'The failed push names the dossier', expected: 'MaHoSo in the failed push', found: 'none' });
      const record = await portalRecord(ctx, code, () => true, ctx.env.timing.syncDeadlineMs + 5000);
      ctx.require(record !== undefined, { requirements: ['DVC-SYNC-002'], message: 'Once the portal is back, the queued change is resent and accepted', expected: `the portal holds ${code}`, found: 'never resent within the deadline' });
      // Nothing dropped: every step the system recorded (its own authenticated lookup) reaches the portal.
      const token = await ctx.env.portal.citizenToken(citizen(ctx));
      const key = (s: { TrangThai?: string; ThoiDiemXuLy?: string }) => `${s.TrangThai}@${s.ThoiDiemXuLy}`;
      let missing: string[] = [];
      const deadline = Date.now() + ctx.env.timing.syncDeadlineMs + 5000;
      do {
        const own = await ctx.send({ url: `${ctx.env.target}/v1/dossiers/${encodeURIComponent(code)}`, headers: { authorization: `Bearer ${token}` }, label: "lookupDossier: the system's own history" });
        const steps = ((own.json as { history?: { TrangThai?: string; ThoiDiemXuLy?: string }[] } | undefined)?.history ?? []);
        const atPortal = new Set((ctx.env.portal.dossier(code)?.history ?? []).map(key));
        missing = steps.map(key).filter((k) => !atPortal.has(k));
        if (missing.length === 0 && steps.length > 0) break;
        await sleep(200);
      } while (Date.now() < deadline);
      ctx.verify(missing.length === 0, { requirements: ['DVC-SYNC-002'], message: 'Every step recorded while the portal was down reached it afterwards (none dropped)', expected: 'the portal history holds every step of the system', found: missing.length ? `missing at the portal: ${missing.join(', ')}` : 'all present' });
    },
  }),
  check({
    id: 'rate-limits.retry-after-honoured',
    title: "After a 429 from the portal the system waits for Retry-After before resending",
    area: 'rate-limits',
    requirements: ['DVC-RATE-002'],
    exclusive: true,
    timeoutMs: 180_000,
    run: async (ctx: Ctx) => {
      const routes = PUSH_ROUTES[ctx.env.scope.binding];
      const since = ctx.env.portal.lastRequestId;
      const retryAfter = 2;
      await setFaults(ctx, routes.map((route) => ({ route, rateLimit: { retryAfterSeconds: retryAfter } })));
      let limitedAt: number | undefined;
      let code: string | undefined;
      try {
        const received = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
        code = received.MaHoSo;
        const first = await ctx.env.portal.waitFor(() => ctx.env.portal.requests({ sinceId: since }).find((r) => r.status === 429 && (r.rawBody.includes(code!) || r.path.includes(code!))), ctx.env.timing.syncDeadlineMs, ctx.signal);
        ctx.require(first !== undefined, { message: 'The system pushed while rate limited', expected: 'a push answered 429', found: 'none' });
        limitedAt = first.at;
      } finally {
        await clearFaults(ctx);
      }
      const record = await portalRecord(ctx, code!, () => true, ctx.env.timing.syncDeadlineMs + retryAfter * 1000);
      const next = ctx.env.portal.requests({ sinceId: since }).find((r) => r.at > limitedAt! && (r.rawBody.includes(code!) || r.path.includes(code!)) && r.status !== 429);
      ctx.require(record !== undefined && next !== undefined, { message: 'The change was resent after the limit', expected: 'a later accepted push', found: 'none' });
      const waited = next.at - limitedAt!;
      const early = ctx.env.portal.requests({ sinceId: since }).filter((r) => r.at > limitedAt! && r.at - limitedAt! < retryAfter * 1000 - 100 && (r.rawBody.includes(code!) || r.path.includes(code!)));
      ctx.verify(early.length === 0, { message: `No push for the dossier within Retry-After (${retryAfter} s) of the 429`, expected: `≥ ${retryAfter} s`, found: early.length ? `${early.length} push(es), first after ${Math.round(early[0]!.at - limitedAt!)} ms` : `next push after ${Math.round(waited)} ms` });
    },
  }),
  check({
    id: 'rate-limits.public-lookup-limited',
    title: 'The public lookup is rate limited per client: 429 problem+json with Retry-After',
    area: 'rate-limits',
    requirements: ['DVC-RATE-001', 'DVC-RATE-003', 'DVC-RATE-004'],
    exclusive: true,
    timeoutMs: 180_000,
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), requirements: ['DVC-RATE-001'] });
      const url = `${ctx.env.target}/v1/public/dossiers/${encodeURIComponent(MaHoSo)}`;
      const firstOk = await ctx.send({ url, label: 'lookupDossierPublic (first)' });
      ctx.verify(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].every((h) => firstOk.headers[h] !== undefined), { requirements: ['DVC-RATE-003'], message: 'Answers carry RateLimit-Limit, -Remaining and -Reset', expected: 'the three headers', found: Object.keys(firstOk.headers).filter((h) => h.startsWith('ratelimit')).join(', ') || 'none', response: firstOk });
      let limited: Awaited<ReturnType<typeof ctx.send>> | undefined;
      // Count requests without recording each one: a flood is evidence only at its end.
      const burst = 400;
      for (let i = 0; i < burst && !limited; i += 20) {
        const answers = await Promise.all(Array.from({ length: 20 }, () => ctx.env.fetch(url).then(async (r) => ({ status: r.status, body: await r.text() }))));
        if (answers.some((a) => a.status === 429)) limited = await ctx.send({ url, label: `lookupDossierPublic after ${i + 20} requests` });
      }
      ctx.verify(limited !== undefined && limited.status === 429, { requirements: ['DVC-RATE-004'], message: `The unauthenticated lookup is limited per client (429 within ${burst} requests)`, expected: '429', found: limited ? limited.status : `no 429 after ${burst} requests`, ...(limited ? { response: limited } : {}) });
      if (!limited || limited.status !== 429) return;
      ctx.verify(isProblem(limited), { requirements: ['DVC-RATE-001'], message: 'The 429 is problem+json', expected: 'application/problem+json', found: limited.headers['content-type'], response: limited });
      ctx.verify(/^\d+$/.test(limited.headers['retry-after'] ?? ''), { requirements: ['DVC-RATE-001'], message: 'The 429 carries Retry-After in seconds', expected: 'Retry-After: <seconds>', found: limited.headers['retry-after'] ?? 'none', response: limited });
    },
  }),
];
