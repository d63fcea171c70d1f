import type { Evaluation } from '@dvc-kit/spec';
import { validate } from '@dvc-kit/validators';
import type { Db } from './database.js';
import { problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import type { AgencyServices } from './services.js';
import { toPortalDateTime } from './vietnam-time.js';

/** Statuses in which the handling has ended, so the owner may evaluate it (DVC-EVAL-002). */
const ENDED = ['3', '7', '8', '9', '10'];

/** Owners' satisfaction evaluations: one per dossier, queued for the national portal. */
export class EvaluationStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Records it; false when the dossier already has its owner's evaluation. */
  record(e: Evaluation, nowMs = Date.now()): boolean {
    return this.#db.prepare('INSERT OR IGNORE INTO evaluations (code, data, push_due) VALUES (?, ?, ?)').run(e.MaHoSo, JSON.stringify(e), nowMs).changes === 1;
  }

  get(code: string): { evaluation: Evaluation; state: string; error: string | null } | undefined {
    const row = this.#db.prepare('SELECT data, push_state, push_error FROM evaluations WHERE code = ?').get(code) as { data: string; push_state: string; push_error: string | null } | undefined;
    return row ? { evaluation: JSON.parse(row.data) as Evaluation, state: row.push_state, error: row.push_error } : undefined;
  }

  due(nowMs: number, limit = 100): { evaluation: Evaluation; attempts: number }[] {
    return (
      this.#db.prepare(`SELECT data, push_attempts FROM evaluations WHERE push_state = 'pending' AND push_due <= ? ORDER BY push_due LIMIT ?`).all(nowMs, limit) as {
        data: string;
        push_attempts: number;
      }[]
    ).map((r) => ({ evaluation: JSON.parse(r.data) as Evaluation, attempts: r.push_attempts }));
  }

  settle(codes: string[], outcome: { state: 'delivered' | 'failed' } | { state: 'pending'; dueAt: number }, error?: string): void {
    const stmt = this.#db.prepare('UPDATE evaluations SET push_state = ?, push_due = COALESCE(?, push_due), push_attempts = push_attempts + 1, push_error = ? WHERE code = ?');
    this.#db.transaction(() => {
      for (const code of codes) stmt.run(outcome.state, outcome.state === 'pending' ? outcome.dueAt : null, error ?? null, code);
    })();
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The signed-in owner's dossier that may be evaluated, or the reason it may not. */
function evaluable(services: AgencyServices, ctx: RequestContext) {
  const session = services.signOn.session(ctx.headers.cookie);
  if (!session) throw problems.unauthorized('Sign in through the national portal to evaluate a dossier.', 'invalid_request');
  const found = services.store.get(ctx.params.MaHoSo!);
  if (!found || !session.SoDinhDanh || !found.ownerIds.includes(session.SoDinhDanh)) throw problems.notFound(`No dossier ${ctx.params.MaHoSo} of yours.`);
  if (!ENDED.includes(found.status)) throw problems.conflict(`Dossier ${found.code} is still being handled (status ${found.status}); it can be evaluated once handling has ended.`);
  return found;
}

/** `GET /danh-gia/{MaHoSo}`: the evaluation form for the signed-in owner. */
export function evaluationForm(services: AgencyServices, ctx: RequestContext): Reply {
  const found = evaluable(services, ctx);
  const done = services.evaluations.get(found.code);
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đánh giá giải quyết hồ sơ ${escapeHtml(found.code)}</title></head>
<body><h1>Đánh giá việc giải quyết hồ sơ ${escapeHtml(found.code)}</h1><p>${escapeHtml(found.dossier.TenTTHC)}</p>
${done ? '<p id="done">Bạn đã đánh giá hồ sơ này.</p>' : `<form method="post"><label><input type="radio" name="KetQua" value="1"> Rất hài lòng</label>
<label><input type="radio" name="KetQua" value="2" checked> Hài lòng</label><label><input type="radio" name="KetQua" value="3"> Không hài lòng</label>
<textarea name="YKien" maxlength="2000"></textarea><button>Gửi đánh giá</button></form>`}</body></html>`;
  return { status: 200, headers: { 'cache-control': 'no-store' }, body: html, contentType: 'text/html' };
}

/**
 * `POST /danh-gia/{MaHoSo}` (form-urlencoded `KetQua`, `YKien`): the owner's evaluation of a
 * dossier whose handling has ended, at most one (DVC-EVAL-002), sent to the portal
 * (submitEvaluations). The session cookie is SameSite=Lax, so another site cannot post it.
 */
export function submitEvaluation(services: AgencyServices, ctx: RequestContext): Reply {
  const found = evaluable(services, ctx);
  const form = new URLSearchParams(ctx.rawBody ?? '');
  const evaluation: Evaluation = {
    MaHoSo: found.code,
    NgayDanhGia: toPortalDateTime(new Date()),
    KenhDanhGia: '2',
    KetQua: form.get('KetQua') as Evaluation['KetQua'],
    ...(form.get('YKien') ? { YKien: form.get('YKien')! } : {}),
  };
  const check = validate('Evaluation', evaluation);
  if (!check.ok) throw problems.invalid('The evaluation is invalid.', check.errors);
  if (!services.evaluations.record(evaluation)) throw problems.conflict(`Dossier ${found.code} has already been evaluated by its owner.`);
  return { status: 303, headers: { location: `${services.config.publicUrl}/danh-gia/${encodeURIComponent(found.code)}`, 'cache-control': 'no-store' } };
}
