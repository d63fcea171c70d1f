import type { ValidationIssue } from './issues.js';

/** The problem types of the standard that validation produces. */
export const PROBLEM_TYPES = {
  malformed: 'https://dvc-kit.dev/problems/malformed-request',
  validation: 'https://dvc-kit.dev/problems/validation',
  tooLarge: 'https://dvc-kit.dev/problems/payload-too-large',
} as const;

/** An `application/problem+json` body (RFC 9457) as the spec's `Problem` schema defines it. */
export interface ValidationProblem {
  type: string;
  title: string;
  status: 400 | 413 | 422;
  detail: string;
  instance?: string;
  errors: ValidationIssue[];
}

export interface ToProblemOptions {
  /** 400 for a malformed request, 422 for one that breaks the schema or the rules (default: from the issues). */
  status?: 400 | 422;
  /** The request id. */
  instance?: string;
}

const MAX_ERRORS = 100;
const MAX_TEXT = 1000;

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
}

/** Issues that make a request malformed rather than invalid (the body cannot even be read). */
const MALFORMED = new Set(['BODY_NOT_JSON', 'BODY_NOT_TEXT', 'FORBIDDEN_KEY']);

/**
 * Builds the problem+json body for validation issues: 413 when the body was too large,
 * 400 when it could not be read or only parameters are wrong, else 422 (or the status
 * asked for). The list is capped
 * at 100 entries and every text at 1,000 characters, as the `Problem` schema requires.
 *
 * @example
 * const r = validateRequest('upsertDossier', { params, headers, body });
 * if (!r.ok) res.writeHead(422, { 'content-type': 'application/problem+json' }).end(JSON.stringify(toProblem(r.errors)));
 */
export function toProblem(errors: readonly ValidationIssue[], options: ToProblemOptions = {}): ValidationProblem {
  const tooLarge = errors.some((e) => e.code === 'BODY_TOO_LARGE');
  const malformed = errors.some((e) => MALFORMED.has(e.code));
  // Bad parameters make a request malformed (the spec's BadRequest), a bad body invalid.
  const onlyParameters = errors.length > 0 && errors.every((e) => e.pointer.startsWith('#/'));
  const status = tooLarge ? 413 : malformed ? 400 : (options.status ?? (onlyParameters ? 400 : 422));
  const list = errors.slice(0, MAX_ERRORS).map((e) => {
    const out: ValidationIssue = {
      pointer: clip(e.pointer),
      code: e.code.slice(0, 100),
      message: { vi: clip(e.message.vi), en: clip(e.message.en) },
    };
    if (e.expected !== undefined) out.expected = clip(e.expected);
    if (e.received !== undefined) out.received = clip(e.received);
    return out;
  });
  const n = errors.length;
  const problem: ValidationProblem = {
    type: status === 413 ? PROBLEM_TYPES.tooLarge : status === 400 ? PROBLEM_TYPES.malformed : PROBLEM_TYPES.validation,
    title:
      status === 413 ? 'Request body is too large' : status === 400 ? 'Request is malformed' : 'Request failed validation',
    status,
    detail: `${n} lỗi / ${n} ${n === 1 ? 'error' : 'errors'}: ${clip(errors[0]?.message.en ?? 'invalid')}`,
    errors: list,
  };
  if (options.instance !== undefined) problem.instance = options.instance.slice(0, 200);
  return problem;
}
