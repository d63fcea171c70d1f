import raw from '../../data/agencies.json' with { type: 'json' };
import { currentMinistryFor, findMinistry, latestMinistryEndedBefore, type FactStatus, type Ministry } from './ministries.js';
import { currentProvinceFor, inForce, provincesUntil20250630, toVietnamDate, type Province } from './provinces.js';

export type AgencyCodeErrorCode = 'ERR_AGENCY_CODE_INVALID';

/** A string that is not an agency identifier code. */
export class AgencyCodeError extends Error {
  override readonly name = 'AgencyCodeError';
  readonly code: AgencyCodeErrorCode = 'ERR_AGENCY_CODE_INVALID';
  constructor(readonly input: string) {
    super(
      `"${input}" is not an agency identifier code: expected NNN.NN.NN.XNN (000.00.06.H56) ` +
        `or its top-level group alone (H56), with X an upper-case letter.`,
    );
  }
}

/** A provincial People's Committee (H01–H63) with the province it governed. */
export interface ProvincialAgency {
  /** Top-level group of the code (`H56`). */
  top: string;
  /** The committee's own code (`000.00.00.H56`). */
  agencyCode: string;
  name: string;
  /** The 2-digit province code of the 63 units (`38`). */
  provinceCode: string;
  validFrom: string | null;
  validTo: string | null;
  /** The province (of the 34) that took over from 2025-07-01. */
  successorProvinceCode: string;
  /** How well the H number is confirmed: 10 are, the rest are derived (data/README.md). */
  codeStatus: FactStatus;
}

interface RawAgency extends Omit<ProvincialAgency, 'codeStatus'> {
  codeStatus: string;
  codeSource: string;
}

/** The 63 provincial People's Committees in force until 2025-06-30, by H code. */
export const provincialAgencies: readonly ProvincialAgency[] = Object.freeze(
  (raw.units as RawAgency[]).map((a) =>
    Object.freeze({
      top: a.top,
      agencyCode: a.agencyCode,
      name: a.name,
      provinceCode: a.provinceCode,
      validFrom: a.validFrom,
      validTo: a.validTo,
      successorProvinceCode: a.successorProvinceCode,
      codeStatus: a.codeStatus as FactStatus,
    }),
  ),
);

const AGENCY_CODE = /^(?:(\d{3})\.(\d{2})\.(\d{2})\.)?([A-Z])(\d{2})$/;

/** The parts of an agency identifier code, read right to left. */
export interface ParsedAgencyCode {
  /** The code as given. */
  code: string;
  /** Top-level group: the body at the root (`H56`). */
  top: string;
  /** Its letter: G ministries and Government agencies, H provincial People's Committees, K provincial People's Councils, … */
  letter: string;
  /** The three lower groups (`['000', '00', '06']`), all zero for the top-level body itself. */
  levels: readonly [string, string, string];
  /** Whether the code names the top-level body itself (`000.00.00.H56` or `H56`). */
  isTopLevel: boolean;
}

/** Splits an agency identifier code; throws {@link AgencyCodeError} when it is not one. */
export function parseAgencyCode(code: string): ParsedAgencyCode {
  const m = AGENCY_CODE.exec(code);
  if (!m) throw new AgencyCodeError(code);
  const levels = [m[1] ?? '000', m[2] ?? '00', m[3] ?? '00'] as const;
  return {
    code,
    top: `${m[4]}${m[5]}`,
    letter: m[4]!,
    levels,
    isTopLevel: levels.every((g) => /^0+$/.test(g)),
  };
}

/** What an agency code stands for on a date. */
export interface AgencyResolution extends ParsedAgencyCode {
  kind: 'province' | 'ministry';
  /** Whether the top-level body named by the code is in force on the date. */
  inForce: boolean;
  /** For H codes: the committee the code names. */
  agency?: ProvincialAgency;
  /** For H codes: the province (of the 63) the committee governed. */
  province?: Province;
  /** For G codes: the body the code names — in force on the date, or else the last one that ended before it. */
  ministry?: Ministry;
  /** When the body is no longer in force: the unit in force on the date that took it over. */
  successor?: { province?: Province; ministry?: Ministry };
}

/**
 * Resolves an agency identifier code (`000.17.22.H56`, `000.00.00.G04`, `H22`) as of a
 * date, following the 2025 mergers: H codes end with the 63 provinces on 2025-06-30 and
 * resolve through the province successor mapping (the codes of the 34 new units were not
 * found); G codes of merged ministries resolve to the ministry that took them over.
 * Returns undefined for a well-formed code whose top-level body the reference data does not
 * hold (K, A–F, I, J bodies, unknown numbers); throws {@link AgencyCodeError} for a malformed one.
 *
 * @example
 * resolveAgencyCode('000.00.06.H22', '2025-08-01')?.successor?.province?.name // 'Tuyên Quang'
 */
export function resolveAgencyCode(code: string, at: Date | string = new Date()): AgencyResolution | undefined {
  const parsed = parseAgencyCode(code);
  const day = toVietnamDate(at);

  if (parsed.letter === 'H') {
    const agency = provincialAgencies.find((a) => a.top === parsed.top);
    if (!agency) return undefined;
    const resolution: AgencyResolution = { ...parsed, kind: 'province', inForce: inForce(agency, day), agency };
    const province = provincesUntil20250630.find((p) => p.code === agency.provinceCode);
    if (province) resolution.province = province;
    if (!resolution.inForce) {
      const successor = currentProvinceFor(agency.provinceCode, day);
      if (successor) resolution.successor = { province: successor };
    }
    return resolution;
  }

  if (parsed.letter === 'G') {
    const current = findMinistry(parsed.top, day);
    const ministry = current ?? latestMinistryEndedBefore(parsed.top, day);
    if (!ministry) return undefined;
    const resolution: AgencyResolution = { ...parsed, kind: 'ministry', inForce: current !== undefined, ministry };
    if (!current) {
      const successor = currentMinistryFor(parsed.top, day);
      if (successor) resolution.successor = { ministry: successor };
    }
    return resolution;
  }

  return undefined;
}
