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
      { numRuns: 5000 },
    );
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3) and writes numbers as ECMAScript does', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, a: [1e21, -0, 0.1, true, null] })).toBe(
      '{"\\r":2,"1":4,"a":[1e+21,0,0.1,true,null],"€":1,"😀":3}',
    );
    const d = makeDossier(1);
    expect(canonicalJson({ items: [d] })).toBe(canonicalize({ items: [d] }));
  });

  it('keeps RFC 8785 order for keys a JS object would reorder (array indexes, __proto__)', () => {
    const value = JSON.parse('{"b":1,"10":2,"9":3,"__proto__":4,"a":{"2":5,"11":6}}') as unknown;
    expect(canonicalJson(value)).toBe('{"10":2,"9":3,"__proto__":4,"a":{"11":6,"2":5},"b":1}');
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('does not confuse objects whose key lists look alike', () => {
    expect(canonicalJson([{}, { '': '' }])).toBe('[{},{"":""}]');
    const a = { 'a\u0000b': 1, c: 2 };
    const b = { a: 1, 'b\u0000c': 2 };
    expect([canonicalJson(a), canonicalJson(b)]).toEqual([canonicalize(a), canonicalize(b)]);
  });

  it('uses toJSON as JSON.stringify does', () => {
    const when = new Date('2025-07-01T01:00:00Z');
    expect(canonicalJson({ when, a: 1 })).toBe('{"a":1,"when":"2025-07-01T01:00:00.000Z"}');
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
