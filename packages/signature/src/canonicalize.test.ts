import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalize } from './canonicalize.js';
import { CanonicalizationError } from './errors.js';

describe('canonicalize (RFC 8785)', () => {
  it('matches the RFC 8785 §3.2.2 sample', () => {
    const input = {
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts property names by UTF-16 code units (RFC 8785 §3.2.3 sample)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Object.keys would reorder integer-like keys, so read the order from the text.
    const keys = [...canonicalize(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('serialises numbers the ECMAScript way', () => {
    expect(canonicalize([-0, 1e21, 1e-7, 123456789012345680000, 0.1 + 0.2])).toBe(
      '[0,1e+21,1e-7,123456789012345680000,0.30000000000000004]',
    );
  });

  it('keeps Vietnamese text as UTF-8 characters, not escapes', () => {
    expect(canonicalize({ ChuHoSo: 'Nguyễn Thị Hoà' })).toBe('{"ChuHoSo":"Nguyễn Thị Hoà"}');
  });

  it('drops undefined members and uses toJSON like JSON.stringify', () => {
    expect(canonicalize({ a: undefined, d: new Date(Date.UTC(2024, 0, 2)) })).toBe('{"d":"2024-01-02T00:00:00.000Z"}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['BigInt', 1n],
    ['function', () => 1],
    ['lone surrogate', '\ud800'],
    ['bytes', new Uint8Array(2)],
  ])('rejects %s with ERR_SIGNATURE_CANONICALIZATION', (_name, value) => {
    expect(() => canonicalize({ x: value })).toThrow(CanonicalizationError);
    try {
      canonicalize({ x: value });
    } catch (e) {
      expect((e as CanonicalizationError).code).toBe('ERR_SIGNATURE_CANONICALIZATION');
      expect((e as Error).message).toContain('$.x');
    }
  });

  it('gives the same text on the fast path and on the strict writer', () => {
    // A toJSON member sends the whole value down the strict writer.
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalize({ w: { toJSON: () => v } })).toBe(canonicalize({ w: v }));
      }),
      { numRuns: 3000 },
    );
    const keys = JSON.parse('{"b":1,"10":2,"9":3,"__proto__":4,"a":{"2":5,"11":6}}') as unknown;
    expect(canonicalize(keys)).toBe('{"10":2,"9":3,"__proto__":4,"a":{"11":6,"2":5},"b":1}');
    expect(canonicalize([{}, { '': '' }])).toBe('[{},{"":""}]');
  });

  it('names the offending member with a JSON pointer', () => {
    try {
      canonicalize({ items: [{ 'Ten/TTHC': 'x\ud800' }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CanonicalizationError);
      expect((e as CanonicalizationError).pointer).toBe('/items/0/Ten~1TTHC');
      expect((e as Error).message).toContain('$.items[0].Ten/TTHC');
    }
  });

  it('rejects cycles', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalize(a)).toThrow(/circular/);
  });

  it('is a fixed point of JSON.parse for any JSON value, and independent of key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalize(v);
        expect(canonicalize(JSON.parse(c))).toBe(c);
        expect(JSON.parse(c)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});
