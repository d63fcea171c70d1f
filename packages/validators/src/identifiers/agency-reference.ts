/**
 * The one place the agency-code parser asks the reference data about a top-level body
 * (`H56`, `G09`). The agency reference data of `@dvc-kit/spec` (provinces H01–H63,
 * ministries G…, with dates and successors) is not published yet; until it is, this
 * answers only what the letter scheme itself says, and `body` stays null.
 */
export interface TopLevelBody {
  /** The last group of the agency code (`H56`). */
  code: string;
  name: string;
  /** Whether the body is in force on the date asked about. */
  inForce: boolean;
  /** For a body that ended: the code of the body that took over its functions. */
  successorCode?: string;
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

export function lookupTopLevelBody(_code: string, _day: string): TopLevelBody | null {
  return null;
}
