/** The portal's clock; fault injection skews it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** RFC 3339 in Vietnam time (UTC+07:00), as the portal writes `receivedAt`. */
export function vietnamIso(ms: number): string {
  const d = new Date(ms + 7 * 3600_000);
  return `${d.toISOString().slice(0, 19)}+07:00`;
}

/** `yyyyMMddHHmmss` in Vietnam time. */
export function portalDateTime(ms: number): string {
  return new Date(ms + 7 * 3600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}
