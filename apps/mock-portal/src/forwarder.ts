import { randomUUID } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { SignJWT } from 'jose';
import { signMessage } from '@dvc-kit/signature';
import { validateResponse, type OperationId } from '@dvc-kit/validators';
import { findOperation, type DossierSubmission, type Feedback, type Payment } from '@dvc-kit/spec';
import { portalDateTime, vietnamIso } from './clock.js';
import { MockPortalError } from './errors.js';
import type { MockPortalCore } from './portal.js';
import type { ForwardRecord, RegisteredSystem } from './store.js';
import { TEST_CITIZENS } from './test-citizens.js';

export interface ForwardCall {
  clientId: string;
  /** An operation of agency-system.yaml (receiveDossier, notifyPayment, lookupDossier …). */
  operationId: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** For lookupDossier: the test citizen whose token is sent (default the first). */
  citizen?: string;
  /** Send this Idempotency-Key (default a new UUID) — repeat it to test the system's idempotency. */
  idempotencyKey?: string;
  /** Corrupt the signature (to check that the system refuses it). */
  tamperSignature?: boolean;
}

/**
 * The portal calling agency systems (agency-system.yaml): it signs its messages with its
 * government-CA certificate, authenticates with a JWT from its own JWKS (aud = the system's
 * client id, the operation's `agency.*` scope), and records every call and answer.
 */
export class Forwarder {
  constructor(
    private readonly core: MockPortalCore,
    private readonly dispatcher?: Dispatcher,
  ) {}

  private system(clientId: string): RegisteredSystem & { callbackBaseUrl: string } {
    const system = this.core.store.systems.get(clientId);
    if (!system) throw new MockPortalError('MOCK_SYSTEM_UNKNOWN', `no registered system ${JSON.stringify(clientId)}`);
    if (!system.callbackBaseUrl) throw new MockPortalError('MOCK_SYSTEM_INVALID', `system ${clientId} registered no callbackBaseUrl to call`);
    return system as RegisteredSystem & { callbackBaseUrl: string };
  }

  /** A portal access token for calling a system. */
  async portalToken(system: RegisteredSystem, scopes: string[]): Promise<string> {
    const key = this.core.keys.current;
    const now = Math.floor(this.core.clock.now() / 1000);
    return new SignJWT({ scope: scopes.join(' '), client_id: system.clientId })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.core.url).setAudience(system.clientId).setSubject('dvcqg-portal')
      .setIssuedAt(now).setExpirationTime(now + 300).setJti(randomUUID()).sign(key.privateKey);
  }

  async call(call: ForwardCall): Promise<ForwardRecord> {
    const op = findOperation(call.operationId);
    if (!op || op.document !== 'agency-system') throw new MockPortalError('MOCK_SYSTEM_INVALID', `${JSON.stringify(call.operationId)} is not an operation of agency-system.yaml`);
    const system = this.system(call.clientId);
    let path = op.path;
    for (const [name, value] of Object.entries(call.params ?? {})) path = path.replace(`{${name}}`, encodeURIComponent(value));
    if (/\{[^}]+\}/.test(path)) throw new MockPortalError('MOCK_SYSTEM_INVALID', `missing path parameters for ${op.path}`);
    const url = new URL(`${system.callbackBaseUrl}${path}`);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': `portal-${randomUUID()}` };
    const security = (op.operation.security as Record<string, string[]>[] | undefined) ?? [{ portalToken: [] }];
    if (security.some((s) => 'portalToken' in s)) {
      const scopes = security.find((s) => 'portalToken' in s)!.portalToken ?? [];
      headers.authorization = `Bearer ${await this.portalToken(system, scopes)}`;
    } else if (security.some((s) => 'citizenToken' in s)) {
      const citizen = this.core.oidc.citizens.find(call.citizen ?? TEST_CITIZENS[0]!.sub);
      if (!citizen) throw new MockPortalError('MOCK_SYSTEM_INVALID', `no test citizen ${JSON.stringify(call.citizen)}`);
      headers.authorization = `Bearer ${await this.core.oidc.citizenAccessToken(system.clientId, citizen)}`;
    }
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
      if (op.signed) {
        let signature = await signMessage(call.body, { privateKey: this.core.signer.privateKey, certificates: this.core.signer.chainPem });
        if (call.tamperSignature) signature = `${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
        headers['x-dvc-signature'] = signature;
      }
    }
    if (op.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey ?? randomUUID();
    const record: ForwardRecord = { id: randomUUID(), at: vietnamIso(this.core.clock.now()), clientId: system.clientId, operationId: op.operationId, url: url.toString(), request: call.body ?? null, status: 0, response: null, responseValid: null, responseErrors: [] };
    try {
      const answer = await request(url, { method: op.method.toUpperCase() as 'POST', headers, body, headersTimeout: 15_000, bodyTimeout: 15_000, ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}) });
      record.status = answer.statusCode;
      const text = await answer.body.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
        record.response = parsed ?? null;
      } catch {
        record.response = text.slice(0, 4000);
      }
      const responseHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : String(v);
      const verdict = validateResponse(op.operationId as OperationId, answer.statusCode, { headers: responseHeaders, body: typeof record.response === 'string' && parsed === undefined ? record.response : parsed });
      record.responseValid = verdict.ok;
      record.responseErrors = verdict.ok ? [] : verdict.errors;
    } catch (e) {
      record.error = (e as Error).message;
    }
    this.core.store.commit({ t: 'forward', record });
    return record;
  }

  /** A dossier submitted on the portal, forwarded to the system (receiveDossier). */
  submitDossier(clientId: string, submission?: Partial<DossierSubmission>, extra: Partial<ForwardCall> = {}): Promise<ForwardRecord> {
    const system = this.system(clientId);
    const procedure = this.core.catalogue.procedures.find((p) => p.MucDo === 'full' && p.KhongPhuThuocDiaGioi) ?? this.core.catalogue.procedures[0]!;
    const citizen = TEST_CITIZENS[0]!;
    const now = this.core.clock.now();
    const body: DossierSubmission = {
      MaHoSoQuocGia: `G22.99-${portalDateTime(now).slice(2, 8)}-${this.core.random.code(6)}`,
      MaTTHC: procedure.MaTTHC,
      MaCoQuanThucHien: system.agencyCode,
      ChuHoSo: citizen.HoVaTen!,
      LoaiDoiTuong: '1',
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: citizen.SoDinhDanh! }],
      SoDienThoai: citizen.SoDienThoai!,
      TrichYeuHoSo: `${procedure.TenTTHC} — nộp trên Cổng DVC quốc gia`,
      NgayNopHoSo: portalDateTime(now),
      TaiKhoanDuocXacThucVoiVNeID: '1',
      TaiLieuNop: [{ TepDinhKemId: `f-${portalDateTime(now)}-0001`, TenTepDinhKem: 'To-khai.pdf', MaThanhPhanHoSo: 'TP01' }],
      ...submission,
    };
    return this.call({ ...extra, clientId, operationId: 'receiveDossier', body });
  }

  /** Feedback from the national feedback system, stored and forwarded (receiveFeedback). */
  forwardFeedback(clientId: string, feedback?: Partial<Feedback>): Promise<ForwardRecord> {
    const system = this.system(clientId);
    const now = this.core.clock.now();
    const date = portalDateTime(now).slice(0, 8);
    let n = this.core.store.feedback.size + 1;
    let MaPhanAnh = `PA-${date}-${String(n).padStart(4, '0')}`;
    while (this.core.store.feedback.has(MaPhanAnh)) MaPhanAnh = `PA-${date}-${String(++n).padStart(4, '0')}`;
    const body: Feedback = {
      MaPhanAnh,
      TieuDe: 'Chậm trả kết quả',
      NoiDung: 'Hồ sơ đã quá hạn hẹn trả nhưng chưa nhận được kết quả.',
      NguoiGui: TEST_CITIZENS[0]!.HoVaTen!,
      NgayGui: portalDateTime(now),
      MaCoQuanXuLy: system.agencyCode,
      TrangThai: '1',
      ...feedback,
    };
    this.core.store.commit({ t: 'feedback', feedback: body });
    return this.call({ clientId, operationId: 'receiveFeedback', body });
  }

  /** The payment gateway's result: the payment is updated and the owning system notified (notifyPayment). */
  async notifyPayment(clientId: string, paymentId: string, status: Payment['status'] = 'paid'): Promise<ForwardRecord> {
    const payment = this.core.store.payments.get(paymentId);
    if (!payment) throw new MockPortalError('MOCK_SYSTEM_INVALID', `no payment ${paymentId}`);
    const now = this.core.clock.now();
    const updated: Payment = { ...payment, status };
    if (status === 'paid') {
      updated.paidAt = vietnamIso(now);
      updated.transactionRef = `PG${portalDateTime(now).slice(2, 8)}${this.core.random.code(6)}`;
    }
    this.core.store.commit({ t: 'payment', payment: updated });
    return this.call({ clientId, operationId: 'notifyPayment', body: updated });
  }
}
