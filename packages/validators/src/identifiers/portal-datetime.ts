import { fail, ok } from '../issues.js';
import type { ParseResult } from '../issues.js';
import { describeReceived } from '../redact.js';
import { checkString, isDigits } from './input.js';

/** A parsed `yyyyMMddHHmmss` wire timestamp: an instant in Vietnam time (UTC+7, no DST). */
export interface PortalDateTime {
  /** The wire form. */
  text: string;
  /** ISO 8601 with the Vietnam offset: `2023-10-27T08:30:00+07:00`. */
  iso: string;
  /** Milliseconds since the epoch. */
  epochMs: number;
}

/** A parsed `yyyyMMdd` wire date. */
export interface PortalDate {
  text: string;
  /** ISO 8601 calendar date `2023-10-27`. */
  iso: string;
  year: number;
  month: number;
  day: number;
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;
export const PORTAL_YEAR_MIN = 1900;
export const PORTAL_YEAR_MAX = 2999;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

type Fields = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function checkFields(f: Fields, received: string, label: { vi: string; en: string }): ParseResult<Fields> {
  if (f.year < PORTAL_YEAR_MIN || f.year > PORTAL_YEAR_MAX) {
    return fail(
      'DATE_OUT_OF_RANGE',
      `${label.vi}: năm ${f.year} nằm ngoài khoảng ${PORTAL_YEAR_MIN}–${PORTAL_YEAR_MAX}.`,
      `${label.en}: year ${f.year} is outside ${PORTAL_YEAR_MIN}–${PORTAL_YEAR_MAX}.`,
      { expected: `year ${PORTAL_YEAR_MIN}–${PORTAL_YEAR_MAX}`, received },
    );
  }
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month)) {
    return fail(
      'DATE_NOT_REAL',
      `${label.vi}: ngày ${pad(f.day)}/${pad(f.month)}/${f.year} không có trong lịch.`,
      `${label.en}: ${f.year}-${pad(f.month)}-${pad(f.day)} is not a calendar date.`,
      { expected: 'a real calendar date', received },
    );
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 59) {
    return fail(
      'TIME_NOT_REAL',
      `${label.vi}: giờ ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)} không hợp lệ.`,
      `${label.en}: ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)} is not a time of day.`,
      { expected: 'HH 00–23, mm 00–59, ss 00–59', received },
    );
  }
  return ok(f);
}

const DT_LABEL = { vi: 'Thời điểm', en: 'Date-time' };
const D_LABEL = { vi: 'Ngày', en: 'Date' };

/**
 * Parses a `yyyyMMddHHmmss` timestamp of the portal's wire format (Vietnam time) into
 * an instant. Never throws.
 *
 * @example parsePortalDateTime('20231027083000').value?.iso // '2023-10-27T08:30:00+07:00'
 */
export function parsePortalDateTime(input: unknown): ParseResult<PortalDateTime> {
  const s = checkString(input, DT_LABEL, 14, 'public');
  if (!s.ok) return s;
  const text = s.value;
  const received = describeReceived(text);
  if (text.length !== 14 || !isDigits(text)) {
    return fail(
      'DATETIME_FORMAT',
      'Thời điểm phải có dạng yyyyMMddHHmmss (14 chữ số, giờ Việt Nam), ví dụ 20231027083000.',
      'Date-time must be yyyyMMddHHmmss (14 digits, Vietnam time), e.g. 20231027083000.',
      { expected: 'yyyyMMddHHmmss', received },
    );
  }
  const n = (a: number, b: number) => Number(text.slice(a, b));
  const f = checkFields(
    { year: n(0, 4), month: n(4, 6), day: n(6, 8), hour: n(8, 10), minute: n(10, 12), second: n(12, 14) },
    received,
    DT_LABEL,
  );
  if (!f.ok) return f;
  const { year, month, day, hour, minute, second } = f.value;
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second) - VIETNAM_OFFSET_MS;
  const iso = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}+07:00`;
  return ok({ text, iso, epochMs });
}

/** Parses a `yyyyMMdd` date of the wire format (birth dates, report days). Never throws. */
export function parsePortalDate(input: unknown): ParseResult<PortalDate> {
  const s = checkString(input, D_LABEL, 8, 'public');
  if (!s.ok) return s;
  const text = s.value;
  const received = describeReceived(text);
  if (text.length !== 8 || !isDigits(text)) {
    return fail(
      'DATE_FORMAT',
      'Ngày phải có dạng yyyyMMdd (8 chữ số), ví dụ 20231027.',
      'Date must be yyyyMMdd (8 digits), e.g. 20231027.',
      { expected: 'yyyyMMdd', received },
    );
  }
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(4, 6));
  const day = Number(text.slice(6, 8));
  const f = checkFields({ year, month, day, hour: 0, minute: 0, second: 0 }, received, D_LABEL);
  if (!f.ok) return f;
  return ok({ text, iso: `${year}-${pad(month)}-${pad(day)}`, year, month, day });
}

/**
 * Writes an instant as the wire's `yyyyMMddHHmmss` in Vietnam time. Accepts a Date or
 * an ISO 8601 string with an offset; throws a RangeError on anything else, because a
 * caller formatting a bad instant has a bug, not bad input.
 */
export function formatPortalDateTime(at: Date | string): string {
  // A string without an offset would be read in the machine's time zone: refuse it.
  if (typeof at === 'string' && !/^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})$/.test(at)) {
    throw new RangeError(`Not an ISO 8601 instant with an offset: ${at.slice(0, 40)}`);
  }
  const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Not an instant: ${String(at)}`);
  const d = new Date(ms + VIETNAM_OFFSET_MS);
  const y = d.getUTCFullYear();
  if (y < PORTAL_YEAR_MIN || y > PORTAL_YEAR_MAX) throw new RangeError(`Year ${y} is outside the wire format's range`);
  return (
    pad(y, 4) +
    pad(d.getUTCMonth() + 1) +
    pad(d.getUTCDate()) +
    pad(d.getUTCHours()) +
    pad(d.getUTCMinutes()) +
    pad(d.getUTCSeconds())
  );
}
