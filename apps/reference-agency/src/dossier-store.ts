import type { AgencySystem, Dossier, DossierStatus, ProcessingStep } from '@dvc-kit/spec';
import { isLegalTransition } from '@dvc-kit/spec';
import type { Db } from './database.js';
import { takeDossierCode } from './dossier-code.js';
import { problems } from './errors.js';
import type { Mutant } from './mutants.js';
import { toPortalDateTime } from './vietnam-time.js';
import type { Wakeup } from './wakeup.js';

export type DossierSubmission = AgencySystem.components['schemas']['DossierSubmission'];

/** What the officials are waiting for before the dossier can move on. */
export type Awaiting = 'supplement' | 'payment' | null;

export interface StoredDossier {
  code: string;
  nationalRef: string;
  status: DossierStatus;
  dossier: Dossier;
  ownerIds: string[];
  awaiting: Awaiting;
  paid: boolean;
  nextStepAt: number | null;
  /** When it reached a final status, `yyyyMMddHHmmss`. */
  endedAt: string | null;
}

/** A step as an official records it; MaHoSo and the time are filled in by the store. */
export interface StepInput {
  NguoiXuLy: string;
  ChucDanh?: string;
  PhongBanXuLy?: string;
  NoiDungXuLy: string;
  TrangThai: DossierStatus;
}

export interface StepChange {
  step: StepInput;
  /** Fields of the dossier to change with the step. */
  patch?: Partial<Dossier>;
  awaiting?: Awaiting;
  paid?: boolean;
  /** When the officials take the next step (null: not until something arrives). */
  nextStepAt?: number | null;
  /** Record a transition the state machine forbids (only the illegal-transition mutant does). */
  allowIllegal?: boolean;
  /** Only apply when the dossier is still at this status (guards against races with the officials). */
  expectStatus?: DossierStatus;
}

interface DossierRow {
  code: string;
  national_ref: string;
  status: string;
  data: string;
  owner_ids: string;
  awaiting: string | null;
  paid: number;
  next_step_at: number | null;
  ended_at: string | null;
}

const FINAL: readonly string[] = ['3', '7', '8', '10'];
const LATE_SYNC_MS = 20 * 60_000;

function fromRow(row: DossierRow): StoredDossier {
  return {
    code: row.code,
    nationalRef: row.national_ref,
    status: row.status as DossierStatus,
    dossier: JSON.parse(row.data) as Dossier,
    ownerIds: JSON.parse(row.owner_ids) as string[],
    awaiting: row.awaiting as Awaiting,
    paid: row.paid === 1,
    nextStepAt: row.next_step_at,
    endedAt: row.ended_at,
  };
}

export interface StoreOptions {
  mutant: Mutant;
  /** Fired when a push is queued or a next step is set. */
  wakeup?: Wakeup;
  /** Prefix of the Idempotency-Keys of this installation's pushes. */
  installId: string;
  now?: () => Date;
}

/**
 * The dossiers, their append-only history and the queue of pushes to the national portal,
 * in SQLite. Every change of a dossier records its step and queues its push in the same
 * transaction, so nothing is lost between the three on a crash.
 */
export class DossierStore {
  readonly #db: Db;
  readonly #options: StoreOptions;
  readonly #now: () => Date;

  constructor(db: Db, options: StoreOptions) {
    this.#db = db;
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  get db(): Db {
    return this.#db;
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /** Records a received dossier (status 2) with its first step, generating its code. */
  receive(input: {
    agencyCode: string;
    submission: DossierSubmission;
    dossier: Omit<Dossier, 'MaHoSo'>;
    step: StepInput;
    nextStepAt: number;
  }): StoredDossier {
    return this.transaction(() => {
      const now = this.#now();
      const code = takeDossierCode(this.#db, input.agencyCode, now, this.#options.mutant);
      const dossier = { MaHoSo: code, ...input.dossier } as Dossier;
      const owners = (input.submission.DinhDanhCHS ?? []).map((d) => d.SoDinhDanh);
      if (input.submission.MaDoiTuong) owners.push(input.submission.MaDoiTuong);
      const insert = this.#options.mutant.is('dossier-code-reuse') ? 'INSERT OR REPLACE' : 'INSERT';
      if (insert === 'INSERT OR REPLACE') {
        // The mutant overwrites the earlier dossier with the same code, history and all.
        this.#db.prepare('DELETE FROM outbox WHERE code = ?').run(code);
        this.#db.prepare('DELETE FROM steps WHERE code = ?').run(code);
      }
      this.#db
        .prepare(
          `${insert} INTO dossiers (code, national_ref, agency, procedure_code, owner_ids, status, data, next_step_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(code, input.submission.MaHoSoQuocGia, input.agencyCode, dossier.MaTTHC, JSON.stringify([...new Set(owners)]), dossier.TrangThaiHoSo, JSON.stringify(dossier), input.nextStepAt, now.getTime());
      this.#recordStep(code, input.step, dossier, now);
      return this.get(code)!;
    });
  }

  get(code: string): StoredDossier | undefined {
    const row = this.#db.prepare('SELECT * FROM dossiers WHERE code = ?').get(code) as DossierRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  findByNationalRef(ref: string): StoredDossier | undefined {
    const row = this.#db.prepare('SELECT * FROM dossiers WHERE national_ref = ? ORDER BY created_at LIMIT 1').get(ref) as DossierRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Every dossier, oldest first (for statistics). */
  all(): StoredDossier[] {
    return (this.#db.prepare('SELECT * FROM dossiers ORDER BY created_at, code').all() as DossierRow[]).map(fromRow);
  }

  /**
   * The dossiers owned under an identity (its SoDinhDanh in DinhDanhCHS, or MaDoiTuong), newest
   * first, after the keyset position `after` (exclusive).
   */
  ownedBy(ownerId: string, limit: number, after?: { createdAt: number; code: string }): (StoredDossier & { createdAt: number })[] {
    const rows = this.#db
      .prepare(
        `SELECT d.* FROM dossiers d
         WHERE EXISTS (SELECT 1 FROM json_each(d.owner_ids) o WHERE o.value = ?)
           AND (? IS NULL OR d.created_at < ? OR (d.created_at = ? AND d.code < ?))
         ORDER BY d.created_at DESC, d.code DESC LIMIT ?`,
      )
      .all(ownerId, after?.createdAt ?? null, after?.createdAt ?? null, after?.createdAt ?? null, after?.code ?? null, limit) as (DossierRow & { created_at: number })[];
    return rows.map((r) => ({ ...fromRow(r), createdAt: r.created_at }));
  }

  /** The processing history, in the order it happened. */
  history(code: string): ProcessingStep[] {
    return (this.#db.prepare('SELECT data FROM steps WHERE code = ? ORDER BY id').all(code) as { data: string }[]).map(
      (r) => JSON.parse(r.data) as ProcessingStep,
    );
  }

  /** Dossiers whose next official step is due. */
  dueForOfficials(nowMs: number, limit = 100): StoredDossier[] {
    return (
      this.#db.prepare('SELECT * FROM dossiers WHERE next_step_at IS NOT NULL AND next_step_at <= ? ORDER BY next_step_at LIMIT ?').all(nowMs, limit) as DossierRow[]
    ).map(fromRow);
  }

  /**
   * Moves the dossier on by one recorded step (or records a step at the same status).
   * Refuses an illegal transition with a 409 problem and changes nothing.
   */
  applyStep(code: string, change: StepChange): StoredDossier {
    return this.transaction(() => {
      const current = this.get(code);
      if (!current) throw problems.notFound(`No dossier ${code}.`);
      if (change.expectStatus && current.status !== change.expectStatus) {
        throw problems.conflict(`Dossier ${code} is at status ${current.status}, not ${change.expectStatus}.`);
      }
      const to = change.step.TrangThai;
      if (to !== current.status && !isLegalTransition(current.status, to) && !change.allowIllegal) {
        throw problems.illegalTransition(`TrangThaiHoSo cannot go from ${current.status} to ${to} for dossier ${code}.`);
      }
      const now = this.#now();
      const dossier = { ...current.dossier, ...change.patch, TrangThaiHoSo: to } as Dossier;
      const final = FINAL.includes(to);
      this.#db
        .prepare(
          `UPDATE dossiers SET status = ?, data = ?, awaiting = ?, paid = ?, next_step_at = ?, ended_at = COALESCE(ended_at, ?) WHERE code = ?`,
        )
        .run(
          to,
          JSON.stringify(dossier),
          change.awaiting !== undefined ? change.awaiting : current.awaiting,
          (change.paid ?? current.paid) ? 1 : 0,
          final ? null : change.nextStepAt !== undefined ? change.nextStepAt : current.nextStepAt,
          final ? toPortalDateTime(now) : null,
          code,
        );
      this.#recordStep(code, change.step, dossier, now);
      return this.get(code)!;
    });
  }

  /** Changes dossier fields without a step (nothing the portal needs to hear about). */
  setNextStep(code: string, nextStepAt: number | null): void {
    this.#db.prepare('UPDATE dossiers SET next_step_at = ? WHERE code = ?').run(nextStepAt, code);
    this.#options.wakeup?.fire();
  }

  /** When the officials' next step falls due, if any. */
  nextOfficialStepAt(): number | undefined {
    const row = this.#db.prepare('SELECT MIN(next_step_at) AS d FROM dossiers WHERE next_step_at IS NOT NULL').get() as { d: number | null };
    return row.d ?? undefined;
  }

  #recordStep(code: string, input: StepInput, dossier: Dossier, at: Date): void {
    const step: ProcessingStep = {
      MaHoSo: code,
      NguoiXuLy: input.NguoiXuLy,
      ...(input.ChucDanh ? { ChucDanh: input.ChucDanh } : {}),
      ThoiDiemXuLy: toPortalDateTime(at),
      ...(input.PhongBanXuLy ? { PhongBanXuLy: input.PhongBanXuLy } : {}),
      NoiDungXuLy: input.NoiDungXuLy,
      TrangThai: input.TrangThai,
      ...(dossier.NgayTiepNhan ? { NgayBatDau: dossier.NgayTiepNhan } : {}),
      ...(dossier.NgayHenTra ? { NgayKetThucTheoQuyDinh: dossier.NgayHenTra } : {}),
    };
    const { lastInsertRowid } = this.#db
      .prepare('INSERT INTO steps (code, status, data, created_at) VALUES (?, ?, ?, ?)')
      .run(code, step.TrangThai, JSON.stringify(step), at.getTime());
    const stepId = Number(lastInsertRowid);
    const dueAt = at.getTime() + (this.#options.mutant.is('late-sync') ? LATE_SYNC_MS : 0);
    this.#db
      .prepare('INSERT INTO outbox (code, step_id, snapshot, idempotency_key, due_at) VALUES (?, ?, ?, ?, ?)')
      .run(code, stepId, JSON.stringify({ dossier, step }), `${this.#options.installId}:step:${stepId}`, dueAt);
    this.#options.wakeup?.fire();
  }
}
