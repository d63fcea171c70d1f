import { fail, ok } from '../issues.js';
import type { ParseResult } from '../issues.js';
import { describeReceived } from '../redact.js';
import { agencyKindOf, lookupTopLevelBody, PROVINCE_NUMBER_MAX } from './agency-reference.js';
import type { AgencyKind, TopLevelBody } from './agency-reference.js';
import { checkString, isDigits } from './input.js';
import { vietnamDay } from './vietnam-time.js';

/** A parsed agency identifier code (mã định danh cơ quan, QCVN 102:2016/BTTTT). */
export interface AgencyCode {
  code: string;
  /** The groups read right to left: `000.17.22.H56` → `['H56', '22', '17', '000']`. */
  groups: string[];
  /** The top-level body's group (`H56`). */
  topLevel: string;
  kind: AgencyKind;
  isMinistry: boolean;
  isProvince: boolean;
  /**
   * Which level of the hierarchy the code names: 1 for the top-level body itself
   * (`000.00.00.H56`), 2 for a unit directly under it (`000.00.06.H56`), and so on.
   */
  level: number;
  /** The top-level body in the reference data as of the date asked, or null when not covered. */
  body: TopLevelBody | null;
}

export interface AgencyCodeOptions {
  /** The date the code is resolved at (default: now). Codes of merged bodies still parse. */
  at?: Date | string;
}

/** QĐ 20/2020/QĐ-TTg as amended allows up to 35 characters. */
export const AGENCY_CODE_MAX_LENGTH = 35;
const LABEL = { vi: 'Mã định danh cơ quan', en: 'Agency code' };
const EXPECTED = 'NNN.NN.NN.XNN (X a letter A–K), at most 35 characters';

function formatError(received: string): ParseResult<never> {
  return fail(
    'AGENCY_CODE_FORMAT',
    'Mã định danh cơ quan phải có dạng NNN.NN.NN.XNN (X là chữ cái A–K), ví dụ 000.00.00.H56.',
    'Agency code must look like NNN.NN.NN.XNN (X a letter A–K), e.g. 000.00.00.H56.',
    { expected: EXPECTED, received },
  );
}

/**
 * Parses an agency identifier code, read right to left: the last group (`H56`) names
 * the top-level body, earlier groups the levels below. Deeper levels than the
 * standard four are accepted as extra leading groups of 2–3 digits. Never throws.
 *
 * @example parseAgencyCode('000.00.06.H56') // { ok: true, value: { topLevel: 'H56', level: 2, isProvince: true, … } }
 */
export function parseAgencyCode(input: unknown, options: AgencyCodeOptions = {}): ParseResult<AgencyCode> {
  const s = checkString(input, LABEL, AGENCY_CODE_MAX_LENGTH, 'public');
  if (!s.ok) return s;
  const code = s.value;
  const received = describeReceived(code);
  const groups = code.split('.').reverse();
  if (groups.length < 4) return formatError(received);
  const [top, l2, l3, l4, ...deeper] = groups as [string, string, string, string, ...string[]];
  const letter = top[0] ?? '';
  if (top.length !== 3 || letter < 'A' || letter > 'K' || !isDigits(top.slice(1))) return formatError(received);
  if (l2.length !== 2 || l3.length !== 2 || l4.length !== 3) return formatError(received);
  if (!isDigits(l2) || !isDigits(l3) || !isDigits(l4)) return formatError(received);
  for (const g of deeper) if ((g.length !== 2 && g.length !== 3) || !isDigits(g)) return formatError(received);
  const number = Number(top.slice(1));
  const kind = agencyKindOf(letter);
  if ((kind === 'province' || kind === 'provincial-council') && (number < 1 || number > PROVINCE_NUMBER_MAX)) {
    return fail(
      'AGENCY_CODE_UNKNOWN',
      `Mã định danh cơ quan không hợp lệ: ${top} không phải mã tỉnh, thành phố (01–63).`,
      `Agency code is not valid: ${top} is not a province code (01–63).`,
      { expected: `${letter}01–${letter}63`, received },
    );
  }
  const day = vietnamDay(options.at);
  let level = 1;
  const below = [l2, l3, l4, ...deeper];
  for (let i = 0; i < below.length; i++) if (Number(below[i]) !== 0) level = i + 2;
  return ok({
    code,
    groups,
    topLevel: top,
    kind,
    isMinistry: kind === 'ministry',
    isProvince: kind === 'province',
    level,
    body: lookupTopLevelBody(top, day),
  });
}
