import { canonicalize } from '@dvc-kit/signature';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDossier } from '../test/fixtures.js';
import { canonicalJson } from './canonical-json.js';
import { ValidationError } from './errors.js';

describe('canonicalJson', () => {
  it('gives the same text as @dvc-kit/signature canonicalize for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3) and writes numbers as ECMAScript does', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, a: [1e21, -0, 0.1, true, null] })).toBe(
      '{"\\r":2,"1":4,"a":[1e+21,0,0.1,true,null],"€":1,"😀":3}',
    );
    const d = makeDossier(1);
    expect(canonicalJson({ items: [d] })).toBe(canonicalize({ items: [d] }));
  });

  it('leaves out undefined members as JSON.stringify does', () => {
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
  });

  it('refuses values without a canonical JSON form, naming where', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(ValidationError);
    const lone = (() => {
      try {
        return canonicalJson({ items: [{ TenTTHC: 'x\ud800' }] });
      } catch (e) {
        return e;
      }
    })();
    expect(lone).toBeInstanceOf(ValidationError);
    expect((lone as ValidationError).issues[0]!.pointer).toBe('/items/0/TenTTHC');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/deeper than 1000/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(ValidationError);
  });
});
