import { dossierStateMachine, isLegalTransition } from '@dvc-kit/spec';
import type { Dossier, DossierRecord, DossierStatus, ProcessingStep } from '@dvc-kit/spec';
import { dossierAgency, ownsAgency } from './agency-scope.js';
import { vietnamIso, type Clock } from './clock.js';
import type { Catalogue } from './catalogue.js';
import { HttpProblem, PROBLEM, pointerError } from './problem.js';
import type { PortalStore } from './store.js';

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

function label(status: DossierStatus): string {
  return `${status} (${dossierStateMachine.labels[status]?.vi ?? '?'})`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Dossier rules shared by both bindings: ownership by agency code, the procedure must be
 * in the catalogue, status changes must follow the state machine, versions count changes.
 */
export class DossierService {
  constructor(
    private readonly store: PortalStore,
    private readonly catalogue: Catalogue,
    private readonly clock: Clock,
  ) {}

  /** The record, if the caller's agency owns it (404 when absent, 403 when another agency's). */
  read(callerAgency: string, MaHoSo: string): DossierRecord {
    const record = this.store.dossiers.get(MaHoSo);
    if (!ownsAgency(callerAgency, dossierAgency(MaHoSo))) {
      throw new HttpProblem(PROBLEM.forbidden, `Dossier ${MaHoSo} belongs to agency ${dossierAgency(MaHoSo)}, not to ${callerAgency}.`);
    }
    if (!record) throw new HttpProblem(PROBLEM.notFound, `No dossier ${MaHoSo}.`);
    return record;
  }

  /** Checks a dossier for an upsert without changing anything; returns the outcome it would have. */
  private plan(callerAgency: string, dossier: Dossier, options: { ifMatch?: string | undefined; pointer?: string }): { outcome: UpsertOutcome; previous?: DossierRecord } {
    const at = options.pointer ?? '';
    if (!ownsAgency(callerAgency, dossierAgency(dossier.MaHoSo))) {
      throw new HttpProblem(PROBLEM.forbidden, `Dossier ${dossier.MaHoSo} belongs to agency ${dossierAgency(dossier.MaHoSo)}, not to ${callerAgency}.`);
    }
    if (!this.catalogue.hasProcedure(dossier.MaTTHC)) {
      throw new HttpProblem(PROBLEM.validation, `Procedure ${dossier.MaTTHC} is not in the national catalogue.`, {
        errors: [pointerError(`${at}/MaTTHC`, 'unknown-procedure', 'is not a procedure of the national catalogue', 'Không có thủ tục này trong CSDL quốc gia về TTHC')],
      });
    }
    const previous = this.store.dossiers.get(dossier.MaHoSo);
    if (options.ifMatch !== undefined) {
      const wanted = options.ifMatch.replace(/^W\//, '').replace(/"/g, '');
      const current = previous ? String(previous.version) : '';
      if (wanted !== current) {
        throw new HttpProblem(PROBLEM.conflict, `Record is at version ${current || 'none'}, If-Match named ${wanted}.`, { status: 412 });
      }
    }
    const from = previous?.dossier.TrangThaiHoSo;
    const to = dossier.TrangThaiHoSo;
    if (from !== to && !isLegalTransition(from, to)) {
      const detail = from === undefined
        ? `A new dossier starts at ${dossierStateMachine.initial.join(' or ')}, not at ${label(to)}.`
        : `TrangThaiHoSo cannot go from ${label(from)} to ${label(to)}.`;
      throw new HttpProblem(PROBLEM.illegalTransition, detail, {
        errors: [pointerError(`${at}/TrangThaiHoSo`, 'illegal-transition', detail, 'Chuyển trạng thái hồ sơ không hợp lệ')],
      });
    }
    // DVC-RCV-007: a dossier not received (status 3) states why in GhiChu.
    if (to === '3' && !dossier.GhiChu?.trim()) {
      throw new HttpProblem(PROBLEM.validation, `Dossier ${dossier.MaHoSo} is not received (TrangThaiHoSo 3) but GhiChu gives no reason.`, {
        errors: [pointerError(`${at}/GhiChu`, 'reason-required', 'a dossier not received (status 3) must state the reason', 'Hồ sơ không được tiếp nhận phải nêu lý do')],
      });
    }
    if (!previous) return { outcome: 'created' };
    return { outcome: sameJson(previous.dossier, dossier) ? 'unchanged' : 'updated', previous };
  }

  upsert(callerAgency: string, dossier: Dossier, options: { ifMatch?: string | undefined; pointer?: string } = {}): { outcome: UpsertOutcome; record: DossierRecord } {
    const { outcome, previous } = this.plan(callerAgency, dossier, options);
    if (outcome === 'unchanged') return { outcome, record: previous! };
    const record: DossierRecord = {
      dossier,
      history: previous?.history ?? [],
      receivedAt: vietnamIso(this.clock.now()),
      version: (previous?.version ?? 0) + 1,
    };
    this.store.commit({ t: 'dossier', record });
    return { outcome, record };
  }

  /** Appends steps in order; refuses all of them if any is illegal. */
  appendEvents(callerAgency: string, MaHoSo: string, events: ProcessingStep[], pointer = '/events'): DossierRecord {
    const current = this.read(callerAgency, MaHoSo);
    let status = current.dossier.TrangThaiHoSo;
    // DVC-HIST-004: a step already recorded (same MaHoSo, ThoiDiemXuLy, TrangThai, NguoiXuLy) is not recorded again.
    const stepKey = (s: ProcessingStep) => JSON.stringify([s.MaHoSo, s.ThoiDiemXuLy, s.TrangThai, s.NguoiXuLy]);
    const known = new Set(current.history.map(stepKey));
    const fresh: ProcessingStep[] = [];
    events.forEach((step, i) => {
      if (step.MaHoSo === MaHoSo && known.has(stepKey(step))) return;
      if (step.MaHoSo !== MaHoSo) {
        throw new HttpProblem(PROBLEM.validation, `Step ${i} names dossier ${step.MaHoSo}, not ${MaHoSo}.`, {
          errors: [pointerError(`${pointer}/${i}/MaHoSo`, 'mismatch', `must equal ${MaHoSo}`, `Phải trùng mã hồ sơ ${MaHoSo}`)],
        });
      }
      if (step.TrangThai !== status && !isLegalTransition(status, step.TrangThai)) {
        const detail = `Step ${i}: TrangThaiHoSo cannot go from ${label(status)} to ${label(step.TrangThai)}.`;
        throw new HttpProblem(PROBLEM.illegalTransition, detail, {
          errors: [pointerError(`${pointer}/${i}/TrangThai`, 'illegal-transition', detail, 'Chuyển trạng thái hồ sơ không hợp lệ')],
        });
      }
      status = step.TrangThai;
      known.add(stepKey(step));
      fresh.push(step);
    });
    if (fresh.length === 0) return current;
    const record: DossierRecord = {
      dossier: { ...current.dossier, TrangThaiHoSo: status },
      history: [...current.history, ...fresh],
      receivedAt: vietnamIso(this.clock.now()),
      version: current.version + 1,
    };
    this.store.commit({ t: 'dossier', record });
    return record;
  }

  /** The records of the caller's agency, in code order. */
  list(callerAgency: string, filter: { status?: string | null; updatedSince?: string | null }): DossierRecord[] {
    const since = filter.updatedSince ? Date.parse(filter.updatedSince) : undefined;
    const out: DossierRecord[] = [];
    for (const record of this.store.dossiers.values()) {
      if (!ownsAgency(callerAgency, dossierAgency(record.dossier.MaHoSo))) continue;
      if (filter.status && record.dossier.TrangThaiHoSo !== filter.status) continue;
      if (since !== undefined && Date.parse(record.receivedAt) < since) continue;
      out.push(record);
    }
    return out.sort((a, b) => (a.dossier.MaHoSo < b.dossier.MaHoSo ? -1 : 1));
  }
}
