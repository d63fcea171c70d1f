import { HttpProblem, PROBLEM, pointerError } from './problem.js';

/** Bodies above this size are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Parses a request body by its declared content type; 400/413/415 problems on failure. */
export function parseBody(raw: Uint8Array | undefined, contentTypeHeader: string | undefined, expected: string, required: boolean): { present: boolean; value: unknown } {
  if (!raw || raw.length === 0) {
    if (required) throw new HttpProblem(PROBLEM.malformed, `A request body (${expected}) is required.`, { errors: [pointerError('', 'required', 'a body is required', 'Thiếu nội dung yêu cầu')] });
    return { present: false, value: undefined };
  }
  if (raw.length > MAX_BODY_BYTES) throw new HttpProblem(PROBLEM.payloadTooLarge, `The body has ${raw.length} bytes; the limit is ${MAX_BODY_BYTES}.`);
  const mediaType = (contentTypeHeader ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== expected && !(expected === 'application/json' && mediaType.endsWith('+json'))) {
    throw new HttpProblem(PROBLEM.malformed, `Content-Type must be ${expected}, got ${mediaType || 'none'}.`, {
      status: 415,
      errors: [pointerError('#/header/Content-Type', 'content-type', `must be ${expected}`, `Content-Type phải là ${expected}`)],
    });
  }
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  if (expected === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    const out: Record<string, string> = {};
    for (const [k, v] of form) {
      if (k in out) throw new HttpProblem(PROBLEM.malformed, `Form parameter ${k} appears more than once.`);
      out[k] = v;
    }
    return { present: true, value: out };
  }
  try {
    return { present: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    throw new HttpProblem(PROBLEM.malformed, `Body is not valid JSON: ${(e as Error).message}`, { errors: [pointerError('', 'json', 'must be valid JSON', 'Nội dung không phải JSON hợp lệ')] });
  }
}
