import { fail, ok } from '../issues.js';
import type { ParseResult } from '../issues.js';
import { describeReceived } from '../redact.js';
import { checkString, isDigits } from './input.js';

/** A parsed Vietnamese phone number. */
export interface PhoneNumber {
  /** E.164: `+84912345678`. */
  e164: string;
  /** The domestic form with the trunk prefix: `0912345678`. */
  national: string;
  /** Mobile numbers are 9 digits after the 0 (03x, 05x, 07x, 08x, 09x); fixed lines 10 digits starting 02. */
  kind: 'mobile' | 'landline';
}

const LABEL = { vi: 'Số điện thoại', en: 'Phone number' };
const EXPECTED = '+84 or 0 followed by a Vietnamese mobile (9 digits, 3/5/7/8/9…) or landline (10 digits, 2…) number';

/**
 * Parses a Vietnamese mobile or landline number in the `+84…` or `0…` form; spaces,
 * dots and hyphens between digits are allowed. Normalised to E.164. Never throws.
 *
 * @example parsePhoneNumber('0912 345 678').value?.e164 // '+84912345678'
 */
export function parsePhoneNumber(input: unknown): ParseResult<PhoneNumber> {
  const s = checkString(input, LABEL, 24, 'personal');
  if (!s.ok) return s;
  const raw = s.value;
  const received = describeReceived(raw, 'personal');
  const formatError = () =>
    fail<PhoneNumber>(
      'PHONE_FORMAT',
      'Số điện thoại phải bắt đầu bằng 0 hoặc +84, ví dụ 0912345678 hoặc +84 24 3825 3536.',
      'Phone number must start with 0 or +84, e.g. 0912345678 or +84 24 3825 3536.',
      { expected: EXPECTED, received },
    );
  let digits = '';
  let prev = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c >= '0' && c <= '9') digits += c;
    else if (c === '+' && i === 0) digits += c;
    // A separator must sit between two digits.
    else if ((c === ' ' || c === '.' || c === '-') && prev >= '0' && prev <= '9' && i + 1 < raw.length) {
      /* skip */
    } else return formatError();
    prev = c;
  }
  let nsn: string;
  if (digits.startsWith('+84')) nsn = digits.slice(3);
  else if (digits.startsWith('0') && !digits.startsWith('00')) nsn = digits.slice(1);
  else return formatError();
  if (!isDigits(nsn)) return formatError();
  const first = nsn[0];
  const kind: PhoneNumber['kind'] | null =
    first === '2' ? 'landline' : first === '3' || first === '5' || first === '7' || first === '8' || first === '9' ? 'mobile' : null;
  if (kind === null) {
    return fail(
      'PHONE_PREFIX',
      'Số điện thoại không có đầu số Việt Nam: sau 0 (hoặc +84) phải là 2 (cố định) hoặc 3, 5, 7, 8, 9 (di động).',
      'Phone number has no Vietnamese prefix: after 0 (or +84) comes 2 (landline) or 3, 5, 7, 8, 9 (mobile).',
      { expected: EXPECTED, received },
    );
  }
  if (nsn.length !== (kind === 'landline' ? 10 : 9)) {
    return fail(
      'PHONE_LENGTH',
      'Số điện thoại không đúng độ dài: di động gồm 10 chữ số (0 + 9), cố định gồm 11 chữ số (02 + 9).',
      'Phone number has the wrong length: mobiles are 10 digits (0 + 9), landlines 11 digits (02 + 9).',
      { expected: EXPECTED, received },
    );
  }
  return ok({ e164: `+84${nsn}`, national: `0${nsn}`, kind });
}
