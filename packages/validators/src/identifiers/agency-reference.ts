import { resolveAgencyCode } from '@dvc-kit/spec';

/**
 * The one place the agency-code parser asks the reference data of `@dvc-kit/spec`
 * about a top-level body (`H56`, `G09`): provinces H01–H63 and ministries G…, with the
 * dates they were in force and who took over after the 2025 mergers.
 */
export interface TopLevelBody {
  /** The last group of the agency code (`H56`). */
  code: string;
  name: string;
  /** Whether the body is in force on the date asked about. */
  inForce: boolean;
  /** For a body no longer in force: the unit in force on that date that took over its functions. */
  successor?: { code: string; name: string };
}

export type AgencyKind = 'ministry' | 'province' | 'provincial-council' | 'other';

/** What the letter of the last group names (DOMAIN.md, Identifiers). */
export function agencyKindOf(letter: string): AgencyKind {
  if (letter === 'G') return 'ministry';
  if (letter === 'H') return 'province';
  if (letter === 'K') return 'provincial-council';
  return 'other';
}

/** Provincial People's Committees and Councils were numbered 01–63 before the 2025 mergers. */
export const PROVINCE_NUMBER_MAX = 63;

/**
 * The top-level body as of a day (`yyyy-mm-dd`), or null when the reference data does not
 * hold it (K, A–F, I, J bodies, G codes it does not list).
 */
export function lookupTopLevelBody(top: string, day: string): TopLevelBody | null {
  let r: ReturnType<typeof resolveAgencyCode>;
  try {
    r = resolveAgencyCode(`000.00.00.${top}`, day);
  } catch {
    return null;
  }
  if (!r) return null;
  const name = r.agency?.name ?? r.ministry?.name ?? r.province?.name;
  if (!name) return null;
  const body: TopLevelBody = { code: top, name, inForce: r.inForce };
  const next = r.successor?.province ?? r.successor?.ministry;
  if (!r.inForce && next) body.successor = { code: next.code, name: next.name };
  return body;
}
