import { issuesFromErrors, MAX_ISSUES } from './ajv-issues.js';
import type { CompiledValidator, OperationValidators } from './catalogue-types.js';
import { UnknownOperationError, UnknownSchemaError } from './errors.js';
import { alternatives, operations, patternHints, schemas } from './generated/catalogue.js';
import type { OperationId, SchemaName } from './generated/catalogue.js';
import type { ValidationIssue, ValidationResult } from './issues.js';
import { parseJson } from './json.js';
import type { ParseJsonOptions } from './json.js';

export type { OperationId, SchemaName };

const OK: ValidationResult = Object.freeze({ ok: true }) as ValidationResult;
const BODY_CONTEXT = Object.freeze({ hints: patternHints, alternatives });
const PARAMETER_CONTEXT = Object.freeze({ hints: patternHints });

function run(validate: CompiledValidator, value: unknown, prefix: string, into: ValidationIssue[]): void {
  if (!validate(value)) explain(validate, value, prefix, into);
}

/** Turns the errors of the validator's last (failed) run into issues. */
function explain(validate: CompiledValidator, value: unknown, prefix: string, into: ValidationIssue[]): void {
  // Copied: explaining a failed oneOf/anyOf runs other validators, which reuse `errors`.
  const errors = [...(validate.errors ?? [])];
  // Parameters are coerced by their own validators; alternatives are body validators.
  const context = prefix.startsWith('#/') ? PARAMETER_CONTEXT : BODY_CONTEXT;
  for (const i of issuesFromErrors(errors, value, prefix, context)) {
    if (into.length >= MAX_ISSUES) return;
    into.push(i);
  }
}

function result(issues: ValidationIssue[]): ValidationResult {
  return issues.length === 0 ? OK : { ok: false, errors: issues };
}

/**
 * Validates a value against a component schema of the spec, by name (`Dossier`, or
 * `agency-system#Dossier` where the two documents differ).
 *
 * @example
 * const r = validate('Dossier', body);
 * if (!r.ok) reply(422, toProblem(r.errors));
 */
export function validate(schemaName: SchemaName, value: unknown): ValidationResult {
  const entry = typeof schemaName === 'string' ? schemas[schemaName] : undefined;
  if (!entry) throw new UnknownSchemaError(schemaName);
  // The valid path allocates nothing.
  if (entry.validate(value)) return OK;
  const issues: ValidationIssue[] = [];
  explain(entry.validate, value, '', issues);
  return result(issues);
}

export type HeaderValues = Record<string, string | string[] | number | undefined> | Headers;
export type QueryValues = Record<string, string | string[] | undefined> | URLSearchParams;

export interface RequestParts {
  /** Path parameters by name (`{ MaHoSo: '…' }`). */
  params?: Record<string, string | undefined>;
  query?: QueryValues;
  /** Header names in any case. */
  headers?: HeaderValues;
  /** The parsed body (`undefined` when there is none). */
  body?: unknown;
  /** Or the body as received: parsed here with the size and key checks of `parseJson`. */
  rawBody?: string;
  /** Options for `rawBody`. */
  json?: ParseJsonOptions;
}

export interface ResponseParts {
  headers?: HeaderValues;
  body?: unknown;
}

function operation(operationId: OperationId): OperationValidators {
  const op = typeof operationId === 'string' ? operations[operationId] : undefined;
  if (!op) throw new UnknownOperationError(operationId);
  return op;
}

/** A fresh prototype-less object: the coercing validators write into it, never into the caller's. */
function bag(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

function headerBag(headers: HeaderValues | undefined): Record<string, unknown> {
  const out = bag();
  if (!headers) return out;
  const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
  for (const [k, v] of entries) if (v !== undefined) out[k.toLowerCase()] = typeof v === 'number' ? String(v) : v;
  return out;
}

function queryBag(query: QueryValues | undefined): Record<string, unknown> {
  const out = bag();
  if (!query) return out;
  if (query instanceof URLSearchParams) {
    for (const key of new Set(query.keys())) {
      const all = query.getAll(key);
      out[key] = all.length === 1 ? all[0] : all;
    }
  } else {
    for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

function formBag(body: unknown): unknown {
  if (typeof body === 'string') return queryBag(new URLSearchParams(body));
  if (body instanceof URLSearchParams) return queryBag(body);
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return Object.assign(bag(), body);
  return body;
}

/**
 * Validates a request to an operation: path parameters, query, headers and body, with
 * pointers `#/path/<name>`, `#/query/<name>`, `#/header/<name>` and JSON pointers into
 * the body. Parameters are strings on the wire and are read as the schema's type.
 */
export function validateRequest(operationId: OperationId, parts: RequestParts = {}): ValidationResult {
  const op = operation(operationId);
  const issues: ValidationIssue[] = [];
  if (op.path_) run(op.path_, Object.assign(bag(), parts.params), '#/path', issues);
  if (op.query) run(op.query, queryBag(parts.query), '#/query', issues);
  if (op.header) run(op.header, headerBag(parts.headers), '#/header', issues);
  let body = parts.body;
  // An empty body on the wire is no body (a GET, a DELETE), not invalid JSON.
  if (parts.rawBody === '') {
    body = undefined;
  } else if (parts.rawBody !== undefined && op.body?.mediaType !== 'application/x-www-form-urlencoded') {
    const parsed = parseJson(parts.rawBody, parts.json);
    if (!parsed.ok) return result([...issues, parsed.error]);
    body = parsed.value;
  } else if (parts.rawBody !== undefined) {
    body = parts.rawBody;
  }
  if (op.body) {
    if (body === undefined) {
      if (op.body.required) {
        issues.push({
          pointer: '',
          code: 'BODY_REQUIRED',
          message: { vi: 'Yêu cầu này phải có nội dung (body).', en: 'This request must have a body.' },
          expected: op.body.mediaType,
        });
      }
    } else {
      const value = op.body.mediaType === 'application/x-www-form-urlencoded' ? formBag(body) : body;
      run(op.body.validate, value, '', issues);
    }
  } else if (body !== undefined) {
    issues.push({
      pointer: '',
      code: 'BODY_NOT_ALLOWED',
      message: { vi: 'Yêu cầu này không có nội dung (body).', en: 'This request takes no body.' },
      expected: 'no body',
    });
  }
  return result(issues);
}

/**
 * Validates a response of an operation for a status code (falling back to `4XX` and
 * `default` as OpenAPI does): headers, and the body when the response has one.
 */
export function validateResponse(operationId: OperationId, status: number, parts: ResponseParts = {}): ValidationResult {
  const op = operation(operationId);
  const response = op.responses[String(status)] ?? op.responses[`${Math.floor(status / 100)}XX`] ?? op.responses.default;
  if (!response) {
    return result([
      {
        pointer: '',
        code: 'UNDOCUMENTED_STATUS',
        message: {
          vi: `Thao tác ${op.operationId} không có phản hồi ${status} trong đặc tả.`,
          en: `Operation ${op.operationId} has no documented ${status} response.`,
        },
        expected: Object.keys(op.responses).join(', '),
        received: String(status),
      },
    ]);
  }
  const issues: ValidationIssue[] = [];
  if (response.headers) run(response.headers, headerBag(parts.headers), '#/header', issues);
  if (response.body) {
    if (parts.body === undefined) {
      issues.push({
        pointer: '',
        code: 'BODY_REQUIRED',
        message: { vi: 'Phản hồi này phải có nội dung (body).', en: 'This response must have a body.' },
        expected: response.mediaType ?? 'a body',
      });
    } else {
      run(response.body, parts.body, '', issues);
    }
  }
  return result(issues);
}

/** The names of every component schema and operation the package validates. */
export function schemaNames(): SchemaName[] {
  return Object.keys(schemas) as SchemaName[];
}

export function operationIds(): OperationId[] {
  return Object.keys(operations) as OperationId[];
}
