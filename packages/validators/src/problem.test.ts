import { describe, expect, it } from 'vitest';
import { parseJson } from './json.js';
import { toProblem } from './problem.js';
import { validate, validateRequest, validateResponse } from './validate.js';

describe('toProblem', () => {
  it('builds a 422 problem+json body the spec accepts', () => {
    const r = validate('Dossier', { MaHoSo: 'x' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const problem = toProblem(r.errors, { instance: 'req_1' });
    expect(problem).toMatchObject({ type: 'https://dvc-kit.dev/problems/validation', status: 422, instance: 'req_1' });
    expect(problem.errors.length).toBe(r.errors.length);
    expect(validate('Problem', problem)).toEqual({ ok: true });
    expect(validateResponse('upsertDossier', 422, { body: problem })).toEqual({ ok: true });
  });

  it('uses 400 for a body that cannot be read and 413 for one too large', () => {
    const notJson = parseJson('{"a":');
    expect(!notJson.ok && toProblem([notJson.error]).status).toBe(400);
    const big = parseJson('[1,2,3]', { maxBytes: 3 });
    const p = !big.ok ? toProblem([big.error]) : null;
    expect(p?.status).toBe(413);
    expect(p?.type).toBe('https://dvc-kit.dev/problems/payload-too-large');
  });

  it('uses 400 when only parameters are wrong', () => {
    const r = validateRequest('listDossiers', { query: { limit: '0' } });
    expect(!r.ok && toProblem(r.errors)).toMatchObject({ status: 400, type: 'https://dvc-kit.dev/problems/malformed-request' });
    expect(!r.ok && toProblem(r.errors, { status: 422 }).status).toBe(422);
  });

  it('keeps within the Problem schema limits', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      pointer: `/${i}`,
      code: 'TYPE',
      message: { vi: 'x'.repeat(5000), en: 'y' },
    }));
    const problem = toProblem(many);
    expect(problem.errors.length).toBe(100);
    expect(problem.errors[0]!.message.vi.length).toBeLessThanOrEqual(1000);
    expect(validate('Problem', problem)).toEqual({ ok: true });
  });
});

describe('parseJson', () => {
  it('refuses prototype keys anywhere', () => {
    const r = parseJson('{"a":[{"b":{"__proto__":{"x":1}}}]}');
    expect(!r.ok && r.error).toMatchObject({ code: 'FORBIDDEN_KEY', received: '/a/0/b/__proto__' });
    expect(parseJson('{"constructor":{"prototype":{}}}').ok).toBe(false);
    expect(parseJson('{"text":"__proto__ in a value is fine"}').ok).toBe(true);
  });

  it('never throws', () => {
    for (const x of [undefined, null, 1, {}, '', '{', '\u0000', 'x'.repeat(10)]) {
      const r = parseJson(x);
      expect(typeof r.ok).toBe('boolean');
    }
  });
});
