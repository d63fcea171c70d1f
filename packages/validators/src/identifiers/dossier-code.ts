import { fail, ok } from '../issues.js';
import type { ParseResult } from '../issues.js';
import { describeReceived } from '../redact.js';
import { AGENCY_CODE_MAX_LENGTH, parseAgencyCode } from './agency-code.js';
import type { AgencyCode } from './agency-code.js';
import { checkString, isDigits } from './input.js';

/** A parsed dossier code (mã hồ sơ, `MaHoSo`). */
export interface DossierCode {
  code: string;
  /** The agency whose one-stop system issued it. */
  agency: AgencyCode;
  /** The day of reception, ISO `yyyy-mm-dd`. */
  date: string;
  /** The per-agency daily counter, as written (zero-padded, 4+ digits). */
  sequence: string;
}

/** 4 digits normally; more when an agency passes 9,999 dossiers in a day. */
export const DOSSIER_SEQUENCE_MAX_DIGITS = 8;
const LABEL = { vi: 'Mã hồ sơ', en: 'Dossier code' };
const EXPECTED = '<agency code>-<yyMMdd>-<sequence of 4+ digits>';

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses a dossier code by the standard's rule `<agency code>-<yyMMdd>-<sequence>`
 * (`000.00.06.H56-231027-0361`): the date must be a real calendar date (20yy), the
 * sequence 4 or more digits, and the agency code must parse; its body is resolved as of
 * that date. Never throws.
 */
export function parseDossierCode(input: unknown): ParseResult<DossierCode> {
  const s = checkString(input, LABEL, AGENCY_CODE_MAX_LENGTH + 8 + DOSSIER_SEQUENCE_MAX_DIGITS, 'public');
  if (!s.ok) return s;
  const code = s.value;
  const received = describeReceived(code);
  const parts = code.split('-');
  const [agencyPart, datePart, sequence] = parts;
  if (
    parts.length !== 3 ||
    agencyPart === undefined ||
    datePart === undefined ||
    sequence === undefined ||
    datePart.length !== 6 ||
    !isDigits(datePart) ||
    sequence.length < 4 ||
    sequence.length > DOSSIER_SEQUENCE_MAX_DIGITS ||
    !isDigits(sequence)
  ) {
    return fail(
      'DOSSIER_CODE_FORMAT',
      'Mã hồ sơ phải có dạng <mã cơ quan>-<yyMMdd>-<số thứ tự 4 chữ số trở lên>, ví dụ 000.00.06.H56-231027-0361.',
      'Dossier code must be <agency code>-<yyMMdd>-<sequence of 4+ digits>, e.g. 000.00.06.H56-231027-0361.',
      { expected: EXPECTED, received },
    );
  }
  const year = 2000 + Number(datePart.slice(0, 2));
  const month = Number(datePart.slice(2, 4));
  const day = Number(datePart.slice(4, 6));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return fail(
      'DOSSIER_CODE_DATE',
      `Mã hồ sơ có ngày ${datePart} không có trong lịch (dạng yyMMdd).`,
      `The date ${datePart} in the dossier code is not a calendar date (yyMMdd).`,
      { expected: 'a real date yyMMdd', received },
    );
  }
  if (Number(sequence) === 0) {
    return fail(
      'DOSSIER_CODE_SEQUENCE',
      'Số thứ tự trong mã hồ sơ bắt đầu từ 0001.',
      'The sequence in a dossier code starts at 0001.',
      { expected: 'sequence ≥ 0001', received },
    );
  }
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  // The agency is resolved as of the day the dossier was received: a merged body's code
  // still names it, with its successor.
  const agency = parseAgencyCode(agencyPart, { at: iso });
  if (!agency.ok) {
    return fail(
      'DOSSIER_CODE_AGENCY',
      `Mã hồ sơ có phần mã cơ quan không hợp lệ: ${agency.error.message.vi}`,
      `The agency part of the dossier code is not valid: ${agency.error.message.en}`,
      { expected: EXPECTED, received },
    );
  }
  return ok({ code, agency: agency.value, date: iso, sequence });
}
