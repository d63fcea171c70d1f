/*
 * The one place the agency-code parser asks about a top-level body (`H56`, `G09`): the
 * answers of `@dvc-kit/spec`'s `resolveAgencyCode` (provinces H01–H63 and ministries G…,
 * with the dates they were in force and who took over after the 2025 mergers), tabulated
 * per period at build time by scripts/reference.ts.
 */
import { topLevelBodies } from '../generated/reference.js';
import type { TopLevelBody } from './top-level-body.js';

export type { TopLevelBody };

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
  const periods = topLevelBodies[top];
  if (!periods) return null;
  let found: TopLevelBody | null = null;
  for (const p of periods) {
    if (p.from !== null && p.from > day) break;
    found = p.body;
  }
  return found;
}
