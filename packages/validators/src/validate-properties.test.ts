import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toProblem } from './problem.js';
import { operationIds, schemaNames, validate, validateRequest, validateResponse } from './validate.js';

const names = schemaNames();
const ops = operationIds();
// Values shaped like the wire format, with the odd hostile key, reach deep into the validators.
const value = fc.oneof(
  fc.anything({ withObjectString: true, withNullPrototype: true, maxDepth: 3 }),
  fc.dictionary(fc.constantFrom('MaHoSo', 'TrangThaiHoSo', 'items', 'error_code', 'service', '__proto__', 'a/b~c'), fc.anything({ maxDepth: 2 })),
);

describe('validators never throw on data', () => {
  it('validate, validateRequest, validateResponse and toProblem return results for any value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom(...ops), value, value, fc.integer({ min: 100, max: 599 }), (name, op, a, b, status) => {
        const r = validate(name, a);
        if (!r.ok) {
          expect(toProblem(r.errors).errors.length).toBeLessThanOrEqual(100);
          for (const e of r.errors) expect(e.pointer === '' || e.pointer.startsWith('/')).toBe(true);
        }
        const q = validateRequest(op, { params: a as never, query: b as never, headers: a as never, body: b });
        expect(typeof q.ok).toBe('boolean');
        const s = validateResponse(op, status, { headers: b as never, body: a });
        expect(typeof s.ok).toBe('boolean');
      }),
      // Each run validates against every kind of validator; 3,000 keeps the suite quick.
      { numRuns: 3_000 },
    );
  });
});
