import { createHash } from 'node:crypto';
import { listOperations, nationalPortalDocument, type OperationInfo, type ProblemError } from '@dvc-kit/spec';
import { createTestPki, loadTestPki, writeTestPki, type TestParty, type TestPki } from '@dvc-kit/signature';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StoreLog } from './persistence.js';
import { seedStore } from './seed.js';
import { MockPortalError } from './errors.js';
import { parseBody } from './body-parsing.js';
import { Catalogue } from './catalogue.js';
import { systemClock, type Clock } from './clock.js';
import { DossierService } from './dossier-service.js';
import { FaultInjector, type FaultDecision } from './faults.js';
import { Journal } from './journal.js';
import { trustFromPki, verifyRequestSignature, type SignatureTrust } from './message-signature.js';
import { OidcProvider } from './oidc.js';
import { HttpProblem, PROBLEM } from './problem.js';
import { SeededRandom } from './random.js';
import { RequestValidator } from './request-validation.js';
import { authResolvers } from './resolvers/auth.js';
import { catalogueResolvers } from './resolvers/catalogue.js';
import { dossierResolvers } from './resolvers/dossiers.js';
import { DvcqgBinding, problemEnvelope } from './resolvers/dvcqg.js';
import { serviceResolvers } from './resolvers/services.js';
import { Router } from './router.js';
import { SigningKeys } from './signing-keys.js';
import { PortalStore } from './store.js';
import { TokenService } from './tokens.js';
import type { Caller, PortalRequest, PortalResponse, Resolver, ResolverResult, SystemCaller } from './types.js';

export interface PortalOptions {
  /** Seed of generated ids, seeded data and fault decisions (default 1). */
  seed?: number | string;
  /** The portal's base URL as callers reach it (also the token issuer). */
  baseUrl?: string;
  /** Test PKI: its root verifies agencies' signatures and its government CA issues the portal's certificate. Default: a fresh one. */
  pki?: TestPki;
  /** Access token lifetime (default 600 s). */
  accessTokenTtlSeconds?: number;
  /** Keep at most this many journal entries (default 5000). */
  journalCapacity?: number;
  clock?: Clock;
  /** Seed feedback and other starting data (default true). */
  seedData?: boolean;
  /** Keep the store in this directory (append-only log, fsync before acknowledging) and the test PKI beside it. */
  dataDir?: string;
}

/** Where the portal serves its test PKI's CRLs and OCSP (so that agency systems can check its certificate). */
export const PKI_PATH = '/__pki';

async function openPki(dataDir: string | undefined, baseUrl: string): Promise<TestPki> {
  if (!dataDir) return createTestPki({ serve: false, baseUrl });
  const dir = join(dataDir, 'pki');
  if (existsSync(join(dir, 'pki.json'))) return loadTestPki(dir, { serve: false });
  const pki = await createTestPki({ serve: false, baseUrl });
  await writeTestPki(pki, dir);
  return pki;
}

type Json = Record<string, unknown>;

interface Outcome {
  result: ResolverResult;
  operation: OperationInfo | undefined;
  caller: Caller | undefined;
  valid: boolean | undefined;
  errors: ProblemError[];
}

const SECURITY_DEFAULT = (nationalPortalDocument as unknown as { security?: Json[] }).security ?? [];
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

function problemResult(p: HttpProblem, instance: string): ResolverResult {
  return { status: p.status, headers: { 'content-type': 'application/problem+json', ...p.headers }, body: p.toJSON(instance) };
}

function faultProblem(decision: Extract<FaultDecision, { kind: 'error' | 'rate-limited' }>): HttpProblem {
  if (decision.kind === 'rate-limited') {
    const s = String(decision.retryAfterSeconds);
    return new HttpProblem(PROBLEM.rateLimited, `Injected fault: rate limited; retry after ${s} seconds.`, { headers: { 'retry-after': s, 'ratelimit-limit': '600', 'ratelimit-remaining': '0', 'ratelimit-reset': s } });
  }
  const type = decision.status === 429 ? PROBLEM.rateLimited : decision.status >= 500 ? (decision.status === 500 ? PROBLEM.internal : PROBLEM.unavailable) : PROBLEM.malformed;
  const headers: Record<string, string> = decision.retryAfter && (decision.status === 503 || decision.status === 429) ? { 'retry-after': '1' } : {};
  return new HttpProblem(type, `Injected fault: HTTP ${decision.status}.`, { status: decision.status, headers });
}

/**
 * The mock national portal: one resolver per operation of national-portal.yaml over one
 * store, behind a router built from the document. Every adapter (node:http server, MSW
 * handlers, undici dispatcher) calls {@link MockPortalCore.handle}.
 */
export class MockPortalCore {
  readonly store = new PortalStore();
  readonly journal: Journal;
  readonly catalogue = new Catalogue();
  readonly faults: FaultInjector;
  readonly validator = new RequestValidator();
  readonly router = new Router(listOperations('national-portal'));
  readonly random: SeededRandom;
  readonly clock: Clock;
  readonly dossiers: DossierService;
  readonly dvcqg: DvcqgBinding;
  readonly tokens: TokenService;
  readonly oidc: OidcProvider;
  readonly keys: SigningKeys;
  readonly trust: SignatureTrust;
  private baseUrl: string;
  private readonly resolvers: Record<string, Resolver>;
  private requestCounter = 0;
  private readonly requestPrefix = `req_${Date.now().toString(36)}_`;
  /** Adapters (admin API, dashboard) that answer paths outside the document. */
  extraRoutes: ((req: PortalRequest) => Promise<PortalResponse | undefined>) | undefined;

  private constructor(
    options: PortalOptions,
    keys: SigningKeys,
    readonly pki: TestPki,
    readonly signer: TestParty,
    private readonly ownsPki: boolean,
  ) {
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:4010').replace(/\/$/, '');
    this.keys = keys;
    this.random = new SeededRandom(options.seed ?? 1);
    this.journal = new Journal(options.journalCapacity ?? 5000);
    const base = options.clock ?? systemClock;
    this.faults = new FaultInjector(() => this.expireCredentials());
    this.clock = { now: () => base.now() + this.faults.clockOffsetMs };
    const issuer = () => this.baseUrl;
    const ttl = options.accessTokenTtlSeconds ?? 600;
    this.tokens = new TokenService({ issuer, keys, store: this.store, clock: this.clock, accessTokenTtlSeconds: ttl });
    this.oidc = new OidcProvider({ issuer, keys, store: this.store, clock: this.clock, tokenTtlSeconds: ttl });
    this.dossiers = new DossierService(this.store, this.catalogue, this.clock);
    this.dvcqg = new DvcqgBinding(this.store, this.dossiers, this.catalogue, this.validator, this.clock);
    this.trust = trustFromPki(pki);
    this.resolvers = {
      ...authResolvers(issuer, keys, this.tokens, this.oidc),
      ...catalogueResolvers(this.catalogue, this.clock),
      ...dossierResolvers(this.dossiers, this.validator),
      ...serviceResolvers(this.store, this.clock, this.random),
      ...this.dvcqg.resolvers(),
    };
    for (const op of listOperations('national-portal')) {
      if (!this.resolvers[op.operationId]) throw new Error(`no resolver for ${op.operationId}`);
    }
  }

  static async create(options: PortalOptions = {}): Promise<MockPortalCore> {
    const baseUrl = (options.baseUrl ?? 'http://127.0.0.1:4010').replace(/\/$/, '');
    const pki = options.pki ?? (await openPki(options.dataDir, `${baseUrl}${PKI_PATH}`));
    const signer = await pki.issueEndEntity({
      subject: { commonName: 'Cổng Dịch vụ công quốc gia (mock)', organization: 'Văn phòng Chính phủ', country: 'VN' },
      issuer: 'governmentCa',
    });
    const core = new MockPortalCore(options, await SigningKeys.create(options.dataDir ? join(options.dataDir, 'signing-keys.json') : undefined), pki, signer, options.pki === undefined);
    if (options.seedData !== false) seedStore(core.store, core.catalogue, new SeededRandom(`${options.seed ?? 1}:data`));
    if (options.dataDir) core.log = new StoreLog(options.dataDir, core.store);
    return core;
  }

  /** The durable log, when the portal was given a data directory. */
  log: StoreLog | undefined;

  get url(): string {
    return this.baseUrl;
  }

  setBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/$/, '');
  }

  /** Every token and dvcqg session issued so far stops working (fault injection). */
  expireCredentials(): void {
    this.tokens.generation++;
    this.dvcqg.expireAll();
  }

  async close(): Promise<void> {
    this.log?.close();
    if (this.ownsPki) await this.pki.close();
  }

  async handle(req: PortalRequest): Promise<PortalResponse> {
    const startedAt = Date.now();
    const t0 = performance.now();
    const given = req.headers['x-request-id'];
    const requestId = given && REQUEST_ID.test(given) ? given : `${this.requestPrefix}${(++this.requestCounter).toString(36)}`;
    if (req.path.startsWith(`${PKI_PATH}/`)) return this.servePki(req);
    if (this.extraRoutes && req.path.startsWith('/__')) {
      const answer = await this.extraRoutes(req);
      if (answer) return answer;
    }
    const match = this.router.match(req.method, req.path);
    const operationId = match.kind === 'found' ? match.operation.operationId : undefined;
    const decision: FaultDecision = this.faults.active ? this.faults.decide(req.method, req.path, operationId, req.body) : { kind: 'none', delayMs: 0 };
    let outcome: Outcome;
    if (decision.kind === 'reset') {
      outcome = { result: { status: 0 }, operation: match.kind === 'found' ? match.operation : undefined, caller: undefined, valid: undefined, errors: [] };
    } else if (decision.kind !== 'none') {
      outcome = { result: problemResult(faultProblem(decision), requestId), operation: undefined, caller: undefined, valid: undefined, errors: [] };
    } else if (match.kind === 'not-found') {
      outcome = { result: problemResult(new HttpProblem(PROBLEM.notFound, `No operation at ${req.path}.`), requestId), operation: undefined, caller: undefined, valid: undefined, errors: [] };
    } else if (match.kind === 'method-not-allowed') {
      const p = new HttpProblem(PROBLEM.malformed, `${req.method} is not allowed on ${req.path}; allowed: ${match.allowed.join(', ')}.`, { status: 405, headers: { allow: match.allowed.join(', ') } });
      outcome = { result: problemResult(p, requestId), operation: undefined, caller: undefined, valid: undefined, errors: [] };
    } else {
      outcome = await this.run(match.operation, match.params, req, requestId);
    }
    const response = this.serialize(outcome.result, requestId);
    if (decision.kind === 'reset') response.reset = true;
    if (decision.delayMs > 0) response.delayMs = decision.delayMs;
    this.journal.add({
      requestId,
      startedAt,
      durationMs: Math.round((performance.now() - t0) * 1000) / 1000,
      method: req.method,
      path: req.path,
      query: req.query,
      operationId: outcome.operation?.operationId ?? operationId,
      clientId: outcome.caller?.clientId ?? outcome.result.clientId,
      requestHeaders: req.headers,
      requestBody: req.body,
      status: response.status,
      responseHeaders: response.headers,
      responseBody: response.body,
      valid: outcome.valid,
      errors: outcome.errors,
      fault: decision.kind === 'none' ? undefined : decision.label,
    });
    return response;
  }

  private async servePki(req: PortalRequest): Promise<PortalResponse> {
    const rest = req.path.slice(PKI_PATH.length);
    const type = rest.startsWith('/crl') ? 'application/pkix-crl' : rest.startsWith('/ocsp') ? 'application/ocsp-response' : 'application/timestamp-reply';
    try {
      const body = await this.pki.fetcher({ url: `${this.pki.urls.base}${rest}`, method: req.method === 'POST' ? 'POST' : 'GET', ...(req.body ? { body: req.body } : {}), ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}) });
      return { status: 200, headers: { 'content-type': type }, body };
    } catch (e) {
      return { status: 404, headers: { 'content-type': 'text/plain' }, body: (e as Error).message };
    }
  }

  private serialize(result: ResolverResult, requestId: string): PortalResponse {
    const headers: Record<string, string> = { 'x-request-id': requestId, ...(result.headers ?? {}) };
    let body: string;
    if (result.body === undefined) body = '';
    else if (result.raw) body = String(result.body);
    else {
      body = JSON.stringify(result.body);
      headers['content-type'] ??= 'application/json';
    }
    return { status: result.status, headers, body };
  }

  private async authenticate(op: OperationInfo, req: PortalRequest): Promise<Caller | undefined> {
    const security = (op.operation.security as Json[] | undefined) ?? SECURITY_DEFAULT;
    const requirement = security.find((s) => 'systemToken' in s);
    if (!requirement) return undefined;
    const caller = await this.tokens.authenticateBearer(req.headers.authorization);
    if (caller.kind !== 'system') throw new HttpProblem(PROBLEM.forbidden, 'A citizen token cannot call system operations.');
    const needed = (requirement.systemToken as string[]) ?? [];
    const missing = needed.filter((s) => !caller.scopes.has(s));
    if (missing.length > 0) throw new HttpProblem(PROBLEM.forbidden, `The access token lacks the scope ${missing.join(' ')}.`, { headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${needed.join(' ')}"` } });
    return caller;
  }

  private async run(op: OperationInfo, params: Record<string, string>, req: PortalRequest, requestId: string): Promise<Outcome> {
    const outcome: Outcome = { result: { status: 500 }, operation: op, caller: undefined, valid: undefined, errors: [] };
    const dvcqg = op.binding === 'dvcqg';
    try {
      outcome.caller = await this.authenticate(op, req);
      const { contentType, required } = this.validator.bodyOf(op);
      let body: unknown;
      let present = false;
      if (contentType) {
        const parsed = parseBody(req.body, req.headers['content-type'], contentType, required);
        body = parsed.value;
        present = parsed.present;
      }
      // dvcqg services and batch records are checked record by record by their resolvers.
      const checkBody = present && !dvcqg && op.operationId !== 'syncDossierBatch';
      const verdict = this.validator.check(op, { params, query: req.query, headers: req.headers, body, checkBody });
      if (verdict.parameters.length > 0) {
        outcome.valid = false;
        outcome.errors = [...verdict.parameters, ...verdict.body];
        throw new HttpProblem(PROBLEM.malformed, `${verdict.parameters.length} parameter error(s).`, { errors: outcome.errors });
      }
      if (verdict.body.length > 0) {
        outcome.valid = false;
        outcome.errors = verdict.body;
        throw new HttpProblem(PROBLEM.validation, `${verdict.body.length} error(s) in the request body.`, { errors: verdict.body });
      }
      if (op.operationId === 'syncDossierBatch') this.checkBatchShape(body);
      outcome.valid = true;
      if (op.signed) {
        const system = outcome.caller ? this.store.systems.get(outcome.caller.clientId) : undefined;
        const callerAgency = outcome.caller?.kind === 'system' ? outcome.caller.agencyCode : undefined;
        await verifyRequestSignature(req.headers['x-dvc-signature'], body, system, this.trust, new Date(this.clock.now()), callerAgency);
      }
      const ctx = { operation: op, params, query: req.query, headers: req.headers, body, caller: outcome.caller, baseUrl: this.baseUrl, requestId };
      if (op.idempotencyKey && outcome.caller) {
        outcome.result = await this.idempotent(op, outcome.caller as SystemCaller, req, () => this.resolvers[op.operationId]!(ctx));
      } else {
        outcome.result = await this.resolvers[op.operationId]!(ctx);
      }
    } catch (e) {
      if (e instanceof HttpProblem) {
        if (outcome.valid === undefined && (e.type === PROBLEM.malformed || e.type === PROBLEM.validation || e.type === PROBLEM.payloadTooLarge)) outcome.valid = false;
        if (dvcqg && e.status !== 429) outcome.result = problemEnvelope(e);
        else if (op.operationId === 'requestToken' && (e.type === PROBLEM.malformed || e.type === PROBLEM.validation)) {
          const error = (e.errors ?? []).some((x) => x.pointer === '/grant_type' && x.code !== 'REQUIRED') ? 'unsupported_grant_type' : 'invalid_request';
          outcome.result = { status: 400, headers: { 'cache-control': 'no-store' }, body: { error, error_description: `${e.message} ${(e.errors ?? []).map((x) => `${x.pointer} ${x.message.en}`).join('; ')}`.trim().slice(0, 1000) } };
        } else outcome.result = problemResult(e, requestId);
      } else if (e instanceof MockPortalError && e.code === 'MOCK_PERSISTENCE_FAILED') {
        outcome.result = problemResult(new HttpProblem(PROBLEM.unavailable, `The change could not be made durable: ${e.message}`, { headers: { 'retry-after': '1' } }), requestId);
      } else {
        outcome.result = problemResult(new HttpProblem(PROBLEM.internal, `Unexpected error in ${op.operationId}: ${(e as Error).message}`), requestId);
      }
    }
    return outcome;
  }

  private checkBatchShape(body: unknown): void {
    const items = (body as { items?: unknown })?.items;
    if (!body || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(items) || Object.keys(body).some((k) => k !== 'items')) {
      throw new HttpProblem(PROBLEM.validation, 'The batch must be {"items": [...]}.', { errors: [{ pointer: '/items', code: 'type', message: { en: 'must be an array of dossiers', vi: 'Phải là một mảng hồ sơ' } }] });
    }
    if (items.length === 0) throw new HttpProblem(PROBLEM.validation, 'The batch is empty.', { errors: [{ pointer: '/items', code: 'minItems', message: { en: 'must have at least 1 item', vi: 'Tối thiểu 1 phần tử' } }] });
    if (items.length > 1000) throw new HttpProblem(PROBLEM.payloadTooLarge, `A batch holds at most 1000 records; this one has ${items.length}.`);
  }

  /** Same key + same body: the first answer again; same key + another body: 422. */
  private async idempotent(op: OperationInfo, caller: SystemCaller, req: PortalRequest, run: () => ResolverResult | Promise<ResolverResult>): Promise<ResolverResult> {
    const key = `${caller.clientId}\u0000${op.operationId}\u0000${req.headers['idempotency-key']}`;
    const fingerprint = createHash('sha256').update(req.method).update('\u0000').update(req.path).update('\u0000').update(req.body ?? new Uint8Array()).digest('base64url');
    const reused = () =>
      new HttpProblem(PROBLEM.idempotencyKeyReused, 'This Idempotency-Key was used with a different request body; use a new key for a new write.', {
        errors: [{ pointer: '#/header/Idempotency-Key', code: 'reused', message: { en: 'already used with another body', vi: 'Khóa đã được dùng cho một yêu cầu khác' } }],
      });
    const replay = (entry: { status: number; headers: Record<string, string>; body: string }): ResolverResult => ({ status: entry.status, headers: { ...entry.headers, 'idempotent-replayed': 'true' }, body: entry.body, raw: true });
    const previous = this.store.idempotency.get(key);
    if (previous) {
      if (previous.fingerprint !== fingerprint) throw reused();
      return replay(previous);
    }
    // A retry that arrives while the first attempt is still running waits for its answer.
    const running = this.inflight.get(key);
    if (running) {
      if (running.fingerprint !== fingerprint) throw reused();
      const first = await running.done;
      const stored = this.store.idempotency.get(key);
      if (stored) return replay(stored);
      return first;
    }
    const done = this.runOnce(key, fingerprint, run);
    this.inflight.set(key, { fingerprint, done });
    try {
      return await done;
    } finally {
      this.inflight.delete(key);
    }
  }

  private readonly inflight = new Map<string, { fingerprint: string; done: Promise<ResolverResult> }>();

  private async runOnce(key: string, fingerprint: string, run: () => ResolverResult | Promise<ResolverResult>): Promise<ResolverResult> {
    let result: ResolverResult;
    try {
      result = await run();
    } catch (e) {
      // Refusals are answered the same way on a retry with the same key.
      if (!(e instanceof HttpProblem) || e.status >= 500) throw e;
      result = problemResult(e, '');
    }
    if (result.status < 500) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(result.headers ?? {}) };
      this.store.commit({ t: 'idempotency', key, entry: { fingerprint, status: result.status, headers, body: result.raw ? String(result.body) : JSON.stringify(result.body) } });
      return { status: result.status, headers, body: result.raw ? result.body : JSON.stringify(result.body), raw: true };
    }
    return result;
  }
}
