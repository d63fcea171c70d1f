import { nationalPortalDocument, problemTypes } from '@dvc-kit/spec';
import type { ProblemError } from '@dvc-kit/spec';

/** Problem type URIs of the standard (`x-problem-types` of national-portal.yaml). */
export const PROBLEM = problemTypes;

export type ProblemType = (typeof PROBLEM)[keyof typeof PROBLEM];

const TITLES: Record<ProblemType, string> = {
  [PROBLEM.malformed]: 'Request is malformed',
  [PROBLEM.validation]: 'Request failed validation',
  [PROBLEM.unauthorized]: 'Access token missing or invalid',
  [PROBLEM.forbidden]: 'Not allowed',
  [PROBLEM.signatureInvalid]: 'Message signature invalid',
  [PROBLEM.notFound]: 'Not found',
  [PROBLEM.illegalTransition]: 'Illegal status transition',
  [PROBLEM.conflict]: 'Conflict',
  [PROBLEM.idempotencyKeyReused]: 'Idempotency-Key reused with a different body',
  [PROBLEM.payloadTooLarge]: 'Payload too large',
  [PROBLEM.rateLimited]: 'Too many requests',
  [PROBLEM.unavailable]: 'Service unavailable',
  [PROBLEM.internal]: 'Internal error',
};

interface ProblemTypeEntry {
  status: number;
  dvcqg: string;
}

// Status and dvcqg error_code come from the document, so the two bindings cannot drift apart.
const TABLE = (nationalPortalDocument as unknown as { 'x-problem-types': Record<string, ProblemTypeEntry> })['x-problem-types'];

/** The dvcqg `error_code` of a problem type (`99` for one the document does not list). */
export function dvcqgCodeFor(type: string): string {
  return TABLE[type]?.dvcqg ?? '99';
}

/** The default HTTP status of a problem type. */
export function statusFor(type: ProblemType): number {
  return TABLE[type]?.status ?? 500;
}

/**
 * A request the portal refuses. Resolvers throw it; every adapter turns it into
 * `application/problem+json` (rest) or an `error_code` (dvcqg).
 */
export class HttpProblem extends Error {
  readonly type: ProblemType;
  readonly status: number;
  readonly errors: ProblemError[] | undefined;
  readonly headers: Record<string, string>;
  constructor(type: ProblemType, detail: string, options: { status?: number; errors?: ProblemError[]; headers?: Record<string, string> } = {}) {
    super(detail);
    this.name = 'HttpProblem';
    this.type = type;
    this.status = options.status ?? statusFor(type);
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  /** The RFC 9457 body. */
  toJSON(instance?: string): Record<string, unknown> {
    const body: Record<string, unknown> = { type: this.type, title: TITLES[this.type], status: this.status, detail: this.message };
    if (instance) body.instance = instance;
    if (this.errors && this.errors.length > 0) body.errors = this.errors.slice(0, 100);
    return body;
  }
}

/** One error entry with a JSON pointer (`#/header/…`, `#/query/…` for parameters). */
export function pointerError(pointer: string, code: string, en: string, vi: string): ProblemError {
  return { pointer, code, message: { vi, en } };
}
