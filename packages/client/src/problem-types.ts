import { nationalPortalDocument, type Problem } from '@dvc-kit/spec';

interface ProblemTypeEntry {
  type: string;
  /** Last segment of the type URI, e.g. `not-found`. */
  kind: string;
  status: number;
  dvcqg: string;
}

/** The `x-problem-types` table of the national portal's document, read at run time. */
const table: readonly ProblemTypeEntry[] = Object.entries(
  (nationalPortalDocument['x-problem-types'] ?? {}) as Record<string, { status: number; dvcqg: string }>,
).map(([type, v]) => ({ type, kind: type.slice(type.lastIndexOf('/') + 1), status: v.status, dvcqg: v.dvcqg }));

const byType = new Map(table.map((e) => [e.type, e]));

/**
 * Several problem types share a dvcqg code ("02" is malformed-request, validation, reused key
 * and payload too large). Going back from the code we take the general one the code's
 * definition names: "02" request invalid (validation), "04" conflict, "05" forbidden, "99" internal.
 */
const preferredKindForDvcqg: Record<string, string> = { '02': 'validation', '04': 'conflict', '05': 'forbidden', '99': 'internal' };

/** Short stable name of a problem type URI (`https://dvc-kit.dev/problems/not-found` → `not-found`), `unknown` otherwise. */
export function problemKind(type: string | undefined): string {
  if (!type) return 'unknown';
  return byType.get(type)?.kind ?? 'unknown';
}

/** The problem type the table gives for an HTTP status, when exactly one does (or the general one). */
function entryForStatus(status: number): ProblemTypeEntry | undefined {
  const matches = table.filter((e) => e.status === status);
  if (matches.length === 1) return matches[0];
  const general = ['validation', 'conflict', 'forbidden'];
  return matches.find((e) => general.includes(e.kind));
}

/** A problem for an error answer that carried no problem+json body (a proxy's HTML page, an OAuth error …). */
export function problemForStatus(status: number, detail?: string): Problem {
  const entry = entryForStatus(status);
  const problem: Problem = {
    type: entry?.type ?? 'about:blank',
    title: entry ? titleOf(entry.kind) : `HTTP ${status}`,
    status,
  };
  if (detail) problem.detail = detail;
  return problem;
}

/** The problem a dvcqg `error_code` stands for (same type and status as the rest binding). */
export function problemForDvcqgCode(code: string, message?: string): Problem {
  const kind = preferredKindForDvcqg[code];
  const entry = table.find((e) => e.dvcqg === code && (kind === undefined || e.kind === kind));
  const problem: Problem = entry
    ? { type: entry.type, title: titleOf(entry.kind), status: entry.status }
    : { type: 'about:blank', title: `dvcqg error_code ${code}`, status: 502 };
  if (message) problem.detail = message;
  return problem;
}

/** Whether a dvcqg `error_code` means success ("0" and "00" both do at the gateways in use). */
export function isDvcqgSuccess(code: unknown): boolean {
  return code === '0' || code === '00' || code === 0;
}

function titleOf(kind: string): string {
  const words = kind.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
