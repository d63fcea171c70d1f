import { fail, ok } from '../issues.js';
import type { ParseResult } from '../issues.js';
import { describeReceived } from '../redact.js';
import { checkString, isDigits } from './input.js';

/** A parsed tax code (mã số thuế). */
export interface TaxCode {
  /** The code as written on the wire: `0100109106` or `0100109106-001`. */
  code: string;
  /** The 10-digit code of the taxpayer (for a branch, its parent). */
  parent: string;
  /** The 3-digit branch number, or null for the parent itself. */
  branch: string | null;
}

const LABEL = { vi: 'Mã số thuế', en: 'Tax code' };
const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3] as const;
const EXPECTED = '10 digits with a valid check digit, or NNNNNNNNNN-BBB for a branch';

/**
 * The check digit of a 10-digit tax code from its first 9 digits, or null when the
 * rule yields 10 (such codes are never issued).
 */
export function taxCodeCheckDigit(first9: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += WEIGHTS[i]! * (first9.charCodeAt(i) - 48);
  const digit = 10 - (sum % 11);
  return digit === 10 ? null : digit;
}

/**
 * Parses a Vietnamese tax code: 10 digits whose last is the check digit, or a branch
 * written `NNNNNNNNNN-BBB` (BBB 001–999). Never throws.
 *
 * @example parseTaxCode('0100109106-001') // { ok: true, value: { parent: '0100109106', branch: '001', … } }
 */
export function parseTaxCode(input: unknown): ParseResult<TaxCode> {
  const s = checkString(input, LABEL, 14, 'personal');
  if (!s.ok) return s;
  const code = s.value;
  const received = describeReceived(code, 'personal');
  let parent = code;
  let branch: string | null = null;
  if (code.length === 14 && code[10] === '-') {
    parent = code.slice(0, 10);
    branch = code.slice(11);
  } else if (code.length === 13 && isDigits(code)) {
    return fail(
      'TAX_CODE_BRANCH_SEPARATOR',
      'Mã số thuế chi nhánh phải viết dạng NNNNNNNNNN-BBB (có dấu gạch ngang trước 3 số cuối).',
      'A branch tax code must be written NNNNNNNNNN-BBB (with a hyphen before the last 3 digits).',
      { expected: 'NNNNNNNNNN-BBB', received },
    );
  }
  if (parent.length !== 10 || !isDigits(parent) || (branch !== null && !isDigits(branch))) {
    return fail(
      'TAX_CODE_FORMAT',
      'Mã số thuế phải gồm 10 chữ số, hoặc NNNNNNNNNN-BBB với mã chi nhánh.',
      'Tax code must be 10 digits, or NNNNNNNNNN-BBB for a branch.',
      { expected: EXPECTED, received },
    );
  }
  if (branch === '000') {
    return fail(
      'TAX_CODE_BRANCH_ZERO',
      'Mã chi nhánh trong mã số thuế phải từ 001 đến 999.',
      'The branch number of a tax code must be from 001 to 999.',
      { expected: 'BBB from 001 to 999', received },
    );
  }
  const check = taxCodeCheckDigit(parent);
  if (check === null || check !== parent.charCodeAt(9) - 48) {
    return fail(
      'TAX_CODE_CHECK_DIGIT',
      'Mã số thuế không hợp lệ: chữ số kiểm tra (chữ số thứ 10) không đúng.',
      'Tax code is not valid: the check digit (10th digit) is wrong.',
      { expected: check === null ? 'a code that can be issued' : `check digit ${check}`, received },
    );
  }
  return ok({ code, parent, branch });
}
