/**
 * What compiled validators need at run time, in place of ajv's own runtime modules:
 * string length in code points, deep equality of JSON values, and the format checks.
 * Importing this loads neither ajv nor ajv-formats.
 */
import { formatDefinitions } from './formats.js';
import { standardFormats } from './standard-formats.js';

export { standardFormats };

/** Every format a compiled validator may name. */
export const formats: Record<string, unknown> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, unknown>, standardFormats, formatDefinitions),
);

/** Length in Unicode code points, as JSON Schema counts `minLength`/`maxLength`. */
export function ucs2length(str: string): number {
  const len = str.length;
  let length = 0;
  let pos = 0;
  while (pos < len) {
    length++;
    const value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      // A high surrogate followed by a low one is one code point.
      const next = str.charCodeAt(pos);
      if ((next & 0xfc00) === 0xdc00) pos++;
    }
  }
  return length;
}

/** Deep equality of JSON values (for `const`, `enum` of objects and `uniqueItems`). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a !== a && b !== b; // NaN
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
