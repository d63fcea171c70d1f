import { citizenIdProvinces } from '../generated/reference.js';
import { fail, ok } from '../issues.js';
import type { ParseResult } from '../issues.js';
import { describeReceived } from '../redact.js';
import { checkString, isDigits } from './input.js';

/** A parsed 12-digit citizen ID (CCCD, số định danh cá nhân). */
export interface CitizenId {
  id: string;
  /** The birth province (63-era units: IDs keep their prefix for life). */
  birthProvince: { citizenIdCode: string; code: string; name: string };
  gender: 'male' | 'female';
  /** Full birth year (gender/century digit 0–1 → 1900s, 2–3 → 2000s, …, 8–9 → 1800s). */
  birthYear: number;
  /** The last 6 digits. */
  sequence: string;
}

/** A parsed 9-digit legacy ID card number (CMND). */
export interface LegacyId {
  id: string;
}

export interface CitizenIdOptions {
  /** The day the ID is judged on, for "birth year not in the future" (default: now). */
  at?: Date;
}

const LABEL = { vi: 'Số định danh cá nhân', en: 'Citizen ID' };
const LEGACY_LABEL = { vi: 'Số chứng minh nhân dân', en: 'Legacy ID card number' };

function vietnamYear(at: Date): number {
  return new Date(at.getTime() + 7 * 3_600_000).getUTCFullYear();
}

/**
 * Parses a 12-digit citizen ID: birth-province code (must exist in the reference
 * data), gender and century, birth year (not in the future), sequence. Never throws.
 *
 * @example parseCitizenId('038095000123').value?.birthProvince.name // 'Thanh Hóa'
 */
export function parseCitizenId(input: unknown, options: CitizenIdOptions = {}): ParseResult<CitizenId> {
  const s = checkString(input, LABEL, 12, 'personal');
  if (!s.ok) return s;
  const id = s.value;
  const received = describeReceived(id, 'personal');
  if (id.length !== 12 || !isDigits(id)) {
    return fail(
      'CITIZEN_ID_FORMAT',
      'Số định danh cá nhân phải gồm đúng 12 chữ số.',
      'Citizen ID must be exactly 12 digits.',
      { expected: '12 digits', received },
    );
  }
  const prefix = id.slice(0, 3);
  const province = citizenIdProvinces[prefix];
  if (!province) {
    return fail(
      'CITIZEN_ID_PROVINCE',
      `Số định danh cá nhân không hợp lệ: ${prefix} không phải mã tỉnh nơi sinh (001–096).`,
      `Citizen ID is not valid: ${prefix} is not a birth-province code (001–096).`,
      { expected: 'a birth-province code from the reference data', received: prefix },
    );
  }
  const genderCentury = id.charCodeAt(3) - 48;
  // 0/1 → 1900s, 2/3 → 2000s, 4/5 → 2100s, 6/7 → 2200s, 8/9 → 1800s (TT 07/2016/TT-BCA).
  const century = genderCentury >= 8 ? 1800 : 1900 + Math.floor(genderCentury / 2) * 100;
  const birthYear = century + Number(id.slice(4, 6));
  const at = options.at ?? new Date();
  const thisYear = Number.isNaN(at.getTime()) ? vietnamYear(new Date()) : vietnamYear(at);
  if (birthYear > thisYear) {
    return fail(
      'CITIZEN_ID_BIRTH_YEAR',
      `Số định danh cá nhân không hợp lệ: năm sinh ${birthYear} ở tương lai.`,
      `Citizen ID is not valid: birth year ${birthYear} is in the future.`,
      { expected: `birth year ≤ ${thisYear}`, received: String(birthYear) },
    );
  }
  return ok({
    id,
    birthProvince: { citizenIdCode: prefix, code: province.code, name: province.name },
    gender: genderCentury % 2 === 0 ? 'male' : 'female',
    birthYear,
    sequence: id.slice(6),
  });
}

/** Parses a 9-digit legacy ID card number (CMND). Never throws. */
export function parseLegacyId(input: unknown): ParseResult<LegacyId> {
  const s = checkString(input, LEGACY_LABEL, 9, 'personal');
  if (!s.ok) return s;
  if (s.value.length !== 9 || !isDigits(s.value)) {
    return fail(
      'LEGACY_ID_FORMAT',
      'Số chứng minh nhân dân phải gồm đúng 9 chữ số.',
      'Legacy ID card number must be exactly 9 digits.',
      { expected: '9 digits', received: describeReceived(s.value, 'personal') },
    );
  }
  return ok({ id: s.value });
}
