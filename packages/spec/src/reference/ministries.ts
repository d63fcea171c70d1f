import raw from '../../data/ministries.json' with { type: 'json' };
import { inForce, toVietnamDate } from './provinces.js';

/** How well a fact of the reference data is confirmed (data/README.md). */
export type FactStatus = 'VERIFIED' | 'VERIFIED-secondary' | 'GUESS';

/** A ministry (bộ) or ministry-level agency (cơ quan ngang bộ) with the dates it existed. Dates are ISO `yyyy-mm-dd`, inclusive. */
export interface Ministry {
  /** Top-level group of the agency identifier code (`G12`). Two records share a code when a successor kept it. */
  code: string;
  /** The body's own agency identifier code (`000.00.00.G12`). */
  agencyCode: string;
  name: string;
  nameEn: string;
  kind: 'ministry' | 'ministry-level';
  /** First day in force, or null when in force since before the reference data starts. */
  validFrom: string | null;
  /** Last day in force, or null when still in force. */
  validTo: string | null;
  /** For bodies merged away: the code of the body that took them over. */
  successorCode?: string;
  /** For bodies formed by a merger: the codes of the bodies merged into it. */
  mergedFrom?: readonly string[];
  /** Functions or bodies it took over, and from when. */
  absorbed?: readonly { from: string; what: string }[];
  /** How well the G code is confirmed. */
  codeStatus: FactStatus;
  note?: string;
}

interface RawMinistry {
  code: string;
  agencyCode: string;
  name: string;
  nameEn: string;
  kind: string;
  validFrom: string | null;
  validTo: string | null;
  successorCode?: string;
  mergedFrom?: string[];
  absorbed?: { from: string; what: string }[];
  codeStatus: string;
  note?: string;
}

function toMinistry(r: RawMinistry): Ministry {
  const m: Ministry = {
    code: r.code,
    agencyCode: r.agencyCode,
    name: r.name,
    nameEn: r.nameEn,
    kind: r.kind === 'ministry-level' ? 'ministry-level' : 'ministry',
    validFrom: r.validFrom,
    validTo: r.validTo,
    codeStatus: r.codeStatus as FactStatus,
  };
  if (r.successorCode) m.successorCode = r.successorCode;
  if (r.mergedFrom) m.mergedFrom = Object.freeze([...r.mergedFrom]);
  if (r.absorbed) m.absorbed = Object.freeze(r.absorbed.map((a) => Object.freeze({ from: a.from, what: a.what })));
  if (r.note) m.note = r.note;
  return Object.freeze(m);
}

/** Every ministry record: the 22 bodies until 2025-02-28 and the 17 from 2025-03-01 (Nghị quyết 176/2025/QH15), overlapping where a body continued. */
export const ministries: readonly Ministry[] = Object.freeze((raw.units as RawMinistry[]).map(toMinistry));

const MINISTRY_CODE = /^(?:000\.00\.00\.)?(G\d{2})$/;

/** The ministries and ministry-level agencies in force on a date (default: today in Vietnam). */
export function ministriesAsOf(at: Date | string = new Date()): readonly Ministry[] {
  const day = toVietnamDate(at);
  return ministries.filter((m) => inForce(m, day));
}

/** The ministry with this code (`G12` or `000.00.00.G12`) in force on a date, or undefined. */
export function findMinistry(code: string, at: Date | string = new Date()): Ministry | undefined {
  const top = MINISTRY_CODE.exec(code)?.[1];
  if (!top) return undefined;
  const day = toVietnamDate(at);
  return ministries.find((m) => m.code === top && inForce(m, day));
}

/**
 * The body a ministry code stands for on a date, following successor links when the
 * body named by the code had been merged away by then (`G04` → Bộ Xây dựng from 2025-03-01).
 */
export function currentMinistryFor(code: string, at: Date | string = new Date()): Ministry | undefined {
  const day = toVietnamDate(at);
  let top = MINISTRY_CODE.exec(code)?.[1];
  // A chain is at most as long as the list; the bound also guards against a cycle in the data.
  for (let hops = 0; top !== undefined && hops <= ministries.length; hops++) {
    const current = findMinistry(top, day);
    if (current) return current;
    top = latestMinistryEndedBefore(top, day)?.successorCode;
  }
  return undefined;
}

/** The record with this code that ended last before `day`. */
export function latestMinistryEndedBefore(top: string, day: string): Ministry | undefined {
  let latest: Ministry | undefined;
  for (const m of ministries) {
    if (m.code !== top || m.validTo === null || m.validTo >= day) continue;
    if (!latest || (latest.validTo ?? '') < m.validTo) latest = m;
  }
  return latest;
}
