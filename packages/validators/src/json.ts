import { fail, ok } from './issues.js';
import type { ParseResult } from './issues.js';

/** Default limit on a JSON body: enough for a batch of 1,000 dossiers with their files listed. */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export interface ParseJsonOptions {
  /** Largest accepted body in bytes (UTF-8). */
  maxBytes?: number;
}

/** Keys that can reach an object's prototype when a parsed value is later merged or copied. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses an untrusted JSON body: refuses bodies over the size limit before parsing, and
 * bodies that use `__proto__`, `constructor` or `prototype` as a key (prototype
 * pollution when the value is merged later). Never throws.
 */
export function parseJson(text: unknown, options: ParseJsonOptions = {}): ParseResult<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (typeof text !== 'string') {
    return fail('BODY_NOT_TEXT', 'Nội dung yêu cầu phải là văn bản JSON.', 'The body must be JSON text.', {
      expected: 'JSON text',
      received: text === null ? 'null' : typeof text,
    });
  }
  // UTF-8 takes at least one byte per UTF-16 unit, so this bounds the work before counting exactly.
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) {
    return fail(
      'BODY_TOO_LARGE',
      `Nội dung yêu cầu vượt quá ${maxBytes} byte.`,
      `The body is larger than ${maxBytes} bytes.`,
      { expected: `at most ${maxBytes} bytes`, received: `${Buffer.byteLength(text, 'utf8')} bytes` },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.slice(0, 200) : 'unparseable';
    return fail('BODY_NOT_JSON', `Nội dung yêu cầu không phải JSON hợp lệ: ${why}`, `The body is not valid JSON: ${why}`, {
      expected: 'JSON (RFC 8259)',
    });
  }
  // Only walk the value when the text could contain such a key at all.
  if (text.includes('__proto__') || text.includes('constructor') || text.includes('prototype')) {
    const bad = findForbiddenKey(value, '');
    if (bad !== null) {
      return fail(
        'FORBIDDEN_KEY',
        'Nội dung yêu cầu dùng tên trường bị cấm (__proto__, constructor, prototype).',
        'The body uses a forbidden key (__proto__, constructor, prototype).',
        { expected: 'no __proto__, constructor or prototype keys', received: bad },
      );
    }
  }
  return ok(value);
}

function findForbiddenKey(value: unknown, pointer: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const r = findForbiddenKey(value[i], `${pointer}/${i}`);
      if (r !== null) return r;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `${pointer}/${key}`;
    const r = findForbiddenKey((value as Record<string, unknown>)[key], `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    if (r !== null) return r;
  }
  return null;
}
