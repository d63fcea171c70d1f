import type { Feedback, FeedbackAnswer } from '@dvc-kit/spec';
import { topLevelOf } from './catalogue.js';
import type { Db } from './database.js';
import { issue } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { idempotencyKey, idempotentWrite, jsonBody, throwInvalid, validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';
import { addWorkingDays, toPortalDateTime } from './vietnam-time.js';

export interface FeedbackSummary {
  MaPhanAnh: string;
  TrangThai: '1' | '2' | '3' | '4';
  TraLoi?: FeedbackAnswer;
}

/** Feedback received for the agency, with when it arrived, who handles it and by when (DVC-FBK-003). */
export class FeedbackStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Records it once; a repeat of the same MaPhanAnh keeps the first. Returns the stored status. */
  receive(f: Feedback, assignedUnit: string, deadline: string, receivedAt: string): FeedbackSummary {
    this.#db
      .prepare('INSERT OR IGNORE INTO feedback (id, code, data, status, received_at, assigned_unit, deadline) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(f.MaPhanAnh, f.MaHoSo ?? null, JSON.stringify(f), '2', receivedAt, assignedUnit, deadline);
    return this.get(f.MaPhanAnh)!;
  }

  get(id: string): FeedbackSummary | undefined {
    const row = this.#db.prepare('SELECT id, status, answer FROM feedback WHERE id = ?').get(id) as { id: string; status: string; answer: string | null } | undefined;
    return row ? summary(row) : undefined;
  }

  forDossier(code: string): FeedbackSummary[] {
    return (this.#db.prepare('SELECT id, status, answer FROM feedback WHERE code = ? ORDER BY received_at, id').all(code) as { id: string; status: string; answer: string | null }[]).map(summary);
  }

  /** Feedback still waiting for an answer, oldest first. */
  unanswered(limit = 50): { id: string; feedback: Feedback; assignedUnit: string }[] {
    return (this.#db.prepare(`SELECT id, data, assigned_unit FROM feedback WHERE status = '2' ORDER BY received_at, id LIMIT ?`).all(limit) as { id: string; data: string; assigned_unit: string }[]).map((r) => ({
      id: r.id,
      feedback: JSON.parse(r.data) as Feedback,
      assignedUnit: r.assigned_unit,
    }));
  }

  /** Records the answer and queues it for the national portal. */
  answer(id: string, answer: FeedbackAnswer, nowMs = Date.now()): void {
    this.#db
      .prepare(`UPDATE feedback SET status = '3', answer = ?, push_state = 'pending', push_due = ? WHERE id = ? AND status = '2'`)
      .run(JSON.stringify(answer), nowMs, id);
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

function summary(row: { id: string; status: string; answer: string | null }): FeedbackSummary {
  return { MaPhanAnh: row.id, TrangThai: row.status as FeedbackSummary['TrangThai'], ...(row.answer ? { TraLoi: JSON.parse(row.answer) as FeedbackAnswer } : {}) };
}

/** receiveFeedback: `POST /v1/feedback`. */
export async function receiveFeedback(services: AgencyServices, ctx: RequestContext): Promise<Reply> {
  await services.tokens.verify(ctx.headers.authorization, { scope: 'agency.feedback.write' });
  const body = jsonBody(ctx);
  const key = idempotencyKey(ctx);
  return idempotentWrite(services.idempotency, 'receiveFeedback', key, body, async () => {
    validateAgainstSpec('receiveFeedback', ctx, body, services.mutant);
    const f = body as Feedback;
    if (topLevelOf(f.MaCoQuanXuLy) !== topLevelOf(services.config.agencyCode)) {
      throwInvalid([issue('/MaCoQuanXuLy', 'AGENCY_NOT_SERVED', 'Cơ quan xử lý không thuộc hệ thống này.', `The handling agency is not a unit of ${services.config.agencyCode}.`, { received: f.MaCoQuanXuLy })]);
    }
    const now = new Date();
    const deadline = f.HanTraLoi ?? toPortalDateTime(addWorkingDays(now, 10));
    const dossier = f.MaHoSo ? services.store.get(f.MaHoSo) : undefined;
    const unit = dossier?.dossier.DonViXuLy ?? 'Văn phòng Ủy ban nhân dân';
    const stored = services.feedback.receive(f, unit, deadline, toPortalDateTime(now));
    return { status: 202, body: { MaPhanAnh: stored.MaPhanAnh, TrangThai: stored.TrangThai } };
  });
}
