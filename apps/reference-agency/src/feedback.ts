import type { AgencySystem, Feedback, FeedbackAnswer } from '@dvc-kit/spec';
import { findOfferedProcedure, topLevelOf } from './catalogue.js';
import type { Db } from './database.js';
import { issue } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { idempotencyKey, idempotentWrite, jsonBody, throwInvalid, validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';
import type { Mutant } from './mutants.js';
import { addWorkingDays, fromPortalDateTime, toPortalDateTime } from './vietnam-time.js';
import type { Wakeup } from './wakeup.js';

type DossierView = AgencySystem.components['schemas']['DossierView'];
/** A feedback item as the owner's authenticated lookup shows it (DVC-FBK-003). */
export type FeedbackSummary = NonNullable<DossierView['feedback']>[number];

interface SummaryRow {
  id: string;
  status: string;
  answer: string | null;
  received_at: string;
  assigned_unit: string;
  deadline: string;
}

const SUMMARY = 'SELECT id, status, answer, received_at, assigned_unit, deadline FROM feedback';

/** The working days the system gives itself to answer when the portal sets no deadline (or a later one). */
export const ANSWER_WORKING_DAYS = 10;
/** Who handles feedback not about a dossier of a known procedure. */
export const FEEDBACK_DESK = 'Văn phòng Ủy ban nhân dân tỉnh';

/** Feedback received for the agency, with when it arrived, who handles it and by when (DVC-FBK-003). */
export class FeedbackStore {
  readonly #db: Db;
  readonly #mutant: Mutant;
  readonly #wakeup: Wakeup | undefined;

  constructor(db: Db, options: { mutant: Mutant; wakeup?: Wakeup }) {
    this.#db = db;
    this.#mutant = options.mutant;
    this.#wakeup = options.wakeup;
  }

  /**
   * Records it once with when it arrived, the unit assigned and the deadline (DVC-FBK-003); the
   * officials answer it at `answerDueMs`. A repeat of the same MaPhanAnh keeps the first.
   */
  receive(f: Feedback, record: { assignedUnit: string; deadline: string; receivedAt: string; answerDueMs: number }): FeedbackSummary {
    const added = this.#db
      .prepare('INSERT OR IGNORE INTO feedback (id, code, data, status, received_at, assigned_unit, deadline, answer_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(f.MaPhanAnh, f.MaHoSo ?? null, JSON.stringify(f), '2', record.receivedAt, record.assignedUnit, record.deadline, record.answerDueMs).changes;
    if (added) this.#wakeup?.fire();
    return this.get(f.MaPhanAnh)!;
  }

  get(id: string): FeedbackSummary | undefined {
    const row = this.#db.prepare(`${SUMMARY} WHERE id = ?`).get(id) as SummaryRow | undefined;
    return row ? this.#summary(row) : undefined;
  }

  forDossier(code: string): FeedbackSummary[] {
    return (this.#db.prepare(`${SUMMARY} WHERE code = ? ORDER BY received_at, id`).all(code) as SummaryRow[]).map((r) => this.#summary(r));
  }

  #summary(row: SummaryRow): FeedbackSummary {
    const accountable = !this.#mutant.is('feedback-accountability-missing');
    return {
      MaPhanAnh: row.id,
      TrangThai: row.status as FeedbackSummary['TrangThai'],
      ...(accountable ? { NgayNhan: row.received_at, DonViXuLy: row.assigned_unit, HanTraLoi: row.deadline } : {}),
      ...(row.answer ? { TraLoi: JSON.parse(row.answer) as FeedbackAnswer } : {}),
    };
  }

  /** Feedback whose answer is due, oldest first. */
  unanswered(nowMs = Date.now(), limit = 50): { id: string; feedback: Feedback; assignedUnit: string }[] {
    return (
      this.#db.prepare(`SELECT id, data, assigned_unit FROM feedback WHERE status = '2' AND COALESCE(answer_due, 0) <= ? ORDER BY received_at, id LIMIT ?`).all(nowMs, limit) as {
        id: string;
        data: string;
        assigned_unit: string;
      }[]
    ).map((r) => ({ id: r.id, feedback: JSON.parse(r.data) as Feedback, assignedUnit: r.assigned_unit }));
  }

  /** When the next answer falls due, if any. */
  nextAnswerDueAt(): number | undefined {
    const row = this.#db.prepare(`SELECT MIN(COALESCE(answer_due, 0)) AS d FROM feedback WHERE status = '2'`).get() as { d: number | null };
    return row.d ?? undefined;
  }

  /** When the next answer push falls due, if any. */
  nextPushDueAt(): number | undefined {
    const row = this.#db.prepare(`SELECT MIN(push_due) AS d FROM feedback WHERE push_state = 'pending'`).get() as { d: number | null };
    return row.d ?? undefined;
  }

  /** Records the answer and queues it for the national portal. */
  answer(id: string, answer: FeedbackAnswer, nowMs = Date.now()): void {
    const changed = this.#db
      .prepare(`UPDATE feedback SET status = '3', answer = ?, push_state = 'pending', push_due = ? WHERE id = ? AND status = '2'`)
      .run(JSON.stringify(answer), nowMs, id).changes;
    if (changed) this.#wakeup?.fire();
  }

  /** Answers waiting to be sent to the portal. */
  answersDue(nowMs: number, limit = 20): { id: string; answer: FeedbackAnswer; attempts: number }[] {
    return (
      this.#db.prepare(`SELECT id, answer, push_attempts FROM feedback WHERE push_state = 'pending' AND push_due <= ? ORDER BY push_due LIMIT ?`).all(nowMs, limit) as {
        id: string;
        answer: string;
        push_attempts: number;
      }[]
    ).map((r) => ({ id: r.id, answer: JSON.parse(r.answer) as FeedbackAnswer, attempts: r.push_attempts }));
  }

  /** Settles one answer's push: delivered, retried at `dueAt`, or failed for good. */
  answerPushed(id: string, outcome: { state: 'delivered' | 'failed' } | { state: 'pending'; dueAt: number }, error?: string): void {
    this.#db
      .prepare('UPDATE feedback SET push_state = ?, push_due = COALESCE(?, push_due), push_attempts = push_attempts + 1, push_error = ? WHERE id = ?')
      .run(outcome.state, outcome.state === 'pending' ? outcome.dueAt : null, error ?? null, id);
  }

  pushState(id: string): { state: string | null; attempts: number; error: string | null } | undefined {
    const row = this.#db.prepare('SELECT push_state, push_attempts, push_error FROM feedback WHERE id = ?').get(id) as
      | { push_state: string | null; push_attempts: number; push_error: string | null }
      | undefined;
    return row ? { state: row.push_state, attempts: row.push_attempts, error: row.push_error } : undefined;
  }
}

/**
 * Who answers a feedback and by when (DVC-FBK-003): the department of the dossier's procedure
 * (else the provincial office's desk); the system's own deadline is ten working days or the
 * portal's HanTraLoi, whichever comes first; the officials answer one step interval after it
 * arrived, or halfway to the deadline if that is sooner, so the answer reaches the portal well
 * before HanTraLoi even when sending it has to be retried.
 */
export function accountability(services: AgencyServices, f: Feedback, now: Date): { assignedUnit: string; deadline: string; answerDueMs: number } {
  const dossier = f.MaHoSo ? services.store.get(f.MaHoSo) : undefined;
  const procedure = dossier ? findOfferedProcedure(dossier.dossier.MaTTHC, services.config.agencyCode) : undefined;
  const own = addWorkingDays(now, ANSWER_WORKING_DAYS);
  const portal = f.HanTraLoi ? fromPortalDateTime(f.HanTraLoi) : undefined;
  const deadline = portal && portal.getTime() < own.getTime() ? portal : own;
  const halfway = now.getTime() + Math.max(0, deadline.getTime() - now.getTime()) / 2;
  return {
    assignedUnit: procedure?.department ?? FEEDBACK_DESK,
    deadline: toPortalDateTime(deadline),
    answerDueMs: Math.min(now.getTime() + services.config.stepIntervalMs, halfway),
  };
}

/** receiveFeedback: `POST /v1/feedback`. */
export async function receiveFeedback(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  // The feedback-token-decoded-only mutant: this one route reads the token without verifying it.
  await services.tokens.verify(ctx.headers.authorization, { scope: 'agency.feedback.write', decodeOnly: services.mutant.is('feedback-token-decoded-only') });
  const body = jsonBody(ctx);
  const key = services.mutant.is('idempotency-receive-only') ? `unchecked-${ctx.requestId}` : idempotencyKey(ctx);
  // (the mutant also hands the schema check that key, as a framework filling in a request id would)
  if (services.mutant.is('idempotency-receive-only')) ctx = { ...ctx, headers: { ...ctx.headers, 'idempotency-key': key } };
  return idempotentWrite(services.idempotency, 'receiveFeedback', key, body, async () => {
    validateAgainstSpec('receiveFeedback', ctx, body, services.mutant);
    const f = body as Feedback;
    if (topLevelOf(f.MaCoQuanXuLy) !== topLevelOf(services.config.agencyCode)) {
      throwInvalid([issue('/MaCoQuanXuLy', 'AGENCY_NOT_SERVED', 'Cơ quan xử lý không thuộc hệ thống này.', `The handling agency is not a unit of ${services.config.agencyCode}.`, { received: f.MaCoQuanXuLy })]);
    }
    const now = new Date();
    const stored = services.feedback.receive(f, { ...accountability(services, f, now), receivedAt: toPortalDateTime(now) });
    return { status: 202, body: { MaPhanAnh: stored.MaPhanAnh, TrangThai: stored.TrangThai } };
  });
}
