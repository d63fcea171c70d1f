import { ValidationError } from './errors.js';

const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The RFC 8785 (JCS) form of a JSON body, written fast enough for 1,000-record batches: the same
 * text @dvc-kit/signature's `canonicalize` gives (members sorted by UTF-16 code units, ECMAScript
 * number and string forms), built in one pass. The client sends these exact bytes as the body of
 * a signed request, so the signature covers what travels and the body is serialised once.
 * Members whose value is `undefined` are left out, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  const path: Array<string | number> = [];
  return write(value, path);
}

function fail(path: Array<string | number>, what: string): never {
  const pointer = path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  throw new ValidationError('request', [{ pointer, code: 'json', message: { vi: `Giá trị không biểu diễn được bằng JSON chuẩn hóa: ${what}`, en: `value has no canonical JSON form: ${what}` } }]);
}

function write(value: unknown, path: Array<string | number>): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) fail(path, 'a lone UTF-16 surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) fail(path, String(value));
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return fail(path, `a ${typeof value}`);
  }
  if (value === null) return 'null';
  if (path.length > 1000) fail(path, 'nesting deeper than 1000 levels (a cycle?)');
  const maybe = value as { toJSON?: () => unknown };
  if (typeof maybe.toJSON === 'function') return write(maybe.toJSON(), path);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const item = value[i];
      out += (i > 0 ? ',' : '') + (item === undefined ? 'null' : write(item, path));
      path.pop();
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  // Array.prototype.sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 asks for.
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    path.push(key);
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + write(v, path);
    path.pop();
    first = false;
  }
  return out + '}';
}
