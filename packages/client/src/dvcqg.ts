import type { Credential } from '@dvc-kit/auth';
import type { Dossier, DossierRecord, NationalPortal, Procedure, Problem } from '@dvc-kit/spec';
import { classifyRest, type Engine, type Outcome } from './engine.js';
import { ApiError, ConfigError, UnsupportedInBindingError, ValidationError, type RequestSummary } from './errors.js';
import type { RuntimeOperation } from './operations.js';
import { isDvcqgSuccess, problemForDvcqgCode, problemKind } from './problem-types.js';
import type { LooseInput } from './rest.js';
import type { ApiResponse } from './types.js';

type Schemas = NationalPortal.components['schemas'];
type IntegrationResponse = Schemas['DvcqgIntegrationResponse'];
type ShareResponse = Schemas['DvcqgShareResponse'];
type RecordResult = Schemas['DvcqgRecordResult'];
type BatchItemResult = Schemas['BatchItemResult'];
type ProcedureQuery = NonNullable<NationalPortal.operations['listProcedures']['parameters']['query']>;

/** How `upsertDossier` / `syncDossierBatch` set DongBoHoSoMC's `isUpdating` in the dvcqg binding. */
export type IsUpdatingPolicy =
  /** Ask TraCuuHoSo first: "True" when the portal has the dossier (the sync the portal documents). */
  | 'lookup'
  /** Always "True" / always "False" (when the caller knows). */
  | boolean;

export interface DvcqgOptions {
  /** `madonvi`: the agency code of the calling system (required for binding dvcqg). */
  agencyCode: string;
  /** Sent as the `dstcode` header that routes calls at LGSP/NGSP gateways. */
  dstcode?: string;
  /** Default `lookup`. */
  isUpdating?: IsUpdatingPolicy;
}

/** "True"/"False" in the wire's spelling. */
const wireBool = (b: boolean): 'True' | 'False' => (b ? 'True' : 'False');

/** Services that can be sent twice without a second effect. */
function envelopeRetrySafe(service: string, fields: Record<string, unknown>): boolean {
  if (service === 'TraCuuHoSo' || service === 'LayThuTuc' || service === 'LayDanhSachTTHC') return true;
  // Replacing existing records is idempotent; creating them ("False") may answer a conflict the second time.
  return service === 'DongBoHoSoMC' && fields['isUpdating'] === 'True';
}

/** The dvcqg binding: rest operations carried by the portal's service envelope. */
export class DvcqgBinding {
  constructor(
    private readonly engine: Engine,
    private readonly options: DvcqgOptions,
  ) {
    if (!options?.agencyCode) throw new ConfigError('binding "dvcqg" needs dvcqg.agencyCode (madonvi, e.g. "000.00.00.H56")');
  }

  /** One envelope call; answers the parsed envelope or throws the ApiError its error_code stands for. */
  async envelope<T extends { error_code: string }>(
    operationId: string,
    endpoint: '/dvcqg/integration' | '/dvcqg/share',
    service: string,
    fields: Record<string, unknown>,
    input: LooseInput,
  ): Promise<ApiResponse<T>> {
    const requestId = this.engine.newRequestId(input.requestId);
    const headers = this.engine.baseHeaders(requestId);
    headers['content-type'] = 'application/json';
    if (this.options.dstcode) headers['dstcode'] = this.options.dstcode;
    const madonvi = this.options.agencyCode;
    const engine = this.engine;
    const validateId = endpoint === '/dvcqg/integration' ? 'dvcqgIntegration' : 'dvcqgShare';
    const response = await engine.run({
      operationId,
      method: 'POST',
      path: endpoint,
      headers,
      body: (credential: Credential | undefined) => {
        if (credential?.type !== 'dvcqg-session') {
          throw new ConfigError(`binding "dvcqg" needs a dvcqg-session credential (auth: dvcqgSession(...)), got ${credential?.type ?? 'none'}`);
        }
        return { session: credential.session, madonvi, service, ...fields };
      },
      serialize: (b) => JSON.stringify(b),
      auth: 'system',
      credentialType: 'dvcqg-session',
      accessToken: undefined,
      retrySafe: envelopeRetrySafe(service, fields),
      requestId,
      signal: input.signal,
      timeoutMs: input.timeoutMs,
      classify: classifyEnvelope,
      ...(engine.validateMode === 'off'
        ? {}
        : {
            beforeFirstSend: async (body) => {
              const v = await engine.validator();
              const r = v.validateRequest(validateId, { body });
              if (!r.ok) throw new ValidationError('request', r.errors);
            },
          }),
      ...(engine.validateMode === 'all'
        ? {
            afterSuccess: async (status, headers, data, summary) => {
              const v = await engine.validator();
              const r = v.validateResponse(validateId, status, { headers, body: data });
              if (!r.ok) throw new ValidationError('response', r.errors, summary());
            },
          }
        : {}),
    });
    return response as ApiResponse<T>;
  }

  /** Sends a rest operation through the envelope; operations without `x-dvcqg` are refused. */
  async send(op: RuntimeOperation, input: LooseInput): Promise<ApiResponse<unknown>> {
    const path = (input.path ?? {}) as Record<string, string>;
    switch (op.dvcqg?.service) {
      case 'LayDanhSachTTHC':
        return this.listProcedures(op, input);
      case 'LayThuTuc': {
        const res = await this.envelope<ShareResponse>(op.operationId, '/dvcqg/share', 'LayThuTuc', { MaTTHC: path['MaTTHC'] }, input);
        return { ...res, data: this.single<Procedure>(op, res, res.data.result, `procedure ${path['MaTTHC']}`, '/dvcqg/share') };
      }
      case 'TraCuuHoSo':
        return this.lookup(op, path['MaHoSo']!, input);
      case 'DongBoHoSoMC':
        return op.operationId === 'syncDossierBatch' ? this.syncBatch(op, input) : this.upsert(op, path['MaHoSo']!, input);
      case 'CapNhatTienDoHoSoMC':
        return this.appendEvents(op, path['MaHoSo']!, input);
      default:
        throw new UnsupportedInBindingError(op.operationId, 'dvcqg');
    }
  }

  private async lookup(op: RuntimeOperation, code: string, input: LooseInput): Promise<ApiResponse<DossierRecord>> {
    const res = await this.envelope<IntegrationResponse>(op.operationId, '/dvcqg/integration', 'TraCuuHoSo', { MaHoSo: code }, input);
    const records = (res.data.result ?? []).filter((r): r is DossierRecord => typeof r === 'object' && r !== null && 'dossier' in r);
    return { ...res, data: this.single(op, res, records, `dossier ${code}`, '/dvcqg/integration') };
  }

  private async exists(op: RuntimeOperation, code: string, input: LooseInput): Promise<boolean> {
    try {
      await this.lookup(op, code, { ...input, requestId: undefined });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return false;
      throw error;
    }
  }

  private async isUpdating(op: RuntimeOperation, code: string, input: LooseInput): Promise<boolean> {
    const policy = this.options.isUpdating ?? 'lookup';
    return policy === 'lookup' ? this.exists(op, code, input) : policy;
  }

  private async upsert(op: RuntimeOperation, code: string, input: LooseInput): Promise<ApiResponse<DossierRecord>> {
    const dossier = input.body as Dossier;
    const updating = await this.isUpdating(op, code, input);
    const res = await this.envelope<IntegrationResponse>(
      op.operationId,
      '/dvcqg/integration',
      'DongBoHoSoMC',
      { isUpdating: wireBool(updating), data: [dossier] },
      input,
    );
    this.throwFirstRejected(op, res, recordResults(res.data));
    const record = await this.lookup(op, code, { ...input, requestId: undefined });
    return { ...record, status: updating ? 200 : 201 };
  }

  private async appendEvents(op: RuntimeOperation, code: string, input: LooseInput): Promise<ApiResponse<DossierRecord>> {
    const events = (input.body as { events: unknown[] }).events;
    const res = await this.envelope<IntegrationResponse>(op.operationId, '/dvcqg/integration', 'CapNhatTienDoHoSoMC', { data: events }, input);
    this.throwFirstRejected(op, res, recordResults(res.data));
    const record = await this.lookup(op, code, { ...input, requestId: undefined });
    return { ...record, status: 201 };
  }

  /** A batch as one or two DongBoHoSoMC calls (new and existing records), results back in request order. */
  private async syncBatch(op: RuntimeOperation, input: LooseInput): Promise<ApiResponse<unknown>> {
    const items = (input.body as { items: Dossier[] }).items;
    const policy = this.options.isUpdating ?? 'lookup';
    const updating: boolean[] = new Array(items.length);
    if (policy === 'lookup') {
      await forEachLimit(items, 8, async (d, i) => {
        updating[i] = await this.exists(op, d.MaHoSo, input);
      });
    } else updating.fill(policy);

    const results: BatchItemResult[] = new Array(items.length);
    let last: ApiResponse<IntegrationResponse> | undefined;
    for (const flag of [false, true]) {
      const indexes = items.map((_, i) => i).filter((i) => updating[i] === flag);
      if (indexes.length === 0) continue;
      last = await this.envelope<IntegrationResponse>(
        op.operationId,
        '/dvcqg/integration',
        'DongBoHoSoMC',
        { isUpdating: wireBool(flag), data: indexes.map((i) => items[i]) },
        input,
      );
      const byCode = new Map(recordResults(last.data).map((r) => [r.MaHoSo, r]));
      indexes.forEach((index, k) => {
        const item = items[index]!;
        const r = byCode.get(item.MaHoSo) ?? recordResults(last!.data)[k];
        if (r && !isDvcqgSuccess(r.error_code)) {
          results[index] = { index, key: item.MaHoSo, outcome: 'rejected', problem: problemForDvcqgCode(r.error_code, r.message) };
        } else {
          results[index] = { index, key: item.MaHoSo, outcome: flag ? 'updated' : 'created' };
        }
      });
    }
    const summary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
    for (const r of results) summary[r.outcome]++;
    return { status: 200, headers: last?.headers ?? {}, requestId: last?.requestId ?? '', data: { results, summary } };
  }

  private async listProcedures(op: RuntimeOperation, input: LooseInput): Promise<ApiResponse<unknown>> {
    const q = (input.query ?? {}) as ProcedureQuery;
    const start = q.cursor ? Number(q.cursor) : 0;
    if (!Number.isInteger(start) || start < 0) throw new ConfigError(`listProcedures: cursor ${JSON.stringify(q.cursor)} is not one this client gave`);
    const limit = q.limit ?? 50;
    const fields: Record<string, unknown> = { start, limit };
    if (q.agency) fields['MaCoQuan'] = q.agency;
    if (q.level) fields['MucDo'] = q.level;
    if (q.updatedSince) fields['NgayCapNhatTu'] = toPortalDateTime(q.updatedSince);
    const res = await this.envelope<ShareResponse>(op.operationId, '/dvcqg/share', 'LayDanhSachTTHC', fields, input);
    const items = res.data.result ?? [];
    const next = start + items.length;
    const more = res.data.total !== undefined ? next < res.data.total : items.length === limit;
    return { ...res, data: { items, nextCursor: more && items.length > 0 ? String(next) : null } };
  }

  private single<T>(op: RuntimeOperation, res: ApiResponse<unknown>, list: T[] | undefined, what: string, endpoint: string): T {
    const first = list?.[0];
    if (first !== undefined) return first;
    throw envelopeError(problemForDvcqgCode('03', `the portal answered no ${what}`), res.data, '03', this.summaryOf(op, res, endpoint));
  }

  private throwFirstRejected(op: RuntimeOperation, res: ApiResponse<unknown>, results: RecordResult[]): void {
    const bad = results.find((r) => !isDvcqgSuccess(r.error_code));
    if (bad) {
      throw envelopeError(problemForDvcqgCode(bad.error_code, bad.message ?? `record ${bad.MaHoSo}`), res.data, bad.error_code, this.summaryOf(op, res, '/dvcqg/integration'));
    }
  }

  /** The request an envelope answer came from, for an error raised from its content. */
  private summaryOf(op: RuntimeOperation, res: ApiResponse<unknown>, endpoint: string): RequestSummary {
    return { operationId: op.operationId, method: 'POST', url: this.engine.origin + this.engine.basePath + endpoint, requestId: res.requestId, attempts: 1 };
  }
}

function recordResults(data: IntegrationResponse): RecordResult[] {
  return (data.result ?? []).filter((r): r is RecordResult => typeof r === 'object' && r !== null && 'error_code' in r);
}

function envelopeError(problem: Problem, body: unknown, code: string, request: RequestSummary): ApiError {
  return new ApiError({ status: problem.status, problem, problemKind: problemKind(problem.type), body, request, requestId: request.requestId, dvcqgErrorCode: code });
}

/** An envelope answer: HTTP errors as in rest; on 200, `error_code` decides ("01" → log in again; "09", "99" → transient). */
export function classifyEnvelope(raw: Parameters<typeof classifyRest>[0], parsed: unknown, summary: () => RequestSummary): Outcome {
  if (raw.status >= 400) return classifyRest(raw, parsed, summary);
  const code = (parsed as { error_code?: unknown } | undefined)?.error_code;
  if (isDvcqgSuccess(code)) return { kind: 'ok', data: parsed };
  const codeText = typeof code === 'string' ? code : String(code);
  const message = (parsed as { message?: string } | undefined)?.message;
  const problem = problemForDvcqgCode(codeText, message);
  const s = summary();
  return {
    kind: 'error',
    error: new ApiError({ status: problem.status, problem, problemKind: problemKind(problem.type), body: parsed, request: s, requestId: s.requestId, dvcqgErrorCode: codeText }),
    retryable: codeText === '09' || codeText === '99',
    credentialRejected: codeText === '01',
  };
}

/** RFC 3339 instant → `yyyyMMddHHmmss` in Vietnam time (UTC+7, no daylight saving). */
export function toPortalDateTime(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new ConfigError(`not an RFC 3339 date-time: ${JSON.stringify(instant)}`);
  return new Date(ms + 7 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
