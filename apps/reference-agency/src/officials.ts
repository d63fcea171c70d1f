import type { Dossier } from '@dvc-kit/spec';
import { findOfferedProcedure } from './catalogue.js';
import type { DossierStore, StoredDossier } from './dossier-store.js';
import { HttpProblem } from './errors.js';
import type { FeedbackStore } from './feedback.js';
import type { Mutant } from './mutants.js';
import type { Wakeup } from './wakeup.js';
import { toPortalDateTime } from './vietnam-time.js';

/** The officials of the simulated one-stop office. */
export const OFFICIALS = {
  reception: { NguoiXuLy: 'Lê Thị Mai', ChucDanh: 'Công chức Bộ phận Một cửa', PhongBanXuLy: 'Bộ phận Một cửa' },
  specialist: { NguoiXuLy: 'Nguyễn Văn Thành', ChucDanh: 'Chuyên viên' },
  leader: { NguoiXuLy: 'Trần Quốc Hùng', ChucDanh: 'Phó Chủ tịch Ủy ban nhân dân' },
  system: { NguoiXuLy: 'Hệ thống thông tin một cửa điện tử', ChucDanh: 'Hệ thống' },
} as const;

/** Total of the fees the dossier must pay online. */
export function feesDue(dossier: Dossier): number {
  if (dossier.DuocThanhToanTrucTuyen !== '1') return 0;
  return (dossier.DanhSachLePhi ?? []).reduce((sum, f) => sum + f.Gia, 0);
}

/**
 * The simulated officials' schedule: every `intervalMs` each dossier that is due moves
 * one step: 2 → 4 (assigned to a specialist) → 5 when no file was submitted (and waits
 * for the supplement; without it by the deadline, processing stops: 8) → 6 when fees are
 * to be paid online (and waits for the payment) → 9 (result approved) → 10 (result returned).
 */
export interface OfficialsOptions {
  agencyCode: string;
  intervalMs: number;
  supplementDeadlineMs?: number;
  mutant: Mutant;
  /** Feedback to answer when due (DVC-FBK-002/003). */
  feedback?: FeedbackStore;
  /** Fired when something is queued: the officials look again at once. */
  wakeup?: Wakeup;
  log?: (line: string) => void;
}

/** The longest the officials sleep without looking (a safety net; wakeups and due times drive them). */
const MAX_SLEEP_MS = 5000;

export class Officials {
  readonly #store: DossierStore;
  readonly #agencyCode: string;
  readonly #intervalMs: number;
  readonly #supplementDeadlineMs: number;
  readonly #mutant: Mutant;
  readonly #feedback: FeedbackStore | undefined;
  readonly #wakeup: Wakeup | undefined;
  readonly #log: ((line: string) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #running = false;

  constructor(store: DossierStore, options: OfficialsOptions) {
    this.#store = store;
    this.#agencyCode = options.agencyCode;
    this.#intervalMs = options.intervalMs;
    this.#supplementDeadlineMs = options.supplementDeadlineMs ?? 7 * 24 * 3600_000;
    this.#mutant = options.mutant;
    this.#feedback = options.feedback;
    this.#wakeup = options.wakeup;
    this.#log = options.log;
  }

  /** Works on a timer set to the next due step or answer, and at once when woken. */
  start(): void {
    this.#running = true;
    this.#unsubscribe = this.#wakeup?.on(() => this.#tick());
    this.#tick();
  }

  stop(): void {
    this.#running = false;
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
  }

  #tick(): void {
    if (!this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    try {
      this.runOnce();
    } catch (error) {
      this.#log?.(`officials failed: ${(error as Error).stack ?? String(error)}`);
    }
    const next = Math.min(this.#store.nextOfficialStepAt() ?? Infinity, this.#mutant.is('feedback-unanswered') ? Infinity : (this.#feedback?.nextAnswerDueAt() ?? Infinity));
    const delay = Math.max(0, Math.min(MAX_SLEEP_MS, next - Date.now()));
    this.#timer = setTimeout(() => this.#tick(), delay);
    this.#timer.unref();
  }

  /** When the next step after now is due. */
  nextAt(from = Date.now()): number {
    return from + this.#intervalMs;
  }

  /** Takes every due step once and answers the feedback that is due, in one transaction. */
  runOnce(now = Date.now()): void {
    this.#store.transaction(() => {
      for (const d of this.#store.dueForOfficials(now)) {
        try {
          this.#advance(d);
        } catch (error) {
          // A citizen's withdrawal can win the race for the same dossier: nothing to do then.
          if (!(error instanceof HttpProblem)) throw error;
          this.#log?.(`officials skipped ${d.code}: ${error.detail}`);
        }
      }
      this.#answerFeedback(now);
    });
  }

  /** The leader answers each feedback when it falls due; the answer is recorded and queued for the portal. */
  #answerFeedback(now: number): void {
    if (!this.#feedback || this.#mutant.is('feedback-unanswered')) return;
    for (const f of this.#feedback.unanswered(now)) {
      this.#feedback.answer(
        f.id,
        {
          NoiDungTraLoi: `${f.assignedUnit} đã tiếp nhận và xử lý phản ánh "${f.feedback.TieuDe}".`.slice(0, 10000),
          NguoiTraLoi: OFFICIALS.leader.NguoiXuLy,
          ChucDanh: OFFICIALS.leader.ChucDanh,
          NgayTraLoi: toPortalDateTime(new Date(now)),
          KetQua: '1',
        },
        now,
      );
    }
  }

  #department(d: StoredDossier): string {
    return findOfferedProcedure(d.dossier.MaTTHC, this.#agencyCode)?.department ?? 'Bộ phận Một cửa';
  }

  #advance(d: StoredDossier): void {
    const department = this.#department(d);
    const next = this.nextAt();
    const guard = { expectStatus: d.status };
    switch (d.status) {
      case '2': {
        if (this.#mutant.is('illegal-transition')) {
          const now = toPortalDateTime(new Date());
          this.#store.applyStep(d.code, {
            ...guard,
            step: { ...OFFICIALS.leader, PhongBanXuLy: department, NoiDungXuLy: 'Phê duyệt kết quả giải quyết hồ sơ', TrangThai: '9' },
            patch: { NgayKetThucXuLy: now, DonViXuLy: department },
            nextStepAt: next,
            allowIllegal: true,
          });
          return;
        }
        this.#store.applyStep(d.code, {
          ...guard,
          step: { ...OFFICIALS.reception, NoiDungXuLy: `Chuyển hồ sơ cho ${department} thụ lý`, TrangThai: '4' },
          patch: { DonViXuLy: department },
          nextStepAt: next,
        });
        return;
      }
      case '4': {
        const supplementNeeded = (d.dossier.TaiLieuNop ?? []).length === 0 && !(d.dossier.DanhSachHoSoBoSung ?? []).length;
        if (supplementNeeded) {
          const requests = [
            {
              HoSoBoSungId: `BS-${d.code.slice(-4)}-01`,
              NguoiYeuCauBoSung: OFFICIALS.specialist.NguoiXuLy,
              NoiDungBoSung: 'Hồ sơ chưa có giấy tờ thành phần; đề nghị bổ sung tờ khai và giấy tờ kèm theo.',
              NgayBoSung: toPortalDateTime(new Date()),
              TrangThaiBoSung: '0' as const,
            },
          ];
          this.#store.applyStep(d.code, {
            ...guard,
            step: { ...OFFICIALS.specialist, PhongBanXuLy: department, NoiDungXuLy: 'Yêu cầu bổ sung giấy tờ: hồ sơ chưa có giấy tờ thành phần', TrangThai: '5' },
            patch: { DanhSachHoSoBoSung: requests },
            awaiting: 'supplement',
            // Without the supplement by the deadline, processing stops (status 8).
            nextStepAt: Date.now() + this.#supplementDeadlineMs,
          });
          return;
        }
        const fees = feesDue(d.dossier);
        if (fees > 0 && !d.paid) {
          this.#store.applyStep(d.code, {
            ...guard,
            step: { ...OFFICIALS.specialist, PhongBanXuLy: department, NoiDungXuLy: `Yêu cầu thực hiện nghĩa vụ tài chính: ${fees.toLocaleString('vi-VN')} đồng`, TrangThai: '6' },
            awaiting: 'payment',
            nextStepAt: null,
          });
          return;
        }
        this.#finish(d, department, next);
        return;
      }
      case '5': {
        // Due only when the supplement deadline passed without a supplement.
        this.#store.applyStep(d.code, {
          ...guard,
          step: { ...OFFICIALS.specialist, PhongBanXuLy: department, NoiDungXuLy: 'Dừng xử lý: công dân không bổ sung giấy tờ trong thời hạn', TrangThai: '8' },
          patch: { GhiChu: 'Dừng xử lý do quá hạn bổ sung giấy tờ' },
          awaiting: null,
          nextStepAt: null,
        });
        return;
      }
      case '9': {
        const now = toPortalDateTime(new Date());
        this.#store.applyStep(d.code, {
          ...guard,
          step: { ...OFFICIALS.reception, NoiDungXuLy: 'Trả kết quả giải quyết hồ sơ', TrangThai: '10' },
          patch: { NgayTra: now, HinhThuc: d.dossier.KenhThucHien === '2' ? '2' : '0' },
          nextStepAt: null,
        });
        return;
      }
      default:
        this.#store.setNextStep(d.code, null);
    }
  }

  #finish(d: StoredDossier, department: string, next: number): void {
    const now = toPortalDateTime(new Date());
    this.#store.applyStep(d.code, {
      expectStatus: d.status,
      step: { ...OFFICIALS.leader, PhongBanXuLy: department, NoiDungXuLy: 'Phê duyệt kết quả giải quyết hồ sơ', TrangThai: '9' },
      patch: {
        NgayKetThucXuLy: now,
        DanhSachGiayToKetQua: [{ GiayToId: `KQ-${d.code.slice(-4)}`, TenGiayTo: `Kết quả: ${d.dossier.TenTTHC}`.slice(0, 500) }],
      },
      nextStepAt: next,
    });
  }
}
