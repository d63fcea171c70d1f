import until20250630 from '../../data/provinces-until-2025-06-30.json' with { type: 'json' };
import from20250701 from '../../data/provinces-from-2025-07-01.json' with { type: 'json' };

/** A provincial-level administrative unit with the dates it existed. Dates are ISO `yyyy-mm-dd`, inclusive. */
export interface Province {
  /** Two-digit code of the statistics office's administrative-unit list (`38` Thanh Hóa). */
  code: string;
  /** Short name (`Thanh Hóa`). */
  name: string;
  /** Official name (`Tỉnh Thanh Hóa`). */
  fullName: string;
  type: 'province' | 'municipality';
  /** First day in force, or null when in force since before the reference data starts. */
  validFrom: string | null;
  /** Last day in force, or null when still in force. */
  validTo: string | null;
  /** For units that ended on 2025-06-30: the code of the unit that took them over. */
  successorCode?: string;
  /** For the 63 units: the 3-digit birth-province prefix of a citizen ID (`038`). */
  citizenIdCode?: string;
  /** For the 34 units: the codes of the units merged into it. */
  mergedFrom?: string[];
}

interface RawUnit {
  code: string;
  name: string;
  fullName: string;
  type: string;
  validFrom?: string | null;
  validTo?: string | null;
  successorCode?: string;
  cccdCode?: string;
  mergedFrom?: string[];
}

function toProvince(raw: RawUnit): Province {
  const p: Province = {
    code: raw.code,
    name: raw.name,
    fullName: raw.fullName,
    type: raw.type === 'municipality' ? 'municipality' : 'province',
    validFrom: raw.validFrom ?? null,
    validTo: raw.validTo ?? null,
  };
  if (raw.successorCode) p.successorCode = raw.successorCode;
  if (raw.cccdCode) p.citizenIdCode = raw.cccdCode;
  if (raw.mergedFrom) p.mergedFrom = [...raw.mergedFrom];
  return Object.freeze(p);
}

/** The 63 provinces and cities in force until 2025-06-30. */
export const provincesUntil20250630: readonly Province[] = Object.freeze(
  (until20250630.units as RawUnit[]).map(toProvince),
);

/** The 34 provinces and cities in force from 2025-07-01 (Nghị quyết 202/2025/QH15). */
export const provincesFrom20250701: readonly Province[] = Object.freeze(
  (from20250701.units as RawUnit[]).map(toProvince),
);

/** Every province record, both sets. */
export const allProvinces: readonly Province[] = Object.freeze([
  ...provincesUntil20250630,
  ...provincesFrom20250701,
]);

/** Turns a Date or an ISO date(-time) into `yyyy-mm-dd` in Vietnam time (UTC+7). */
export function toVietnamDate(at: Date | string): string {
  if (typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at)) return at;
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) throw new RangeError(`Not a date: ${String(at)}`);
  return new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** Whether a record with `validFrom`/`validTo` is in force on a `yyyy-mm-dd` day. */
export function inForce(record: { validFrom: string | null; validTo: string | null }, day: string): boolean {
  return (record.validFrom === null || record.validFrom <= day) && (record.validTo === null || day <= record.validTo);
}

/** The provinces in force on a date (default: today in Vietnam). */
export function provincesAsOf(at: Date | string = new Date()): readonly Province[] {
  const day = toVietnamDate(at);
  return allProvinces.filter((p) => inForce(p, day));
}

/** The province with this 2-digit code in force on a date, or undefined. */
export function findProvince(code: string, at: Date | string = new Date()): Province | undefined {
  const day = toVietnamDate(at);
  return allProvinces.find((p) => p.code === code && inForce(p, day));
}

/**
 * The birth province named by a citizen ID's 3-digit prefix (`038` → Thanh Hóa).
 * Citizen IDs keep their 63-era prefix for life, so this looks in the 63 set only.
 */
export function provinceByCitizenIdCode(prefix: string): Province | undefined {
  return provincesUntil20250630.find((p) => p.citizenIdCode === prefix);
}

/** Follows successor links from a pre-2025-07-01 province code to the unit in force on a date. */
export function currentProvinceFor(code: string, at: Date | string = new Date()): Province | undefined {
  const day = toVietnamDate(at);
  const direct = findProvince(code, day);
  if (direct) return direct;
  const old = provincesUntil20250630.find((p) => p.code === code);
  if (!old?.successorCode) return undefined;
  return findProvince(old.successorCode, day);
}
