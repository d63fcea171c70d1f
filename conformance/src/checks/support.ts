import { randomUUID } from 'node:crypto';
import type { DossierRecord, DossierSubmission, Procedure, ProcessingStep, UserInfo } from '@dvc-kit/spec';
import { formatPortalDateTime } from '@dvc-kit/validators';
import { defineCheck, type CheckContext, type CheckDefinition } from '../check.js';
import type { HttpResponse } from '../evidence.js';
import type { SuiteEnv } from '../harness/environment.js';
import type { PortalRequestRecord } from '../harness/portal-side.js';

export type Ctx = CheckContext<SuiteEnv>;
export type Check = CheckDefinition<SuiteEnv>;

/** `defineCheck` bound to the suite's environment. */
export const check = (definition: Check): Check => defineCheck<SuiteEnv>(definition);

export const PROBLEM_JSON = /^application\/problem\+json\b/i;

export interface SendAsPortal {
  method?: string;
  path: string;
  body?: unknown;
  /** Default: a fresh portal token with every agency scope; `null` sends none. */
  token?: string | null;
  scope?: string;
  /** Default: a fresh key; `null` sends none. */
  idempotencyKey?: string | null;
  /** Default: the portal's signature over the body (for bodies); `null` sends none. */
  signature?: string | null;
  headers?: Record<string, string>;
  label?: string;
}

/** Calls the system under test as the national portal does (token, idempotency key, signature). */
export async function asPortal(ctx: Ctx, o: SendAsPortal): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...o.headers };
  const token = o.token === undefined ? await ctx.env.portal.systemToken(o.scope ? { scope: o.scope } : {}) : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const write = o.method !== undefined && o.method !== 'GET';
  if (write) {
    const key = o.idempotencyKey === undefined ? randomUUID() : o.idempotencyKey;
    if (key !== null) headers['idempotency-key'] = key;
    const signature = o.signature === undefined && o.body !== undefined && typeof o.body !== 'string' ? await ctx.env.portal.sign(o.body) : o.signature;
    if (signature !== null && signature !== undefined) headers['x-dvc-signature'] = signature;
  }
  return ctx.send({ method: o.method ?? 'GET', url: `${ctx.env.target}${o.path}`, headers, ...(o.body !== undefined ? { body: o.body } : {}), ...(o.label ? { label: o.label } : {}) });
}

const procedureCache = new WeakMap<SuiteEnv, Promise<Procedure[]>>();

/** Every procedure the system offers (all pages of listOfferedProcedures), fetched once per run. */
export function offeredProcedures(ctx: Ctx): Promise<Procedure[]> {
  let cached = procedureCache.get(ctx.env);
  if (!cached) {
    cached = (async () => {
      const items: Procedure[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page++) {
        const res = await ctx.send({ url: `${ctx.env.target}/v1/procedures?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, label: 'listOfferedProcedures' });
        if (res.status !== 200) break;
        const body = res.json as { items?: Procedure[]; nextCursor?: string | null };
        items.push(...(body.items ?? []));
        cursor = body.nextCursor ?? null;
        if (!cursor) break;
      }
      return items;
    })();
    procedureCache.set(ctx.env, cached);
    cached.catch(() => procedureCache.delete(ctx.env));
  }
  return cached;
}

function feeTotal(p: Procedure): number {
  return (p.PhiLePhi ?? []).reduce((s, f) => s + (f.Gia ?? 0), 0);
}

/** A procedure of the system for the scenario: `fees` picks one that charges fees online. */
export async function pickProcedure(ctx: Ctx, want: { fees?: boolean; boundaryFree?: boolean } = {}): Promise<Procedure> {
  const all = await offeredProcedures(ctx);
  const usable = all.filter((p) => (want.fees === undefined || (feeTotal(p) > 0) === want.fees) && (!want.boundaryFree || p.KhongPhuThuocDiaGioi === true));
  const full = usable.filter((p) => p.MucDo === 'full');
  const chosen = (full.length > 0 ? full : usable)[0];
  if (!chosen) {
    if (all.length === 0) ctx.inconclusive('the system lists no procedure it receives online (listOfferedProcedures), so no dossier can be submitted');
    ctx.skip(`the system offers no procedure ${want.fees ? 'with online fees' : want.boundaryFree ? 'received regardless of administrative boundary' : 'without fees'}`);
  }
  return chosen;
}

export function citizen(ctx: Ctx, index = 0): UserInfo {
  return ctx.env.portal.citizens[index]!;
}

export function nowPortal(offsetMs = 0): string {
  return formatPortalDateTime(new Date(Date.now() + offsetMs));
}

export interface SubmissionOptions {
  procedure: Procedure;
  owner?: UserInfo;
  /** Attach one file (default true); without files the officials ask for a supplement. */
  files?: boolean;
  /** Ask to pay the procedure's fees online. */
  payOnline?: boolean;
}

/** A valid dossier as the national portal forwards it; the owner is a test citizen. */
export function newSubmission(ctx: Ctx, o: SubmissionOptions): DossierSubmission {
  const owner = o.owner ?? citizen(ctx);
  const today = formatPortalDateTime(new Date()).slice(2, 8);
  const s: DossierSubmission = {
    MaHoSoQuocGia: `G22.99-${today}-${ctx.random.token(10)}`,
    MaTTHC: o.procedure.MaTTHC,
    MaCoQuanThucHien: ctx.env.portal.agencyCode,
    ChuHoSo: owner.HoVaTen ?? 'Công dân thử nghiệm',
    LoaiDoiTuong: '1',
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: owner.SoDinhDanh! }],
    TrichYeuHoSo: `Hồ sơ kiểm thử tuân thủ: ${o.procedure.TenTTHC}`.slice(0, 1000),
    NgayNopHoSo: nowPortal(-1000),
    TaiKhoanDuocXacThucVoiVNeID: '1',
  };
  if (owner.SoDienThoai) s.SoDienThoai = owner.SoDienThoai;
  // The standard publishes no component list per procedure; TP01 is the first component by convention.
  if (o.files ?? true) s.TaiLieuNop = [{ TepDinhKemId: `f-${ctx.random.token(8)}`, TenTepDinhKem: 'To-khai.pdf', MaThanhPhanHoSo: 'TP01' }];
  if (o.payOnline) {
    s.DuocThanhToanTrucTuyen = '1';
    s.DanhSachLePhi = (o.procedure.PhiLePhi ?? []).map((f) => ({ ...f }));
  }
  return s;
}

export interface Received {
  submission: DossierSubmission;
  response: HttpResponse;
  MaHoSo: string;
}

/** Submits a dossier and requires 201 with a dossier code (the precondition of most scenarios). */
export async function receive(ctx: Ctx, o: SubmissionOptions & { requirements?: string[] }): Promise<Received> {
  const submission = newSubmission(ctx, o);
  const response = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: submission, label: 'receiveDossier (valid, signed)' });
  const MaHoSo = (response.json as { MaHoSo?: unknown } | undefined)?.MaHoSo;
  ctx.require(response.status === 201 && typeof MaHoSo === 'string', {
    requirements: o.requirements ?? ['DVC-RCV-001'],
    message: 'A valid, signed dossier from the portal is received with 201 and a dossier code',
    expected: '201 with { MaHoSo }',
    found: `${response.status} ${response.text.slice(0, 300)}`,
    response,
  });
  return { submission, response, MaHoSo: MaHoSo as string };
}

/** What the portal holds for the dossier once `predicate` holds, or undefined at the deadline. */
export function portalRecord(ctx: Ctx, MaHoSo: string, predicate: (r: DossierRecord) => boolean, timeoutMs = ctx.env.timing.syncDeadlineMs): Promise<DossierRecord | undefined> {
  return ctx.env.portal.waitFor(() => {
    const r = ctx.env.portal.dossier(MaHoSo);
    return r && predicate(r) ? r : undefined;
  }, timeoutMs, ctx.signal);
}

/** Waits until the portal has the dossier at one of `statuses`; requires it (the step is synced). */
export async function syncedAt(ctx: Ctx, MaHoSo: string, statuses: string[], requirements = ['DVC-SYNC-002']): Promise<DossierRecord> {
  // The dossier and its step may arrive in two requests: wait for both.
  const record = await portalRecord(ctx, MaHoSo, (r) => statuses.includes(r.dossier.TrangThaiHoSo) && r.history.some((s) => s.TrangThai === r.dossier.TrangThaiHoSo));
  ctx.require(record !== undefined, {
    requirements,
    message: `The system syncs dossier ${MaHoSo} at status ${statuses.join(' or ')} to the national portal within the run's deadline (${ctx.env.timing.syncDeadlineMs} ms)`,
    expected: `portal holds TrangThaiHoSo ∈ {${statuses.join(', ')}}`,
    found: describePortal(ctx, MaHoSo),
  });
  return record;
}

export function describePortal(ctx: Ctx, MaHoSo: string): string {
  const r = ctx.env.portal.dossier(MaHoSo);
  if (!r) return 'the portal has no record of the dossier';
  return `portal holds status ${r.dossier.TrangThaiHoSo} with ${r.history.length} step(s): ${r.history.map((s: ProcessingStep) => s.TrangThai).join('→')}`;
}

/** The requests the system sent to the portal about one dossier. */
export function pushesFor(ctx: Ctx, MaHoSo: string): PortalRequestRecord[] {
  return ctx.env.portal.requests().filter((r) => r.path.includes(encodeURIComponent(MaHoSo)) || r.path.includes(MaHoSo) || r.rawBody.includes(MaHoSo));
}

export function isProblem(res: HttpResponse): boolean {
  const b = res.json as Record<string, unknown> | undefined;
  return PROBLEM_JSON.test(res.headers['content-type'] ?? '') && !!b && typeof b.type === 'string' && typeof b.title === 'string' && b.status === res.status;
}

/** Records that `res` is an error answered as problem+json (DVC-ERR-001). */
export function verifyProblem(ctx: Ctx, res: HttpResponse, what: string): boolean {
  return ctx.verify(isProblem(res), {
    requirements: ['DVC-ERR-001'],
    message: `${what}: the error is application/problem+json with type, title and status equal to the HTTP status`,
    expected: `content-type application/problem+json, { type, title, status: ${res.status} }`,
    found: `${res.headers['content-type'] ?? 'no content-type'} ${res.text.slice(0, 200)}`,
    response: res,
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An agency code other than `own`: the first of `candidates` that is not it (provinces by default). */
export function anotherAgency(own: string, candidates: readonly [string, string] = ['000.00.00.H29', '000.00.00.H56']): string {
  return candidates[0] === own ? candidates[1] : candidates[0];
}

/** Puts a request the system sent to the portal into the check's evidence. */
export function observed(ctx: Ctx, r: PortalRequestRecord, label?: string): number {
  return ctx.observe({
    label: label ?? `sent by the system to the portal: ${r.operationId ?? r.path}`,
    method: r.method,
    url: `${ctx.env.portal.url}${r.path}`,
    requestHeaders: r.headers,
    requestBody: r.rawBody,
    status: r.status,
    responseHeaders: r.responseHeaders,
    responseBody: r.responseBody,
    at: r.at,
    durationMs: r.durationMs,
  });
}
