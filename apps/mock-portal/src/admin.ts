import { adminProblem, adminProblemBody } from './admin-problem.js';
import { renderDashboard } from './dashboard.js';
import { MockPortalError } from './errors.js';
import { Forwarder, type ForwardCall } from './forwarder.js';
import { toHar } from './har.js';
import type { JournalQuery } from './journal.js';
import type { MockPortalCore } from './portal.js';
import { publicView, registerSystem, type SystemRegistration } from './systems.js';
import { CitizenRegistryError, TEST_CITIZENS } from './test-citizens.js';
import type { PortalRequest, PortalResponse } from './types.js';

export type AdminRoute = (req: PortalRequest, match: RegExpExecArray, body: unknown) => Promise<{ status: number; body: unknown; contentType?: string }>;

function json(status: number, body: unknown, contentType = 'application/json'): PortalResponse {
  return { status, headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}


/**
 * The admin API under `/__admin`: register systems, read the journal (JSON or HAR), set
 * faults, rotate keys, issue citizen tokens, and drive the portal's calls to agency systems.
 */
export class AdminApi {
  private readonly routes: { method: string; pattern: RegExp; run: AdminRoute }[] = [];

  readonly forwarder: Forwarder;

  constructor(private readonly core: MockPortalCore) {
    this.forwarder = new Forwarder(core);
    this.add('GET', /^\/__admin\/health$/, async () => ({ status: 200, body: { status: 'ok', url: core.url, counts: core.store.counts() } }));
    this.add('GET', /^\/__admin\/systems$/, async () => ({ status: 200, body: { items: [...core.store.systems.values()].map(publicView) } }));
    this.add('POST', /^\/__admin\/systems$/, async (_r, _m, body) => ({ status: 201, body: await this.register(body as SystemRegistration) }));
    this.add('GET', /^\/__admin\/pki$/, async () => ({ status: 200, body: { trustAnchorsPem: core.pki.trustAnchors, portalCertificatePem: core.signer.certificatePem, portalChainPem: core.signer.chainPem } }));
    this.add('GET', /^\/__admin\/journal$/, async (req) => ({ status: 200, body: { items: core.journal.query(journalQuery(req.query)) } }));
    this.add('GET', /^\/__admin\/journal\.har$/, async (req) => ({ status: 200, body: toHar(core.journal.query(journalQuery(req.query)), core.url), contentType: 'application/json' }));
    this.add('DELETE', /^\/__admin\/journal$/, async () => {
      core.journal.clear();
      return { status: 200, body: { cleared: true } };
    });
    this.add('GET', /^\/__admin\/faults$/, async () => ({ status: 200, body: core.faults.settings() }));
    this.add('PUT', /^\/__admin\/faults$/, async (_r, _m, body) => ({ status: 200, body: core.faults.configure((body ?? {}) as never) }));
    this.add('DELETE', /^\/__admin\/faults$/, async () => ({ status: 200, body: core.faults.configure({ rules: [] }) }));
    // One rule at a time, beside the others: a test scopes a fault to its own data (`match`) and removes it when done.
    this.add('POST', /^\/__admin\/faults\/rules$/, async (_r, _m, body) => ({ status: 201, body: core.faults.add((body ?? {}) as never) }));
    this.add('DELETE', /^\/__admin\/faults\/rules\/([^/]+)$/, async (_r, m) => {
      const id = safeDecode(m[1]!);
      if (!core.faults.remove(id)) throw new MockPortalError('MOCK_FAULT_UNKNOWN', `no fault rule ${JSON.stringify(id)}`);
      return { status: 200, body: { removed: id } };
    });
    this.add('POST', /^\/__admin\/keys\/rotate$/, async (_r, _m, body) => {
      const kid = await core.keys.rotate();
      if ((body as { retire?: boolean } | undefined)?.retire) await core.keys.retire(1);
      return { status: 200, body: { kid, jwks: core.keys.jwks() } };
    });
    this.add('GET', /^\/__admin\/citizens$/, async () => ({ status: 200, body: { items: core.oidc.citizens.list() } }));
    // Test citizens of this portal: add one, change its claims (shown at its next sign-in).
    this.add('POST', /^\/__admin\/citizens$/, async (_r, _m, body) => citizenAnswer(201, () => core.oidc.citizens.add(body as never)));
    this.add('PATCH', /^\/__admin\/citizens\/([^/]+)$/, async (_r, m, body) => citizenAnswer(200, () => core.oidc.citizens.update(decodeURIComponent(m[1]!), body as never)));
    this.add('POST', /^\/__admin\/citizen-tokens$/, async (_r, _m, body) => {
      const { clientId, citizen } = (body ?? {}) as { clientId?: string; citizen?: string };
      if (!clientId || !core.store.systems.has(clientId)) throw new MockPortalError('MOCK_SYSTEM_UNKNOWN', `no registered system ${JSON.stringify(clientId)}`);
      const person = core.oidc.citizens.find(citizen ?? TEST_CITIZENS[0]!.sub);
      if (!person) throw new MockPortalError('MOCK_SYSTEM_INVALID', `no test citizen ${JSON.stringify(citizen)}`);
      return { status: 201, body: { access_token: await core.oidc.citizenAccessToken(clientId, person), token_type: 'Bearer', citizen: person } };
    });
    this.add('GET', /^\/__admin\/store$/, async () => ({ status: 200, body: core.store.counts() }));
    this.add('GET', /^\/__admin\/dossiers$/, async (req) => {
      const system = core.store.systems.get(req.query.get('clientId') ?? '');
      if (!system) throw new MockPortalError('MOCK_SYSTEM_UNKNOWN', `no registered system ${JSON.stringify(req.query.get('clientId'))}`);
      return { status: 200, body: { items: core.dossiers.list(system.agencyCode, {}) } };
    });
    this.add('GET', /^\/__admin\/forwards$/, async (req) => {
      const clientId = req.query.get('clientId');
      return { status: 200, body: { items: core.store.forwards.filter((f) => !clientId || f.clientId === clientId) } };
    });
    this.add('POST', /^\/__admin\/forward\/dossiers$/, async (_r, _m, body) => {
      const b = (body ?? {}) as { clientId?: string; submission?: Record<string, unknown>; idempotencyKey?: string; tamperSignature?: boolean };
      const extra: Partial<ForwardCall> = {};
      if (b.idempotencyKey) extra.idempotencyKey = b.idempotencyKey;
      if (b.tamperSignature) extra.tamperSignature = true;
      return { status: 200, body: await this.forwarder.submitDossier(String(b.clientId), b.submission, extra) };
    });
    this.add('POST', /^\/__admin\/forward\/feedback$/, async (_r, _m, body) => {
      const b = (body ?? {}) as { clientId?: string; feedback?: Record<string, unknown> };
      return { status: 200, body: await this.forwarder.forwardFeedback(String(b.clientId), b.feedback) };
    });
    this.add('POST', /^\/__admin\/forward\/payments$/, async (_r, _m, body) => {
      const b = (body ?? {}) as { clientId?: string; paymentId?: string; status?: 'paid' | 'failed' | 'expired' | 'refunded' };
      return { status: 200, body: await this.forwarder.notifyPayment(String(b.clientId), String(b.paymentId), b.status ?? 'paid') };
    });
    this.add('POST', /^\/__admin\/forward\/call$/, async (_r, _m, body) => ({ status: 200, body: await this.forwarder.call((body ?? {}) as ForwardCall) }));
  }

  add(method: string, pattern: RegExp, run: AdminRoute): void {
    this.routes.push({ method, pattern, run });
  }

  private register(input: SystemRegistration) {
    return registerSystem(input, { store: this.core.store, pki: this.core.pki, clock: this.core.clock, tokenEndpoint: `${this.core.url}/oauth2/token` });
  }

  async handle(req: PortalRequest): Promise<PortalResponse | undefined> {
    if (req.path === '/__dashboard' || req.path === '/__dashboard/') {
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: renderDashboard(this.core, dashboardRefresh(req.query.get('refresh'))) };
    }
    if (!req.path.startsWith('/__admin/')) return undefined;
    let allowed = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      allowed = true;
      if (route.method !== req.method.toUpperCase()) continue;
      let body: unknown;
      if (req.body && req.body.length > 0) {
        try {
          body = JSON.parse(Buffer.from(req.body).toString('utf8'));
        } catch (e) {
          return adminProblem(400, 'MOCK_ADMIN_MALFORMED', `body is not JSON: ${(e as Error).message}`);
        }
      }
      try {
        const answer = await route.run(req, m, body);
        return json(answer.status, answer.body, answer.contentType);
      } catch (e) {
        if (e instanceof MockPortalError) {
          const status = adminErrorStatus(e);
          return adminProblem(status, e.code, e.message);
        }
        throw e;
      }
    }
    return allowed ? adminProblem(405, 'MOCK_ADMIN_METHOD', `${req.method} is not allowed on ${req.path}`) : adminProblem(404, 'MOCK_ADMIN_NOT_FOUND', `no admin route ${req.path}`);
  }
}

/** A write the data directory refused is the portal's failure (500), not the request's: it was not applied. */
function adminErrorStatus(e: MockPortalError): number {
  if (e.code === 'MOCK_SYSTEM_EXISTS' || e.code === 'MOCK_FAULT_EXISTS') return 409;
  if (e.code === 'MOCK_SYSTEM_UNKNOWN' || e.code === 'MOCK_FAULT_UNKNOWN') return 404;
  return e.code === 'MOCK_PERSISTENCE_FAILED' ? 500 : 400;
}

function citizenAnswer(status: number, change: () => unknown): { status: number; body: unknown; contentType?: string } {
  try {
    return { status, body: change() };
  } catch (e) {
    if (!(e instanceof CitizenRegistryError)) throw e;
    return { status: e.status, body: adminProblemBody(e.status, e.code, e.message), contentType: 'application/problem+json' };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function dashboardRefresh(value: string | null): number | undefined {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n >= 1 && n <= 3600 ? n : undefined;
}

function journalQuery(q: URLSearchParams): JournalQuery {
  const num = (k: string) => (q.get(k) !== null && Number.isFinite(Number(q.get(k))) ? Number(q.get(k)) : undefined);
  return {
    operationId: q.get('operationId') ?? undefined,
    clientId: q.get('clientId') ?? undefined,
    status: num('status'),
    invalid: q.get('invalid') === null ? undefined : q.get('invalid') === 'true' || q.get('invalid') === '1',
    sinceId: num('sinceId'),
    limit: num('limit') ?? 500,
  };
}
