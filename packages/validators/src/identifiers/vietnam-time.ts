const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/**
 * The `yyyy-mm-dd` day in Vietnam (UTC+7, no DST) of a Date or an ISO date(-time);
 * today's for anything that is not one, because parsers never throw.
 */
export function vietnamDay(at: Date | string | undefined): string {
  if (typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at)) return at;
  let ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : Date.now();
  if (Number.isNaN(ms)) ms = Date.now();
  return new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}
