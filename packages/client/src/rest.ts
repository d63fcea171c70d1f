import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { classifyRest, type Engine } from './engine.js';
import { ConfigError, ValidationError } from './errors.js';
import { isRetrySafe, type RuntimeOperation } from './operations.js';
import type { ApiResponse, CallOptions } from './types.js';

/** The untyped shape of every operation input (the typed one is `OperationInput`). */
export interface LooseInput extends CallOptions {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
}

/** `/v1/dossiers/{MaHoSo}` with `{ MaHoSo }` → `/v1/dossiers/000.00.06.H56-231027-0361` (each value percent-encoded). */
export function expandPath(op: RuntimeOperation, params: Record<string, unknown> | undefined): string {
  if (op.pathParams.length === 0) return op.path;
  let out = op.path;
  for (const name of op.pathParams) {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') {
      throw new ConfigError(`${op.operationId} needs the path parameter ${name}`);
    }
    out = out.replace(`{${name}}`, encodeURIComponent(String(value)));
  }
  return out;
}

/** `?a=1&b=x&b=y` from a query object; undefined values are left out, arrays repeat the name. */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function serializerFor(contentType: string | undefined): (body: unknown) => string {
  if (contentType === 'application/x-www-form-urlencoded') {
    return (body) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (v !== undefined && v !== null) params.append(k, String(v));
      return params.toString();
    };
  }
  return (body) => JSON.stringify(body);
}

/** Sends a rest-binding operation: path and query, idempotency key, signature, auth, validation, retries. */
export async function sendRest(engine: Engine, op: RuntimeOperation, input: LooseInput = {}): Promise<ApiResponse<unknown>> {
  const requestId = engine.newRequestId(input.requestId);
  const headers = engine.baseHeaders(requestId);
  if (input.headers) {
    for (const [name, value] of Object.entries(input.headers)) if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  const hasBody = op.requestContentType !== undefined;
  if (hasBody) {
    if (input.body === undefined) throw new ConfigError(`${op.operationId} needs a body`);
    headers['content-type'] = op.requestContentType!;
  }
  // One key per logical operation, the same on every retry: that is what makes the retry safe.
  let idempotencyKey: string | undefined;
  if (op.idempotencyKey || input.idempotencyKey) {
    idempotencyKey = input.idempotencyKey ?? randomUUID();
    headers['idempotency-key'] = idempotencyKey;
  }
  // With a key, the body travels in the JCS form that was signed, serialised once.
  let signedText: string | undefined;
  if (op.signed) {
    const signer = engine.signer;
    if (!signer) throw new ConfigError(`${op.operationId} must carry X-DVC-Signature: pass signer (a function or { privateKey, certificates })`);
    if (signer.signCanonical && op.requestContentType === 'application/json') {
      const signed = await signer.signCanonical(input.body);
      signedText = signed.text;
      headers['x-dvc-signature'] = signed.jws;
    } else headers['x-dvc-signature'] = await signer(input.body);
  }
  const path = expandPath(op, input.path) + queryString(input.query);
  const body = input.body;
  return engine.run({
    operationId: op.operationId,
    method: op.method as Dispatcher.HttpMethod,
    path,
    headers,
    body: hasBody ? () => body : undefined,
    serialize: signedText !== undefined ? () => signedText! : serializerFor(op.requestContentType),
    auth: op.security,
    accessToken: input.accessToken,
    ...(op.security === 'session' ? { session: { cookie: op.sessionCookie, value: input.session } } : {}),
    retrySafe: isRetrySafe(op.method, idempotencyKey !== undefined, op.startsSession),
    requestId,
    signal: input.signal,
    timeoutMs: input.timeoutMs,
    classify: classifyRest,
    ...(engine.validateMode === 'off'
      ? {}
      : {
          beforeFirstSend: async (value, sentHeaders) => {
            const validator = await engine.validator();
            const { authorization: _omitted, cookie: _session, ...visible } = sentHeaders;
            const result = validator.validateRequest(op.operationId, {
              params: stringValues(input.path),
              query: stringValues(input.query),
              headers: visible,
              body: value,
            });
            if (!result.ok) throw new ValidationError('request', result.errors);
          },
        }),
    ...(engine.validateMode === 'all'
      ? {
          afterSuccess: async (status, resHeaders, data, summary) => {
            const validator = await engine.validator();
            const result = validator.validateResponse(op.operationId, status, { headers: resHeaders, body: data });
            if (!result.ok) throw new ValidationError('response', result.errors, summary());
          },
        }
      : {}),
  });
}

/** Query values as they travel (strings), for validators that coerce them as a server would. */
function stringValues(query: Record<string, unknown> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null) continue;
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}
