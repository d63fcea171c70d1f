import type { Db } from './database.js';
import type { Mutant } from './mutants.js';
import { toCodeDate, toPortalDateTime } from './vietnam-time.js';

/**
 * Takes the next dossier code of `agencyCode` for the day of `at` (Vietnam time):
 * `<agency code>-<yyMMdd>-<sequence>`, the sequence a per-agency daily counter of at
 * least 4 digits that grows past 9999 instead of wrapping. Call it inside the
 * transaction that inserts the dossier, so a code is never lost nor given twice.
 */
export function takeDossierCode(db: Db, agencyCode: string, at: Date, mutant: Mutant): string {
  const day = toCodeDate(at);
  if (mutant.is('dossier-code-reuse')) return `${agencyCode}-${day}-0001`;
  const row = db
    .prepare(
      `INSERT INTO code_counters (agency, day, last) VALUES (?, ?, 1)
       ON CONFLICT (agency, day) DO UPDATE SET last = last + 1 RETURNING last`,
    )
    .get(agencyCode, day) as { last: number };
  if (mutant.is('dossier-code-grammar')) return `${agencyCode}-${toPortalDateTime(at).slice(0, 8)}-${String(row.last).padStart(3, '0')}`;
  return `${agencyCode}-${day}-${String(row.last).padStart(4, '0')}`;
}
