import { problemTypes } from '@dvc-kit/spec';
import type { ValidationIssue } from '@dvc-kit/validators';

/** Base class of every error the reference agency raises; `code` is stable. */
export class AgencyError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A missing or malformed environment variable of the onboarding contract. */
export class ConfigError extends AgencyError {
  readonly variable: string;
  constructor(variable: string, message: string, options?: { cause?: unknown }) {
    super('AGENCY_CONFIG_INVALID', `${variable}: ${message}`, options);
    this.variable = variable;
  }
}

/** Problem types of the standard (the `x-problem-types` table of the spec). */
export const PROBLEM = problemTypes;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: ValidationIssue[];
}

/** An error that answers the HTTP request as `application/problem+json`. */
export class HttpProblem extends AgencyError {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: ValidationIssue[] | undefined;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    type: string,
    title: string,
    detail: string,
    extra: { errors?: ValidationIssue[]; headers?: Record<string, string>; code?: string } = {},
  ) {
    super(extra.code ?? `AGENCY_HTTP_${status}`, detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }

  toBody(instance?: string): ProblemBody {
    const body: ProblemBody = { type: this.type, title: this.title, status: this.status, detail: this.detail };
    if (instance) body.instance = instance;
    if (this.errors) body.errors = this.errors;
    return body;
  }
}

export const problems = {
  notFound: (detail: string) => new HttpProblem(404, PROBLEM.notFound, 'Not found', detail, { code: 'AGENCY_NOT_FOUND' }),
  unauthorized: (detail: string, error = 'invalid_token') =>
    new HttpProblem(401, PROBLEM.unauthorized, 'Access token missing or invalid', detail, {
      code: 'AGENCY_UNAUTHORIZED',
      headers: { 'www-authenticate': `Bearer error="${error}", error_description="${detail.replace(/["\\]/g, "'")}"` },
    }),
  insufficientScope: (scope: string) =>
    new HttpProblem(403, PROBLEM.forbidden, 'Not allowed', `The access token lacks the scope ${scope}.`, {
      code: 'AGENCY_INSUFFICIENT_SCOPE',
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
    }),
  forbidden: (detail: string) => new HttpProblem(403, PROBLEM.forbidden, 'Not allowed', detail, { code: 'AGENCY_FORBIDDEN' }),
  signatureInvalid: (detail: string) =>
    new HttpProblem(403, PROBLEM.signatureInvalid, 'Message signature missing or invalid', detail, { code: 'AGENCY_SIGNATURE_INVALID' }),
  malformed: (detail: string, errors?: ValidationIssue[]) =>
    new HttpProblem(400, PROBLEM.malformed, 'Request is malformed', detail, { code: 'AGENCY_MALFORMED', ...(errors ? { errors } : {}) }),
  invalid: (detail: string, errors: ValidationIssue[]) =>
    new HttpProblem(422, PROBLEM.validation, 'Request failed validation', detail, { code: 'AGENCY_VALIDATION', errors }),
  illegalTransition: (detail: string) =>
    new HttpProblem(409, PROBLEM.illegalTransition, 'Illegal status transition', detail, { code: 'AGENCY_ILLEGAL_TRANSITION' }),
  conflict: (detail: string) => new HttpProblem(409, PROBLEM.conflict, 'Conflict', detail, { code: 'AGENCY_CONFLICT' }),
  keyReused: () =>
    new HttpProblem(422, PROBLEM.idempotencyKeyReused, 'Idempotency-Key reused with a different body', 'This Idempotency-Key was used before with a different request body; use a new key for a new request.', {
      code: 'AGENCY_IDEMPOTENCY_KEY_REUSED',
    }),
  unavailable: (detail: string, retryAfterSeconds = 5) =>
    new HttpProblem(503, PROBLEM.unavailable, 'Service unavailable', detail, {
      code: 'AGENCY_UNAVAILABLE',
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  internal: () => new HttpProblem(500, PROBLEM.internal, 'Internal error', 'An unexpected error occurred; it has been logged.', { code: 'AGENCY_INTERNAL' }),
};

/** One issue of the standard's shape, for checks made beyond the schema. */
export function issue(pointer: string, code: string, vi: string, en: string, extra: { expected?: string; received?: string } = {}): ValidationIssue {
  return { pointer, code, message: { vi, en }, ...extra };
}
