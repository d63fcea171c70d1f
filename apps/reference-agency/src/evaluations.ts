import { canonicalize } from '@dvc-kit/signature';
import type { AgencySystem, Evaluation } from '@dvc-kit/spec';
import { validate } from '@dvc-kit/validators';
import { owns, requireAccount, type Account } from './accounts.js';
import type { Db } from './database.js';
import { problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import type { Mutant } from './mutants.js';
import { strictJsonBody, validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';
import { toPortalDateTime } from './vietnam-time.js';
import type { Wakeup } from './wakeup.js';

type CitizenEvaluation = AgencySystem.components['schemas']['CitizenEvaluation'];

/** Statuses in which the handling has ended, so the owner may evaluate it (DVC-EVAL-002). */
const ENDED = ['3', '7', '8', '9', '10'];

/** Owners' satisfaction evaluations: one per dossier, queued for the national portal. */
export class EvaluationStore {
  readonly #db: Db;
  readonly #mutant: Mutant;
  readonly #wakeup: Wakeup | undefined;

  constructor(db: Db, options: { mutant: Mutant; wakeup?: Wakeup }) {
    this.#db = db;
    this.#mutant = options.mutant;
    this.#wakeup = options.wakeup;
  }

  /** Records it and queues it for the portal; false when the dossier already has its owner's evaluation. */
  record(e: Evaluation, nowMs = Date.now()): boolean {
    // The evaluation-not-forwarded mutant keeps it out of the queue.
    const state = this.#mutant.is('evaluation-not-forwarded') ? 'withheld' : 'pending';
    const added = this.#db.prepare('INSERT OR IGNORE INTO evaluations (code, data, push_state, push_due) VALUES (?, ?, ?, ?)').run(e.MaHoSo, JSON.stringify(e), state, nowMs).changes === 1;
    if (added) this.#wakeup?.fire();
    return added;
  }

  get(code: string): { evaluation: Evaluation; state: string; error: string | null } | undefined {
    const row = this.#db.prepare('SELECT data, push_state, push_error FROM evaluations WHERE code = ?').get(code) as { data: string; push_state: string; push_error: string | null } | undefined;
    return row ? { evaluation: JSON.parse(row.data) as Evaluation, state: row.push_state, error: row.push_error } : undefined;
  }

  has(code: string): boolean {
    return this.#db.prepare('SELECT 1 FROM evaluations WHERE code = ?').get(code) !== undefined;
  }

  due(nowMs: number, limit = 100): { evaluation: Evaluation; attempts: number }[] {
    return (
      this.#db.prepare(`SELECT data, push_attempts FROM evaluations WHERE push_state = 'pending' AND push_due <= ? ORDER BY push_due LIMIT ?`).all(nowMs, limit) as {
        data: string;
        push_attempts: number;
      }[]
    ).map((r) => ({ evaluation: JSON.parse(r.data) as Evaluation, attempts: r.push_attempts }));
  }

  /** When the next pending evaluation falls due, if any. */
  nextDueAt(): number | undefined {
    const row = this.#db.prepare(`SELECT MIN(push_due) AS d FROM evaluations WHERE push_state = 'pending'`).get() as { d: number | null };
    return row.d ?? undefined;
  }

  settle(codes: string[], outcome: { state: 'delivered' | 'failed' } | { state: 'pending'; dueAt: number }, error?: string): void {
    const stmt = this.#db.prepare('UPDATE evaluations SET push_state = ?, push_due = COALESCE(?, push_due), push_attempts = push_attempts + 1, push_error = ? WHERE code = ?');
    this.#db.transaction(() => {
      for (const code of codes) stmt.run(outcome.state, outcome.state === 'pending' ? outcome.dueAt : null, error ?? null, code);
    })();
  }
}

/** What the owner said, as compared between two evaluations (the system adds the rest). */
function given(e: CitizenEvaluation | Evaluation): string {
  return canonicalize({ KetQua: e.KetQua, TieuChi: e.TieuChi ?? {}, YKien: e.YKien ?? '' });
}

/** The account's dossier that may be evaluated: 404 when it is not theirs (nothing revealed), 409 while handling goes on. */
function evaluable(services: AgencyServices, account: Account, code: string) {
  const found = services.store.get(code);
  if (!found || !owns(account, found.ownerIds)) throw problems.notFound(`No dossier ${code} of yours.`);
  if (!ENDED.includes(found.status)) throw problems.conflict(`Dossier ${found.code} is still being handled (status ${found.status}); it can be evaluated once handling has ended.`);
  return found;
}

/**
 * The owner's evaluation of a dossier whose handling has ended (DVC-EVAL-001/002): recorded once
 * and queued for the national portal (submitEvaluations). The same evaluation again answers
 * the recorded one (`created: false`); a different one is a 409. Both the JSON API and the
 * HTML form come here.
 */
export function evaluateOwnDossier(services: AgencyServices, account: Account, code: string, input: CitizenEvaluation): { created: boolean; evaluation: Evaluation } {
  const found = evaluable(services, account, code);
  const evaluation: Evaluation = {
    MaHoSo: found.code,
    NgayDanhGia: toPortalDateTime(new Date()),
    KenhDanhGia: '2',
    KetQua: input.KetQua,
    ...(input.TieuChi && Object.keys(input.TieuChi).length ? { TieuChi: input.TieuChi } : {}),
    ...(input.YKien ? { YKien: input.YKien } : {}),
  };
  const check = validate('Evaluation', evaluation);
  if (!check.ok) throw problems.invalid('The evaluation is invalid.', check.errors);
  return services.store.transaction(() => {
    if (services.evaluations.record(evaluation)) return { created: true, evaluation };
    const recorded = services.evaluations.get(found.code)!.evaluation;
    if (given(recorded) !== given(evaluation)) throw problems.conflict(`Dossier ${found.code} has already been evaluated by its owner; an evaluation cannot be changed.`);
    return { created: false, evaluation: recorded };
  });
}

/** evaluateDossier: `PUT /v1/me/dossiers/{MaHoSo}/evaluation` (JSON CitizenEvaluation, session cookie). */
export function evaluateDossier(services: AgencyServices, ctx: RequestContext): Reply {
  const account = requireAccount(services, ctx, 'evaluate a dossier');
  // Only JSON: a cross-site form cannot send it with the session cookie.
  const body = strictJsonBody(ctx);
  validateAgainstSpec('evaluateDossier', ctx, body, services.mutant);
  const { created, evaluation } = evaluateOwnDossier(services, account, ctx.params.MaHoSo!, body as CitizenEvaluation);
  return { status: created ? 201 : 200, headers: { 'cache-control': 'no-store' }, body: evaluation };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `GET /danh-gia/{MaHoSo}`: the evaluation form for the signed-in owner. */
export function evaluationForm(services: AgencyServices, ctx: RequestContext): Reply {
  const account = requireAccount(services, ctx, 'evaluate a dossier');
  const found = evaluable(services, account, ctx.params.MaHoSo!);
  const done = services.evaluations.has(found.code);
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đánh giá giải quyết hồ sơ ${escapeHtml(found.code)}</title></head>
<body><h1>Đánh giá việc giải quyết hồ sơ ${escapeHtml(found.code)}</h1><p>${escapeHtml(found.dossier.TenTTHC)}</p>
${done ? '<p id="done">Bạn đã đánh giá hồ sơ này.</p>' : `<form method="post"><label><input type="radio" name="KetQua" value="1"> Rất hài lòng</label>
<label><input type="radio" name="KetQua" value="2" checked> Hài lòng</label><label><input type="radio" name="KetQua" value="3"> Không hài lòng</label>
<textarea name="YKien" maxlength="2000"></textarea><button>Gửi đánh giá</button></form>`}</body></html>`;
  return { status: 200, headers: { 'cache-control': 'no-store' }, body: html, contentType: 'text/html' };
}

/**
 * `POST /danh-gia/{MaHoSo}` (form-urlencoded `KetQua`, `YKien`): the form's way to
 * {@link evaluateOwnDossier}; a form is sent once, so a second post is a 409. The session
 * cookie is SameSite=Lax, so another site cannot post it.
 */
export function submitEvaluation(services: AgencyServices, ctx: RequestContext): Reply {
  const account = requireAccount(services, ctx, 'evaluate a dossier');
  const form = new URLSearchParams(ctx.rawBody ?? '');
  const input = { KetQua: form.get('KetQua') as CitizenEvaluation['KetQua'], ...(form.get('YKien') ? { YKien: form.get('YKien')! } : {}) };
  const { created, evaluation } = evaluateOwnDossier(services, account, ctx.params.MaHoSo!, input);
  if (!created) throw problems.conflict(`Dossier ${evaluation.MaHoSo} has already been evaluated by its owner.`);
  return { status: 303, headers: { location: `${services.config.publicUrl}/danh-gia/${encodeURIComponent(evaluation.MaHoSo)}`, 'cache-control': 'no-store' } };
}
