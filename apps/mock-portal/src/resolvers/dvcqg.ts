import { randomBytes } from 'node:crypto';
import type { Dossier, ProcessingStep } from '@dvc-kit/spec';
import { ownsAgency } from '../agency-scope.js';
import type { Catalogue } from '../catalogue.js';
import type { Clock } from '../clock.js';
import type { DossierService } from '../dossier-service.js';
import { dvcqgCodeFor, HttpProblem, PROBLEM } from '../problem.js';
import type { RequestValidator } from '../request-validation.js';
import type { PortalStore, RegisteredSystem } from '../store.js';
import type { Resolver } from '../types.js';

interface Session {
  clientId: string;
  agencyCode: string;
  expiresAt: number;
}

export const SESSION_TTL_SECONDS = 1800;
const OK = { error_code: '0', message: 'Thành công' };

function envelope(error_code: string, message: string, extra: Record<string, unknown> = {}) {
  return { status: 200, body: { error_code, message, ...extra } };
}

/** The envelope's answer to a problem: HTTP 200 with the mapped `error_code`. */
export function problemEnvelope(p: HttpProblem) {
  const detail = p.errors?.length ? `${p.message} ${p.errors.map((e) => `${e.pointer}: ${e.message.en}`).join('; ')}` : p.message;
  return envelope(dvcqgCodeFor(p.type), detail.slice(0, 1000));
}

/** The dvcqg binding (login, integration, share) over the same store and rules as rest. */
export class DvcqgBinding {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly store: PortalStore,
    private readonly dossiers: DossierService,
    private readonly catalogue: Catalogue,
    private readonly validator: RequestValidator,
    private readonly clock: Clock,
  ) {}

  /** Ends every session (fault injection: "token expiry mid-session"). */
  expireAll(): void {
    this.sessions.clear();
  }

  private session(body: Record<string, unknown>): { system: RegisteredSystem; madonvi: string } {
    const token = typeof body.session === 'string' ? body.session : '';
    const s = this.sessions.get(token);
    if (!s || s.expiresAt <= this.clock.now()) {
      if (s) this.sessions.delete(token);
      throw new HttpProblem(PROBLEM.unauthorized, 'Phiên làm việc không hợp lệ hoặc đã hết hạn — session invalid or expired; log in again.');
    }
    const system = this.store.systems.get(s.clientId);
    if (!system) throw new HttpProblem(PROBLEM.unauthorized, 'The session belongs to a system that is no longer registered.');
    const madonvi = typeof body.madonvi === 'string' ? body.madonvi : '';
    if (!ownsAgency(system.agencyCode, madonvi)) {
      throw new HttpProblem(PROBLEM.forbidden, `madonvi ${JSON.stringify(madonvi)} is not the agency of this session (${system.agencyCode}).`);
    }
    return { system, madonvi };
  }

  private check(schema: string, body: unknown): void {
    const issues = this.validator.schemaIssues(schema, body);
    if (issues.length > 0) throw new HttpProblem(PROBLEM.validation, `The ${schema} request failed validation.`, { errors: issues });
  }

  resolvers(): Record<string, Resolver> {
    return {
      dvcqgLogin: ({ body }) => this.guard(() => {
        this.check('DvcqgLoginRequest', body);
        const { username, password } = body as { username: string; password: string };
        const system = this.store.systemByDvcqgUsername(username);
        if (!system || system.dvcqgPassword !== password) return envelope('01', 'Sai tên đăng nhập hoặc mật khẩu — wrong username or password.');
        const session = randomBytes(16).toString('hex');
        this.sessions.set(session, { clientId: system.clientId, agencyCode: system.agencyCode, expiresAt: this.clock.now() + SESSION_TTL_SECONDS * 1000 });
        return { status: 200, body: { session, ...OK, expires_in: SESSION_TTL_SECONDS } };
      }),
      dvcqgIntegration: ({ body }) => this.guard(() => this.integration(body as Record<string, unknown>)),
      dvcqgShare: ({ body }) => this.guard(() => this.share(body as Record<string, unknown>)),
    };
  }

  private guard(fn: () => { status: number; body: unknown }) {
    try {
      return fn();
    } catch (e) {
      if (e instanceof HttpProblem) return problemEnvelope(e);
      throw e;
    }
  }

  private integration(body: Record<string, unknown>) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpProblem(PROBLEM.validation, 'The envelope must be a JSON object.');
    const { system } = this.session(body);
    switch (body.service) {
      case 'DongBoHoSoMC':
        return this.syncDossiers(system, body);
      case 'CapNhatTienDoHoSoMC': {
        this.check('CapNhatTienDoHoSoMC', body);
        const steps = body.data as ProcessingStep[];
        const outcome = new Map<string, { code: string; message: string }>();
        const byDossier = new Map<string, ProcessingStep[]>();
        for (const step of steps) byDossier.set(step.MaHoSo, [...(byDossier.get(step.MaHoSo) ?? []), step]);
        for (const [code, group] of byDossier) {
          try {
            this.dossiers.appendEvents(system.agencyCode, code, group, '/data');
            outcome.set(code, { code: '0', message: 'Thành công' });
          } catch (e) {
            if (!(e instanceof HttpProblem)) throw e;
            outcome.set(code, { code: dvcqgCodeFor(e.type), message: e.message.slice(0, 1000) });
          }
        }
        return envelope('0', 'Thành công', { result: steps.map((s) => ({ MaHoSo: s.MaHoSo, error_code: outcome.get(s.MaHoSo)!.code, message: outcome.get(s.MaHoSo)!.message })) });
      }
      case 'TraCuuHoSo': {
        this.check('TraCuuHoSo', body);
        const record = this.dossiers.read(system.agencyCode, body.MaHoSo as string);
        return envelope('0', 'Thành công', { result: [record] });
      }
      default:
        throw new HttpProblem(PROBLEM.validation, `Unknown integration service ${JSON.stringify(body.service)}: use DongBoHoSoMC, CapNhatTienDoHoSoMC or TraCuuHoSo.`);
    }
  }

  private syncDossiers(system: RegisteredSystem, body: Record<string, unknown>) {
    const allowed = new Set(['session', 'madonvi', 'service', 'isUpdating', 'data']);
    const extra = Object.keys(body).filter((k) => !allowed.has(k));
    if (extra.length > 0) throw new HttpProblem(PROBLEM.validation, `Unknown envelope fields: ${extra.join(', ')}.`);
    if (body.isUpdating !== 'True' && body.isUpdating !== 'False') throw new HttpProblem(PROBLEM.validation, 'isUpdating must be "True" or "False".');
    const data = body.data;
    if (!Array.isArray(data) || data.length < 1 || data.length > 1000) throw new HttpProblem(PROBLEM.validation, 'data must be an array of 1 to 1000 dossiers.');
    const updating = body.isUpdating === 'True';
    const result = data.map((item: unknown, index) => {
      const code = typeof (item as { MaHoSo?: unknown })?.MaHoSo === 'string' ? String((item as Dossier).MaHoSo).slice(0, 64) : '';
      try {
        const issues = this.validator.schemaIssues('Dossier', item, `/data/${index}`);
        if (issues.length > 0) throw new HttpProblem(PROBLEM.validation, `data/${index} failed validation.`, { errors: issues });
        const exists = this.store.dossiers.has(code);
        if (exists && !updating && ownsAgency(system.agencyCode, code.split('-')[0]!)) throw new HttpProblem(PROBLEM.conflict, `Dossier ${code} already exists; send isUpdating "True".`);
        if (!exists && updating) throw new HttpProblem(PROBLEM.notFound, `Dossier ${code} does not exist; send isUpdating "False".`);
        this.dossiers.upsert(system.agencyCode, item as Dossier, { pointer: `/data/${index}` });
        return { MaHoSo: code, error_code: '0', message: 'Thành công' };
      } catch (e) {
        if (!(e instanceof HttpProblem)) throw e;
        return { MaHoSo: code, error_code: dvcqgCodeFor(e.type), message: problemEnvelope(e).body.message };
      }
    });
    return envelope('0', 'Thành công', { result });
  }

  private share(body: Record<string, unknown>) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpProblem(PROBLEM.validation, 'The envelope must be a JSON object.');
    this.session(body);
    switch (body.service) {
      case 'LayThuTuc': {
        this.check('LayThuTuc', body);
        const p = this.catalogue.procedure(body.MaTTHC as string);
        if (!p) throw new HttpProblem(PROBLEM.notFound, `No procedure ${String(body.MaTTHC)}.`);
        return envelope('0', 'Thành công', { total: 1, result: [p] });
      }
      case 'LayDanhSachTTHC': {
        this.check('LayDanhSachTTHC', body);
        const since = typeof body.NgayCapNhatTu === 'string' ? body.NgayCapNhatTu : undefined;
        const list = this.catalogue
          .proceduresFor({ agency: (body.MaCoQuan as string) ?? null, level: (body.MucDo as string) ?? null })
          .filter((p) => !since || (p.NgayCapNhat ?? '') >= since);
        const start = (body.start as number) ?? 0;
        const limit = (body.limit as number) ?? 500;
        return envelope('0', 'Thành công', { total: list.length, result: list.slice(start, start + limit) });
      }
      default:
        throw new HttpProblem(PROBLEM.validation, `Unknown share service ${JSON.stringify(body.service)}: use LayThuTuc or LayDanhSachTTHC.`);
    }
  }
}
