import type { UserInfo } from '@dvc-kit/spec';
import type { HttpResponse } from '../evidence.js';
import type { PortalRequestRecord } from '../harness/portal-side.js';
import { check, citizen, isProblem, pickProcedure, receive, type Check, type Ctx } from './support.js';

const PUSH_ROUTES = { rest: ['upsertDossier', 'appendDossierEvents', 'syncDossierBatch'], dvcqg: ['/dvcqg/integration'] } as const;

/**
 * An owner no other check uses (a test citizen with a SoDinhDanh of its own): the check's
 * dossier is the only one whose pushes carry it, before the system has given it a code.
 */
function ownOwner(ctx: Ctx): UserInfo {
  const base = citizen(ctx);
  // Same birth province, century and year as the test citizen; a sequence of its own.
  return { ...base, sub: `conformance-${ctx.random.token(16)}`, SoDinhDanh: `${base.SoDinhDanh!.slice(0, 6)}${ctx.random.digits(6)}` };
}

/** Whether a request the system sent to the portal is about the check's dossier. */
function concerns(r: PortalRequestRecord, marks: readonly string[]): boolean {
  return marks.some((m) => r.path.includes(m) || r.path.includes(encodeURIComponent(m)) || r.rawBody.includes(m));
}

/**
 * Fault rules on the suite's portal that break only this dossier's pushes (matched by its
 * owner's SoDinhDanh, and by its MaHoSo once known): the other checks' pushes go through,
 * so these checks run beside them. Removed when the check no longer needs them.
 */
class DossierFaults {
  private ids: string[] = [];
  constructor(
    private readonly ctx: Ctx,
    private readonly fault: { errorRate?: number; statuses?: number[]; retryAfter?: boolean; rateLimit?: { retryAfterSeconds: number } },
  ) {}

  scope(mark: string): void {
    for (const route of PUSH_ROUTES[this.ctx.env.scope.binding]) this.ids.push(this.ctx.env.portal.addFault({ route, match: [mark], ...this.fault }));
  }

  clear(): void {
    for (const id of this.ids) this.ctx.env.portal.removeFault(id);
    this.ids = [];
  }
}

/** A dossier whose pushes the suite's portal failed with `status` (see failingDossier). */
interface FailedDossier {
  code: string;
  owner: UserInfo;
  /** What the dossier's pushes carry: its owner's SoDinhDanh, then its code. */
  marks: string[];
  /** The dossier's pushes answered `status`, in order. */
  failed: PortalRequestRecord[];
  /** When the system answered its receipt (ms, Date.now()). */
  receivedAt: number;
}

/**
 * Receives a dossier of an owner of its own and has the portal answer its pushes with `fault`
 * until the first failure and then until `count` have failed (`Infinity`: for `moreMs`), then
 * lifts the fault. INCONCLUSIVE when the pushes could not be told from other checks' (then
 * none failed).
 */
async function failingDossier(ctx: Ctx, fault: ConstructorParameters<typeof DossierFaults>[1], status: number, o: { count: number; moreMs?: number; ownerOnly?: boolean }): Promise<FailedDossier> {
  const since = ctx.env.portal.lastRequestId;
  const owner = ownOwner(ctx);
  const marks = [owner.SoDinhDanh!];
  const faults = new DossierFaults(ctx, fault);
  const failedPushes = () => ctx.env.portal.requests({ sinceId: since }).filter((r) => r.status === status && concerns(r, marks));
  let code: string;
  let receivedAt = 0;
  faults.scope(owner.SoDinhDanh!);
  try {
    code = (await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), owner })).MaHoSo;
    receivedAt = Date.now();
    if (!o.ownerOnly) faults.scope(code);
    marks.push(code);
    const first = await ctx.env.portal.waitFor(() => (failedPushes().length > 0 ? true : undefined), ctx.env.timing.syncDeadlineMs, ctx.signal);
    if (first && o.count > 1) await ctx.env.portal.waitFor(() => (failedPushes().length >= o.count ? true : undefined), o.moreMs ?? ctx.env.timing.syncDeadlineMs, ctx.signal);
  } finally {
    faults.clear();
  }
  const failed = failedPushes();
  if (failed.length === 0 && ctx.env.portal.dossier(code) !== undefined) {
    ctx.inconclusive(`the system's pushes of ${code} carried neither the owner's SoDinhDanh nor, after the 201, the dossier code, so the suite's portal could not fail them without failing other checks' pushes`);
  }
  return { code, owner, marks, failed, receivedAt };
}

/**
 * Whether `r` sends `refused` again: the same Idempotency-Key, or else the same body (the
 * envelope's login session aside, which may have been renewed meanwhile).
 */
function sameRequest(r: PortalRequestRecord, refused: PortalRequestRecord): boolean {
  if (r.method !== refused.method || r.path !== refused.path) return false;
  const key = refused.headers['idempotency-key'];
  if (key) return r.headers['idempotency-key'] === key;
  const withoutSession = (raw: string) => {
    try {
      const { session: _session, ...rest } = JSON.parse(raw) as Record<string, unknown>;
      return JSON.stringify(rest);
    } catch {
      return raw;
    }
  };
  return withoutSession(r.rawBody) === withoutSession(refused.rawBody);
}

/** The dossier's steps as the system itself records them (its owner's authenticated lookup), as `TrangThai@ThoiDiemXuLy`. */
async function ownSteps(ctx: Ctx, d: FailedDossier): Promise<{ steps: string[]; response: HttpResponse }> {
  const token = await ctx.env.portal.citizenToken(d.owner);
  const response = await ctx.send({ url: `${ctx.env.target}/v1/dossiers/${encodeURIComponent(d.code)}`, headers: { authorization: `Bearer ${token}` }, label: "lookupDossier: the system's own history" });
  const history = (response.json as { history?: { TrangThai?: string; ThoiDiemXuLy?: string }[] } | undefined)?.history ?? [];
  return { steps: history.map(stepKey), response };
}

const stepKey = (s: { TrangThai?: string; ThoiDiemXuLy?: string }) => `${s.TrangThai}@${s.ThoiDiemXuLy}`;

/** The dossier's steps at the portal, once it has every one of `steps` (they may still be on their way), in the portal's order. */
async function stepsAtPortal(ctx: Ctx, code: string, steps: string[]): Promise<string[]> {
  const atPortal = () => (ctx.env.portal.dossier(code)?.history ?? []).map(stepKey);
  await ctx.env.portal.waitFor(() => (steps.every((k) => atPortal().includes(k)) ? true : undefined), ctx.env.timing.syncDeadlineMs + 5000, ctx.signal);
  return atPortal();
}

export const exclusiveChecks: Check[] = [
  check({
    id: 'status-sync.queued-while-portal-down',
    title: 'Status changes made while the portal is down are queued and resent, never dropped',
    area: 'status-sync',
    requirements: ['DVC-SYNC-002'],
    timeoutMs: 180_000,
    run: async (ctx: Ctx) => {
      // 500 without Retry-After: a plain server failure the system must queue and retry. Down for 0.6 s after the
      // first failure, longer than a request's own quick retries: the change has to wait in the system's queue.
      const d = await failingDossier(ctx, { errorRate: 1, statuses: [500] }, 500, { count: Infinity, moreMs: 600 });
      const failed = d.failed[0];
      ctx.require(failed !== undefined, { message: 'The system tried to push the new dossier while the portal was down', expected: 'a push answered 500', found: 'no push attempt within the deadline' });
      const resent = await ctx.env.portal.waitFor(() => {
        const ok = ctx.env.portal.requests({ sinceId: failed.id }).find((r) => r.status >= 200 && r.status < 300 && concerns(r, d.marks));
        return ok && ctx.env.portal.dossier(d.code) ? ok : undefined;
      }, ctx.env.timing.syncDeadlineMs + 5000, ctx.signal);
      ctx.require(resent !== undefined, { message: 'Once the portal is back, the queued change is resent and accepted', expected: `the portal holds ${d.code}`, found: 'never resent within the deadline' });
      // Nothing dropped: every step the system recorded (its own authenticated lookup) reaches the portal.
      const { steps, response } = await ownSteps(ctx, d);
      const atPortal = await stepsAtPortal(ctx, d.code, steps);
      const missing = steps.filter((k) => !atPortal.includes(k));
      ctx.verify(missing.length === 0, { message: 'Every step recorded while the portal was down reached it afterwards (none dropped)', expected: 'the portal history holds every step of the system', found: missing.length ? `missing at the portal: ${missing.join(', ')}` : `all ${steps.length} present`, response });
    },
  }),
  check({
    id: 'status-sync.retries-back-off',
    title: "After transient failures (503) the system resends a dossier's change at increasing intervals and keeps the order of its changes",
    area: 'status-sync',
    requirements: ['DVC-SYNC-009'],
    timeoutMs: 180_000,
    // A pause after another check's 429 would stretch the waits it measures.
    pauseSensitive: true,
    run: async (ctx: Ctx) => {
      // The standard's verification: fail the first two sync calls with 503, then look at the spacing of the
      // retries. The 503s carry no Retry-After: the spacing is the system's own back-off, not the portal's.
      const d = await failingDossier(ctx, { errorRate: 1, statuses: [503], retryAfter: false }, 503, { count: 2 });
      const { failed } = d;
      // A system may back off for longer than this run's sync deadline, and still be right: undecided, not a miss.
      if (failed.length < 2) ctx.inconclusive(`only ${failed.length} attempt(s) to push ${d.code} within the sync deadline (${ctx.env.timing.syncDeadlineMs} ms): too few to see how the retries are spaced (raise --sync-deadline)`);
      const resent = await ctx.env.portal.waitFor(() => ctx.env.portal.requests({ sinceId: failed[failed.length - 1]!.id }).find((r) => r.status >= 200 && r.status < 300 && concerns(r, d.marks)), ctx.env.timing.syncDeadlineMs + 5000, ctx.signal);
      ctx.require(resent !== undefined, { message: 'Once the portal answers again, the change is resent and accepted', expected: 'an accepted push', found: 'none within the deadline' });
      // The waits are measured: a 429's pause may come now.
      ctx.release();
      const times = [...failed, resent].map((r) => r.at);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      ctx.note(`attempts after ${gaps.map((g) => `${g} ms`).join(', ')}`);
      // Exponential back-off about doubles each wait; a fixed pace keeps them equal. The first and last waits are
      // compared, with room for jitter and a loaded machine's delays.
      const increasing = gaps[gaps.length - 1]! > gaps[0]! * 1.25;
      ctx.verify(increasing, { message: 'The resends of the same change are spaced increasingly (back-off), not at a fixed pace', expected: 'the last wait > 1.25 × the first', found: gaps.map((g) => `${g} ms`).join(' → ') });
      // The order of the dossier's changes at the portal is the order the system made them in.
      const { steps, response } = await ownSteps(ctx, d);
      const atPortal = (await stepsAtPortal(ctx, d.code, steps)).filter((k) => steps.includes(k));
      const inOrder = atPortal.every((k, i) => i === 0 || steps.indexOf(k) > steps.indexOf(atPortal[i - 1]!));
      ctx.verify(atPortal.length > 0 && inOrder, { message: "The dossier's changes reached the portal in the order the system made them", expected: steps.join(' → ') || "the system's steps", found: atPortal.join(' → ') || 'none at the portal', response });
    },
  }),
  check({
    id: 'status-sync.refused-push-not-retried',
    title: 'A change the portal refuses as invalid (422) is not sent again as it was: validation errors are not retried',
    area: 'status-sync',
    requirements: ['DVC-SYNC-009'],
    timeoutMs: 180_000,
    run: async (ctx: Ctx) => {
      // One push of the dossier refused with 422, a validation error; the system's later changes may go on. Matched
      // by the owner's SoDinhDanh alone: a write carries the record, a read (the envelope's TraCuuHoSo) only the code.
      const d = await failingDossier(ctx, { errorRate: 1, statuses: [422] }, 422, { count: 1, ownerOnly: true });
      const refused = d.failed[0];
      ctx.require(refused !== undefined, { message: 'The system pushed the new dossier', expected: 'a push answered 422', found: 'no push attempt within the deadline' });
      // Longer than the first wait of a back-off (the reference's: 0.4 s; 1 s is common): a retry shows by then.
      const watchMs = 2000;
      await new Promise((r) => setTimeout(r, Math.max(0, refused.at + watchMs - Date.now())));
      const again = ctx.env.portal.requests({ sinceId: refused.id }).filter((r) => sameRequest(r, refused));
      ctx.verify(again.length === 0, {
        message: 'The refused request is not sent again (a 4xx other than 408 and 429 is not transient)',
        expected: `no resend of ${refused.method} ${refused.path} within ${watchMs / 1000} s`,
        found: again.length ? `${again.length} resend(s), the first after ${Math.round(again[0]!.at - refused.at)} ms` : 'none',
        evidence: again.slice(0, 2).map((r) => ctx.observe({ label: 'the refused request, sent again', method: r.method, url: `${ctx.env.portal.url}${r.path}`, requestHeaders: r.headers, requestBody: r.rawBody, status: r.status, responseHeaders: r.responseHeaders, responseBody: r.responseBody, at: r.at })),
      });
    },
  }),
  check({
    id: 'rate-limits.retry-after-honoured',
    title: 'After a 429 from the portal the system waits for Retry-After before resending',
    area: 'rate-limits',
    requirements: ['DVC-RATE-002'],
    timeoutMs: 180_000,
    // A system may hold back every call after a 429: the other checks' pushes wait out Retry-After too.
    pausesSystem: true,
    run: async (ctx: Ctx) => {
      // The 429 is scoped to this check's dossier, and so is the verdict: a push of the same
      // dossier inside Retry-After is a resend too early. A system may also hold back every push
      // to that endpoint (Retry-After per endpoint): the other checks' dossiers are then only
      // late, within their own deadlines, and their pushes are not counted here.
      const retryAfter = 2;
      // One 429 is enough: a resend inside Retry-After is early whether or not it would be refused.
      const d = await failingDossier(ctx, { rateLimit: { retryAfterSeconds: retryAfter } }, 429, { count: 1 });
      const { code, marks } = d;
      const first = d.failed[0];
      ctx.require(first !== undefined, { message: 'The system pushed while rate limited', expected: 'a push answered 429', found: 'none' });
      const limitedAt = first.at;
      const next = await ctx.env.portal.waitFor(() => {
        const after = ctx.env.portal.requests({ sinceId: first.id }).find((r) => r.status !== 429 && concerns(r, marks));
        return after && ctx.env.portal.dossier(code) ? after : undefined;
      }, ctx.env.timing.syncDeadlineMs + retryAfter * 1000, ctx.signal);
      ctx.require(next !== undefined, { message: 'The change was resent after the limit', expected: 'a later accepted push', found: 'none' });
      ctx.note(`429 answered ${Math.round(limitedAt - d.receivedAt)} ms after the dossier was received; the next push ${Math.round(next.at - limitedAt)} ms after the 429`);
      const early = ctx.env.portal.requests({ sinceId: first.id }).filter((r) => r.at - limitedAt < retryAfter * 1000 - 100 && concerns(r, marks));
      ctx.verify(early.length === 0, { message: `No push for the dossier within Retry-After (${retryAfter} s) of the 429`, expected: `≥ ${retryAfter} s`, found: early.length ? `${early.length} push(es), first after ${Math.round(early[0]!.at - limitedAt)} ms` : `next push after ${Math.round(next.at - limitedAt)} ms` });
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
