import raw from '../../data/procedures.json' with { type: 'json' };

export type ProcedureCodeErrorCode = 'ERR_PROCEDURE_CODE_INVALID';

/** A string that is not a procedure code. */
export class ProcedureCodeError extends Error {
  override readonly name = 'ProcedureCodeError';
  readonly code: ProcedureCodeErrorCode = 'ERR_PROCEDURE_CODE_INVALID';
  constructor(readonly input: string) {
    super(
      `"${input}" is not a procedure code: expected one digit, a dot and six digits (1.000656), ` +
        `optionally followed by the performing agency's code (2.000477.000.00.00.H56).`,
    );
  }
}

/** A fee or charge, in the wire shape of DanhSachLePhi items. */
export interface ProcedureFee {
  TenPhiLePhi: string;
  /** Amount in Vietnamese đồng. */
  Gia: number;
  /** `1` lệ phí (charge), `2` phí (fee). */
  LoaiPhiLePhi: '1' | '2';
}

/** An administrative procedure of the reference data (data/procedures.json). */
export interface ReferenceProcedure {
  /** National procedure code (`1.000656`). */
  MaTTHC: string;
  TenTTHC: string;
  /** Field code; illustrative in this data set. */
  MaLinhVuc: string;
  TenLinhVuc: string;
  /** The level of government that performs it, as of the two-tier local government (2025-07-01). */
  agencyLevel: 'ministry' | 'province' | 'district' | 'commune';
  /** The ministry that owns it, as in force from 2025-03-01. */
  ministryCode?: string;
  onlineLevel: 'full' | 'partial';
  /** Whether a dossier may be received regardless of administrative boundary (Nghị định 118/2025/NĐ-CP). */
  allowsCrossLocality: boolean;
  /** Legal processing time in working days (0: the same day). */
  processingDays: number;
  fees?: readonly ProcedureFee[];
  /** VERIFIED: a source confirms the code; illustrative: real name, made-up code (9.9xxxxx). */
  status: 'VERIFIED' | 'illustrative';
  /** Source keys of data/procedures.json (`P1`, `P3` …). */
  source?: string;
  note?: string;
}

const PROCEDURE_CODE = /^(\d\.\d{6})(?:\.(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}))?$/;

/**
 * The national code of a procedure code, dropping a local agency suffix
 * (`2.000477.000.00.00.H56` → `2.000477`). Throws {@link ProcedureCodeError} on anything else.
 */
export function nationalProcedureCode(code: string): string {
  const national = PROCEDURE_CODE.exec(code)?.[1];
  if (!national) throw new ProcedureCodeError(code);
  return national;
}

function freezeProcedure(p: ReferenceProcedure): ReferenceProcedure {
  const copy: ReferenceProcedure = { ...p };
  if (p.fees) copy.fees = Object.freeze(p.fees.map((f) => Object.freeze({ ...f })));
  return Object.freeze(copy);
}

/** The procedures of the reference data: real codes where a source confirms them, the rest illustrative. */
export const procedures: readonly ReferenceProcedure[] = Object.freeze((raw.procedures as ReferenceProcedure[]).map(freezeProcedure));

const byCode = new Map(procedures.map((p) => [p.MaTTHC, p]));

/** The procedure with this code (national or with a local agency suffix), or undefined; throws {@link ProcedureCodeError} for a malformed code. */
export function findProcedure(MaTTHC: string): ReferenceProcedure | undefined {
  return byCode.get(nationalProcedureCode(MaTTHC));
}

/** Which procedures to select; every given field must match. */
export interface ProcedureFilter {
  agencyLevel?: ReferenceProcedure['agencyLevel'];
  ministryCode?: string;
  onlineLevel?: ReferenceProcedure['onlineLevel'];
  allowsCrossLocality?: boolean;
  status?: ReferenceProcedure['status'];
}

/** The procedures matching a filter, in data order. */
export function proceduresWhere(filter: ProcedureFilter): ReferenceProcedure[] {
  return procedures.filter(
    (p) =>
      (filter.agencyLevel === undefined || p.agencyLevel === filter.agencyLevel) &&
      (filter.ministryCode === undefined || p.ministryCode === filter.ministryCode) &&
      (filter.onlineLevel === undefined || p.onlineLevel === filter.onlineLevel) &&
      (filter.allowsCrossLocality === undefined || p.allowsCrossLocality === filter.allowsCrossLocality) &&
      (filter.status === undefined || p.status === filter.status),
  );
}
