import { fail, ok } from '../issues.js';
import type { ParseResult } from '../issues.js';
import { describeReceived } from '../redact.js';
import { AGENCY_CODE_MAX_LENGTH, parseAgencyCode } from './agency-code.js';
import type { AgencyCode, AgencyCodeOptions } from './agency-code.js';
import { checkString, isDigits } from './input.js';

/** A parsed procedure code (mã TTHC). */
export interface ProcedureCode {
  code: string;
  /** The national code, `D.DDDDDD` (`2.000477`). */
  national: string;
  /** For a local code (`2.000477.000.00.00.H56`): the agency that performs it; else null. */
  agency: AgencyCode | null;
}

const LABEL = { vi: 'Mã thủ tục hành chính', en: 'Procedure code' };

/**
 * Parses a procedure code: national `1.000656`, or local with the performing agency's
 * code appended (`2.000477.000.00.00.H56`). The first digit is given no meaning.
 * Never throws.
 */
export function parseProcedureCode(input: unknown, options: AgencyCodeOptions = {}): ParseResult<ProcedureCode> {
  const s = checkString(input, LABEL, 9 + AGENCY_CODE_MAX_LENGTH, 'public');
  if (!s.ok) return s;
  const code = s.value;
  const national = code.slice(0, 8);
  if (
    code.length < 8 ||
    code[1] !== '.' ||
    !isDigits(national.slice(0, 1)) ||
    !isDigits(national.slice(2)) ||
    (code.length > 8 && code[8] !== '.')
  ) {
    return fail(
      'PROCEDURE_CODE_FORMAT',
      'Mã thủ tục hành chính phải có dạng D.DDDDDD (ví dụ 1.000656), có thể kèm mã cơ quan (2.000477.000.00.00.H56).',
      'Procedure code must look like D.DDDDDD (e.g. 1.000656), optionally followed by an agency code (2.000477.000.00.00.H56).',
      { expected: 'D.DDDDDD or D.DDDDDD.<agency code>', received: describeReceived(code) },
    );
  }
  if (code.length === 8) return ok({ code, national, agency: null });
  const agency = parseAgencyCode(code.slice(9), options);
  if (!agency.ok) {
    return fail(
      'PROCEDURE_CODE_AGENCY',
      `Mã thủ tục hành chính địa phương có phần mã cơ quan không hợp lệ: ${agency.error.message.vi}`,
      `The agency part of a local procedure code is not valid: ${agency.error.message.en}`,
      { expected: 'D.DDDDDD.<agency code>', received: describeReceived(code) },
    );
  }
  return ok({ code, national, agency: agency.value });
}
