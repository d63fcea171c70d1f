/** A message in both languages of the standard. */
export interface LocalizedText {
  vi: string;
  en: string;
}

/**
 * One thing wrong with a value, in terms a person can act on.
 * `expected` and `received` never carry personal data in clear (see `redact`).
 */
export interface ValidationIssue {
  /** JSON Pointer (RFC 6901) to the offending value; `''` is the value itself. */
  pointer: string;
  /** Stable, machine-readable reason (`TAX_CODE_CHECK_DIGIT`). */
  code: string;
  message: LocalizedText;
  expected?: string;
  received?: string;
}

/** The outcome of a parser: never thrown, always returned. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ValidationIssue };

/** The outcome of a schema validation. */
export type ValidationResult = { ok: true } | { ok: false; errors: ValidationIssue[] };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(
  code: string,
  vi: string,
  en: string,
  detail: { expected?: string; received?: string } = {},
): ParseResult<T> {
  const error: ValidationIssue = { pointer: '', code, message: { vi, en } };
  if (detail.expected !== undefined) error.expected = detail.expected;
  if (detail.received !== undefined) error.received = detail.received;
  return { ok: false, error };
}

/** Escapes one reference token of a JSON Pointer (RFC 6901 §3). */
export function escapePointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}
