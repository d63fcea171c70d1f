/** Vietnam is UTC+07:00 all year (no daylight saving), so fixed-offset arithmetic is exact. */
const OFFSET_MS = 7 * 3600_000;

function parts(at: Date) {
  const d = new Date(at.getTime() + OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return {
    yyyy: p(d.getUTCFullYear(), 4),
    MM: p(d.getUTCMonth() + 1),
    dd: p(d.getUTCDate()),
    HH: p(d.getUTCHours()),
    mm: p(d.getUTCMinutes()),
    ss: p(d.getUTCSeconds()),
    weekday: d.getUTCDay(),
  };
}

/** `yyyyMMddHHmmss` in Vietnam time: the wire format's date-time. */
export function toPortalDateTime(at: Date): string {
  const p = parts(at);
  return `${p.yyyy}${p.MM}${p.dd}${p.HH}${p.mm}${p.ss}`;
}

/** `yyMMdd` in Vietnam time: the date part of a dossier code. */
export function toCodeDate(at: Date): string {
  const p = parts(at);
  return `${p.yyyy.slice(2)}${p.MM}${p.dd}`;
}

/** `yyyy-MM-dd` in Vietnam time. */
export function toIsoDate(at: Date): string {
  const p = parts(at);
  return `${p.yyyy}-${p.MM}-${p.dd}`;
}

/** RFC 3339 with the +07:00 offset. */
export function toVietnamIso(at: Date): string {
  const p = parts(at);
  return `${p.yyyy}-${p.MM}-${p.dd}T${p.HH}:${p.mm}:${p.ss}+07:00`;
}

/** Reads `yyyyMMddHHmmss` (Vietnam time); undefined when it is not a real instant. */
export function fromPortalDateTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  return new Date(utc - OFFSET_MS);
}

/** Start of a `yyyy-MM-dd` day in Vietnam time. */
export function fromIsoDate(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  return fromPortalDateTime(`${m[1]}${m[2]}${m[3]}000000`);
}

/**
 * The appointed return date: `workingDays` working days (Monday–Friday) after `from`,
 * at 17:00 Vietnam time. Public holidays are not modelled.
 */
export function addWorkingDays(from: Date, workingDays: number): Date {
  let day = new Date(from.getTime() + OFFSET_MS);
  day = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 17, 0, 0));
  let left = Math.max(0, Math.floor(workingDays));
  while (left > 0) {
    day = new Date(day.getTime() + 24 * 3600_000);
    const wd = day.getUTCDay();
    if (wd !== 0 && wd !== 6) left -= 1;
  }
  const result = new Date(day.getTime() - OFFSET_MS);
  return result.getTime() < from.getTime() ? from : result;
}
