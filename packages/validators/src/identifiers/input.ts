import { fail } from '../issues.js';
import type { ParseResult } from '../issues.js';
import { describeReceived } from '../redact.js';
import type { Sensitivity } from '../redact.js';

/**
 * The first gate of every parser: a string of bounded length. Nothing else runs on a
 * value that fails it, so no pattern ever sees an oversized input.
 */
export function checkString(
  input: unknown,
  label: { vi: string; en: string },
  maxLength: number,
  sensitivity: Sensitivity,
): ParseResult<string> {
  if (typeof input !== 'string') {
    return fail(
      'NOT_A_STRING',
      `${label.vi} phải là chuỗi ký tự.`,
      `${label.en} must be a string.`,
      { expected: 'string', received: describeReceived(input, sensitivity) },
    );
  }
  if (input.length === 0) {
    return fail('EMPTY', `${label.vi} không được để trống.`, `${label.en} must not be empty.`, {
      expected: 'non-empty string',
      received: '""',
    });
  }
  if (input.length > maxLength) {
    return fail(
      'TOO_LONG',
      `${label.vi} dài quá ${maxLength} ký tự.`,
      `${label.en} is longer than ${maxLength} characters.`,
      { expected: `at most ${maxLength} characters`, received: `${input.length} characters` },
    );
  }
  return { ok: true, value: input };
}

/** Whether every character is an ASCII digit (no regular expression involved). */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
