import { CanonicalizationError } from './errors.js';

/**
 * The RFC 8785 (JSON Canonicalization Scheme) form of a JSON value: object members
 * sorted by UTF-16 code units, no whitespace, numbers and strings serialised as
 * ECMAScript does. Input must be I-JSON: non-finite numbers, BigInt, functions,
 * symbols, lone surrogates and cycles are rejected rather than silently changed.
 *
 * @example
 * canonicalize({ b: 1, a: [true, null, 1e21] }); // '{"a":[true,null,1e+21],"b":1}'
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export function canonicalize(value: unknown): string {
  const out: string[] = [];
  write(value, out, new Set(), '$');
  return out.join('');
}

const LONE_SURROGATE = /\p{Surrogate}/u;
// String.prototype.isWellFormed (Node 20) is much faster than the regular expression on long strings.
const wellFormed = (s: string): boolean => {
  const f = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return f ? f.call(s) : !LONE_SURROGATE.test(s);
};

function write(value: unknown, out: string[], seen: Set<object>, path: string): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CanonicalizationError(`${path}: ${value} is not a JSON number; RFC 8785 accepts finite numbers only`);
      }
      // JSON.stringify uses Number.prototype.toString, which is what RFC 8785 §3.2.2.3 requires (and turns -0 into 0).
      out.push(JSON.stringify(value));
      return;
    case 'string':
      if (!wellFormed(value)) {
        throw new CanonicalizationError(`${path}: string contains a lone UTF-16 surrogate, which I-JSON (RFC 7493) forbids`);
      }
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new CanonicalizationError(`${path}: a ${typeof value} has no JSON form; expected null, boolean, number, string, array or object`);
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    write((obj as { toJSON(): unknown }).toJSON(), out, seen, path);
    return;
  }
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) {
    throw new CanonicalizationError(`${path}: binary data has no JSON form; pass bytes to signMessage directly instead of inside an object`);
  }
  if (seen.has(obj)) throw new CanonicalizationError(`${path}: circular reference`);
  seen.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    obj.forEach((item, i) => {
      if (i > 0) out.push(',');
      // Like JSON.stringify: undefined in an array becomes null.
      write(item === undefined ? null : item, out, seen, `${path}[${i}]`);
    });
    out.push(']');
  } else {
    const keys = Object.keys(obj)
      .filter((k) => (obj as Record<string, unknown>)[k] !== undefined)
      .sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      if (!wellFormed(key)) {
        throw new CanonicalizationError(`${path}: property name contains a lone UTF-16 surrogate`);
      }
      out.push(JSON.stringify(key), ':');
      write((obj as Record<string, unknown>)[key], out, seen, `${path}.${key}`);
    });
    out.push('}');
  }
  seen.delete(obj);
}
