import { parseJson, toProblem, validateRequest, type OperationId, type ValidationIssue } from '@dvc-kit/validators';
import { HttpProblem, issue, problems } from './errors.js';
import type { RequestContext, Reply } from './http.js';
import type { IdempotencyStore } from './idempotency.js';
import { bodyFingerprint } from './idempotency.js';
import type { Mutant } from './mutants.js';

/** Parses the JSON body; 400 (or 413) problem when it is not JSON. */
export function jsonBody(ctx: RequestContext): unknown {
  const type = String(ctx.headers['content-type'] ?? '');
  if (ctx.rawBody === undefined) throw problems.malformed('This request needs a JSON body.', [issue('', 'BODY_REQUIRED', 'Yêu cầu này phải có nội dung (body).', 'This request must have a body.')]);
  if (type && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw problems.malformed(`Content-Type must be application/json, got ${type.slice(0, 100)}.`);
  }
  const parsed = parseJson(ctx.rawBody);
  if (!parsed.ok) {
    const p = toProblem([parsed.error]);
    throw new HttpProblem(p.status, p.type, p.title, p.detail, { errors: p.errors });
  }
  return parsed.value;
}

/** A JSON body that must say so: Content-Type application/json (or +json) is required; anything else is a 400. */
export function strictJsonBody(ctx: RequestContext): unknown {
  const type = String(ctx.headers['content-type'] ?? '');
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw problems.malformed(`Content-Type must be application/json, got ${type ? type.slice(0, 100) : 'none'}.`, [
      issue('#/header/content-type', 'CONTENT_TYPE', 'Nội dung phải là application/json.', 'The body must be application/json.', { expected: 'application/json', received: type.slice(0, 100) || 'absent' }),
    ]);
  }
  return jsonBody(ctx);
}

/**
 * Validates the request against the operation in the spec; 400 when only parameters are
 * wrong, 422 when the body is, with a pointer per issue (DVC-ERR-003).
 */
export function validateAgainstSpec(operationId: OperationId, ctx: RequestContext, body: unknown, mutant: Mutant): void {
  if (mutant.is('validation-skipped')) return;
  if (mutant.is('byte-length-limits') && body !== undefined) refuseByteLengths(operationId, body);
  const result = validateRequest(operationId, {
    params: ctx.params,
    query: ctx.query,
    headers: ctx.headers as Record<string, string | string[] | undefined>,
    ...(body !== undefined ? { body } : {}),
  });
  if (result.ok) return;
  // The unchecked-signature mutant also lets a missing X-DVC-Signature header through the schema.
  let errors = mutant.is('request-signature-unchecked') ? result.errors.filter((e) => !/^#\/header\/x-dvc-signature$/i.test(e.pointer)) : result.errors;
  if (mutant.is('validation-types-only')) errors = errors.filter((e) => e.pointer.startsWith('#/') || e.code === 'TYPE' || e.code === 'REQUIRED');
  if (errors.length) throwInvalid(errors);
}

/** The byte-length-limits mutant: lengths counted in UTF-8 bytes, as a VARCHAR(n BYTE) column would. */
function refuseByteLengths(operationId: OperationId, body: unknown): void {
  const asBytes = (v: unknown): unknown =>
    typeof v === 'string' ? 'x'.repeat(Buffer.byteLength(v, 'utf8')) : Array.isArray(v) ? v.map(asBytes) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asBytes(x)])) : v;
  const result = validateRequest(operationId, { body: asBytes(body) });
  const tooLong = result.ok ? [] : result.errors.filter((e) => e.code === 'TOO_LONG');
  if (tooLong.length) throwInvalid(tooLong);
}

export function throwInvalid(errors: ValidationIssue[]): never {
  const onlyParameters = errors.every((e) => /^#\/(path|query|header)\//.test(e.pointer));
  const p = toProblem(errors, { status: onlyParameters ? 400 : 422 });
  throw new HttpProblem(p.status, p.type, p.title, p.detail, { errors: p.errors });
}

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The Idempotency-Key header, which every data-writing POST must carry (DVC-IDEM-001). */
export function idempotencyKey(ctx: RequestContext): string {
  const raw = ctx.headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) {
    throw problems.malformed('The Idempotency-Key header is required on this request.', [
      issue('#/header/Idempotency-Key', 'IDEMPOTENCY_KEY_REQUIRED', 'Thiếu tiêu đề Idempotency-Key.', 'The Idempotency-Key header is missing.', { expected: '8–128 characters of A–Z a–z 0–9 _ . : -' }),
    ]);
  }
  if (!KEY.test(key)) {
    throw problems.malformed('The Idempotency-Key header is malformed.', [
      issue('#/header/Idempotency-Key', 'IDEMPOTENCY_KEY_FORMAT', 'Idempotency-Key phải gồm 8–128 ký tự A–Z a–z 0–9 _ . : -.', 'Idempotency-Key must be 8–128 characters of A–Z a–z 0–9 _ . : -.', { expected: '^[A-Za-z0-9_.:-]{8,128}$' }),
    ]);
  }
  return key;
}

/**
 * Runs an idempotent write: a repeat with the same key and body answers the stored reply;
 * `work` runs once, and its reply (success or a 4xx decided by the rules) is stored.
 * Authentication failures and 5xx are not stored, so a corrected retry can succeed.
 */
export async function idempotentWrite(
  store: IdempotencyStore,
  operation: string,
  key: string,
  body: unknown,
  work: (remember: (reply: Reply) => void) => Promise<Reply>,
): Promise<Reply> {
  const start = store.begin(operation, key, bodyFingerprint(body));
  if (start.kind === 'replay') {
    return { status: start.response.status, headers: { ...start.response.headers, 'idempotent-replayed': 'true' }, body: start.response.body, contentType: start.response.status >= 400 ? 'application/problem+json' : 'application/json' };
  }
  let stored = false;
  const remember = (reply: Reply) => {
    store.complete(operation, key, { status: reply.status, headers: reply.headers ?? {}, body: reply.body });
    stored = true;
  };
  try {
    const reply = await work(remember);
    if (!stored) remember(reply);
    return reply;
  } catch (error) {
    if (error instanceof HttpProblem && error.status >= 400 && error.status < 500 && ![401, 403, 409].includes(error.status)) {
      const body = error.toBody();
      store.complete(operation, key, { status: error.status, headers: error.headers, body });
    } else {
      store.abandon(operation, key);
    }
    throw error;
  }
}
