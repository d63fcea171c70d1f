import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, parseBody } from './body-parsing.js';
import { HttpProblem } from './problem.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function problemOf(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpProblem) return e;
    throw e;
  }
  throw new Error('no problem thrown');
}

describe('parseBody', () => {
  it('parses JSON and forms by the expected media type', () => {
    expect(parseBody(bytes('{"a":1}'), 'application/json; charset=utf-8', 'application/json', true)).toEqual({ present: true, value: { a: 1 } });
    expect(parseBody(bytes('a=1&b=x+y'), 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', true).value).toEqual({ a: '1', b: 'x y' });
    expect(parseBody(undefined, undefined, 'application/json', false)).toEqual({ present: false, value: undefined });
  });

  it('answers 400, 413 and 415 problems', () => {
    expect(problemOf(() => parseBody(bytes('{'), 'application/json', 'application/json', true)).status).toBe(400);
    expect(problemOf(() => parseBody(undefined, 'application/json', 'application/json', true)).status).toBe(400);
    expect(problemOf(() => parseBody(bytes('{}'), 'text/plain', 'application/json', true)).status).toBe(415);
    expect(problemOf(() => parseBody(new Uint8Array(MAX_BODY_BYTES + 1), 'application/json', 'application/json', true)).status).toBe(413);
    expect(problemOf(() => parseBody(bytes('a=1&a=2'), 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', true)).message).toMatch(/more than once/);
  });
});
