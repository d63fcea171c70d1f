import type { CompiledError, CompiledValidator, PatternHint } from './catalogue-types.js';
import { isNamedFormat, namedFormats } from './formats.js';
import { escapePointerToken } from './issues.js';
import type { LocalizedText, ValidationIssue } from './issues.js';
import { sensitivityOf } from './personal-data.js';
import { describeReceived } from './redact.js';

/** At most this many issues are reported for one value (the Problem's `errors` limit). */
export const MAX_ISSUES = 100;

const TYPE_NAMES: Record<string, LocalizedText> = {
  string: { vi: 'chuỗi ký tự', en: 'a string' },
  integer: { vi: 'số nguyên', en: 'an integer' },
  number: { vi: 'số', en: 'a number' },
  boolean: { vi: 'true hoặc false', en: 'true or false' },
  object: { vi: 'đối tượng JSON', en: 'a JSON object' },
  array: { vi: 'mảng', en: 'an array' },
  null: { vi: 'null', en: 'null' },
};

const STANDARD_FORMATS: Record<string, LocalizedText & { example: string }> = {
  date: { vi: 'ngày dạng yyyy-mm-dd', en: 'a date yyyy-mm-dd', example: '2025-07-01' },
  'date-time': { vi: 'thời điểm ISO 8601 có múi giờ', en: 'an ISO 8601 date-time with an offset', example: '2023-10-27T08:30:00+07:00' },
  email: { vi: 'địa chỉ thư điện tử', en: 'an email address', example: 'ten@example.vn' },
  uri: { vi: 'địa chỉ URI đầy đủ', en: 'an absolute URI', example: 'https://dichvucong.gov.vn/' },
  uuid: { vi: 'UUID', en: 'a UUID', example: '5f0c1a6e-8d42-4c1b-9a57-2f8e3b9d6c10' },
};

const COMPARISONS: Record<string, LocalizedText> = {
  '>=': { vi: 'từ', en: 'at least' },
  '>': { vi: 'lớn hơn', en: 'greater than' },
  '<=': { vi: 'không quá', en: 'at most' },
  '<': { vi: 'nhỏ hơn', en: 'less than' },
};

/** How a location is named in messages: the wire field name, with the schema's title when it is one. */
/** What the named formats are called, for values that have no field name (the root, an item). */
const FORMAT_LABELS: Record<string, LocalizedText> = {
  'vn-citizen-id': { vi: 'Số định danh cá nhân', en: 'Citizen ID' },
  'vn-legacy-id': { vi: 'Số chứng minh nhân dân', en: 'Legacy ID card number' },
  'vn-tax-code': { vi: 'Mã số thuế', en: 'Tax code' },
  'vn-procedure-code': { vi: 'Mã thủ tục hành chính', en: 'Procedure code' },
  'vn-agency-code': { vi: 'Mã định danh cơ quan', en: 'Agency code' },
  'vn-dossier-code': { vi: 'Mã hồ sơ', en: 'Dossier code' },
  'vn-phone': { vi: 'Số điện thoại', en: 'Phone number' },
  'vn-portal-datetime': { vi: 'Thời điểm', en: 'Date-time' },
  'vn-portal-date': { vi: 'Ngày', en: 'Date' },
};

function labelOf(pointer: string, title: string | undefined, format?: unknown): LocalizedText {
  const token = pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  if (token === '' || /^\d+$/.test(token)) {
    const named = typeof format === 'string' ? FORMAT_LABELS[format] : undefined;
    if (named) return named;
    // Titles are Vietnamese: English says "the value".
    if (title) return { vi: title, en: token === '' ? 'The value' : `Item ${token}` };
    return token === '' ? { vi: 'Giá trị', en: 'The value' } : { vi: `Phần tử ${token}`, en: `Item ${token}` };
  }
  const withTitle = title && title !== token && title.includes(' ') ? ` (${title})` : '';
  return { vi: `Trường ${token}${withTitle}`, en: `Field ${token}` };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function list(values: unknown[]): string {
  const shown = values.slice(0, 12).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return shown.join(', ') + (values.length > 12 ? ', …' : '');
}

/** "1 to 10" when an enum is a run of consecutive integers (written as strings or numbers). */
function range(values: unknown[]): string | null {
  const nums = values.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v));
  if (nums.length < 3 || !nums.every((n) => Number.isInteger(n))) return null;
  const sorted = (nums as number[]).slice().sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]! + 1) return null;
  return `${sorted[0]}–${sorted[sorted.length - 1]}`;
}

function issue(
  pointer: string,
  code: string,
  vi: string,
  en: string,
  expected?: string,
  received?: string,
): ValidationIssue {
  const out: ValidationIssue = { pointer, code, message: { vi, en } };
  if (expected !== undefined) out.expected = expected;
  if (received !== undefined) out.received = received;
  return out;
}

/** Re-runs a named format's parser on the value to say exactly what is wrong with it. */
function namedFormatIssue(pointer: string, format: string, data: unknown): ValidationIssue | null {
  if (!isNamedFormat(format)) return null;
  const r = namedFormats[format].parse(data);
  if (r.ok) return null;
  return { ...r.error, pointer };
}

/** The value an error's instancePath points at (ajv escapes it as RFC 6901 says). */
function valueAt(root: unknown, path: string): unknown {
  if (path === '') return root;
  let cur = root;
  for (const raw of path.slice(1).split('/')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = Object.prototype.hasOwnProperty.call(cur, key) ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

function mapOne(e: CompiledError, prefix: string, root: unknown, hints: Record<string, PatternHint>): ValidationIssue {
  const p = e.params;
  const hint = e.keyword === 'pattern' && typeof p.pattern === 'string' ? hints[p.pattern] : undefined;
  const pointer = prefix + e.instancePath;
  const format = e.keyword === 'format' ? p.format : hint?.format;
  const sensitivity = sensitivityOf(format, pointer);
  const data = valueAt(root, e.instancePath);
  const received = () => describeReceived(data, sensitivity);
  const label = labelOf(pointer, hint?.title, format);
  switch (e.keyword) {
    case 'type': {
      const types = (Array.isArray(p.type) ? p.type : String(p.type).split(',')) as string[];
      const vi = types.map((t) => TYPE_NAMES[t]?.vi ?? t).join(' hoặc ');
      const en = types.map((t) => TYPE_NAMES[t]?.en ?? t).join(' or ');
      return issue(pointer, 'TYPE', `${label.vi} phải là ${vi}.`, `${label.en} must be ${en}.`, types.join(' | '), received());
    }
    case 'required': {
      const name = String(p.missingProperty);
      const at = `${pointer}/${escapePointerToken(name)}`;
      return issue(at, 'REQUIRED', `Thiếu trường bắt buộc ${name}.`, `Required field ${name} is missing.`, 'present', 'absent');
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(p.additionalProperty ?? p.unevaluatedProperty ?? '');
      const at = `${pointer}/${escapePointerToken(name)}`;
      const value =
        typeof data === 'object' && data !== null && Object.prototype.hasOwnProperty.call(data, name)
          ? (data as Record<string, unknown>)[name]
          : undefined;
      return issue(
        at,
        'UNKNOWN_FIELD',
        `Trường ${name.slice(0, 100)} không có trong đặc tả.`,
        `Field ${name.slice(0, 100)} is not defined by the standard.`,
        'no other fields',
        describeReceived(value, sensitivityOf(undefined, at)),
      );
    }
    case 'enum': {
      const values = (p.allowedValues as unknown[]) ?? [];
      const r = range(values);
      const vi = r ? `${label.vi} phải là một mã từ ${r.replace('–', ' đến ')}.` : `${label.vi} phải là một trong: ${list(values)}.`;
      const en = r ? `${label.en} must be a code from ${r.replace('–', ' to ')}.` : `${label.en} must be one of: ${list(values)}.`;
      return issue(pointer, 'ENUM', vi, en, r ?? list(values), received());
    }
    case 'const':
      return issue(
        pointer,
        'CONST',
        `${label.vi} phải bằng ${list([p.allowedValue])}.`,
        `${label.en} must be ${list([p.allowedValue])}.`,
        list([p.allowedValue]),
        received(),
      );
    case 'format': {
      const name = String(p.format);
      const precise = namedFormatIssue(pointer, name, data);
      if (precise) return precise;
      const f = STANDARD_FORMATS[name];
      return issue(
        pointer,
        'FORMAT',
        `${label.vi} phải là ${f?.vi ?? name}.`,
        `${label.en} must be ${f?.en ?? name}.`,
        f ? `${name}, e.g. ${f.example}` : name,
        received(),
      );
    }
    case 'pattern': {
      if (typeof format === 'string') {
        const precise = namedFormatIssue(pointer, format, data);
        if (precise) return precise;
      }
      const example = hint?.example;
      const exampleVi = example !== undefined ? `, ví dụ ${String(example)}` : '';
      const exampleEn = example !== undefined ? `, e.g. ${String(example)}` : '';
      // The identifier is valid but the wire wants a narrower form: for a phone number,
      // the one without separators; for a code, the standard's four groups.
      const canonical = typeof format === 'string';
      const separators = format === 'vn-phone';
      return issue(
        pointer,
        canonical ? 'NOT_CANONICAL' : 'PATTERN',
        separators
          ? `${label.vi} phải viết liền, không có ký tự phân cách${exampleVi}.`
          : canonical
            ? `${label.vi} phải viết ở dạng chuẩn mà đặc tả quy định${exampleVi}.`
            : `${label.vi} không đúng dạng quy định${exampleVi}.`,
        separators
          ? `${label.en} must be written without separators${exampleEn}.`
          : canonical
            ? `${label.en} must be written in the form the standard requires${exampleEn}.`
            : `${label.en} does not have the required form${exampleEn}.`,
        example !== undefined ? `like ${String(example)}` : `pattern ${String(p.pattern)}`,
        received(),
      );
    }
    case 'minLength':
    case 'maxLength': {
      const limit = Number(p.limit);
      const min = e.keyword === 'minLength';
      const len = typeof data === 'string' ? Array.from(data).length : undefined;
      return issue(
        pointer,
        min ? 'TOO_SHORT' : 'TOO_LONG',
        min ? `${label.vi} phải có ít nhất ${limit} ký tự.` : `${label.vi} dài quá ${limit} ký tự.`,
        min ? `${label.en} must have at least ${plural(limit, 'character')}.` : `${label.en} is longer than ${plural(limit, 'character')}.`,
        `${min ? 'at least' : 'at most'} ${plural(limit, 'character')}`,
        len === undefined ? received() : plural(len, 'character'),
      );
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const min = e.keyword.toLowerCase().includes('minimum');
      const cmp = String(p.comparison);
      const words = COMPARISONS[cmp] ?? { vi: cmp, en: cmp };
      return issue(
        pointer,
        min ? 'TOO_SMALL' : 'TOO_LARGE',
        `${label.vi} phải ${words.vi} ${String(p.limit)}.`,
        `${label.en} must be ${words.en} ${String(p.limit)}.`,
        `${cmp} ${String(p.limit)}`,
        received(),
      );
    }
    case 'minItems':
    case 'maxItems': {
      const min = e.keyword === 'minItems';
      const limit = Number(p.limit);
      return issue(
        pointer,
        min ? 'TOO_FEW_ITEMS' : 'TOO_MANY_ITEMS',
        min ? `${label.vi} phải có ít nhất ${limit} phần tử.` : `${label.vi} có quá ${limit} phần tử.`,
        min ? `${label.en} must have at least ${plural(limit, 'item')}.` : `${label.en} has more than ${plural(limit, 'item')}.`,
        `${min ? 'at least' : 'at most'} ${plural(limit, 'item')}`,
        received(),
      );
    }
    case 'uniqueItems':
      return issue(
        pointer,
        'DUPLICATE_ITEMS',
        `${label.vi} có phần tử ${String(p.j)} và ${String(p.i)} trùng nhau.`,
        `${label.en} has duplicate items ${String(p.j)} and ${String(p.i)}.`,
        'unique items',
      );
    case 'discriminator': {
      const tag = String(p.tag);
      return issue(
        `${pointer}/${escapePointerToken(tag)}`,
        'UNKNOWN_VARIANT',
        `Giá trị của trường ${tag} không thuộc các loại được hỗ trợ.`,
        `Field ${tag} does not name a supported variant.`,
        undefined,
        describeReceived(p.tagValue),
      );
    }
    case 'oneOf':
      if (Array.isArray(p.passingSchemas)) {
        return issue(
          pointer,
          'AMBIGUOUS_FORM',
          `${label.vi} khớp với nhiều hơn một dạng được phép.`,
          `${label.en} matches more than one of the allowed forms.`,
          'exactly one form',
          received(),
        );
      }
      return issue(
        pointer,
        'NO_MATCHING_FORM',
        `${label.vi} không khớp với dạng nào được phép.`,
        `${label.en} matches none of the allowed forms.`,
        undefined,
        received(),
      );
    case 'anyOf':
      return issue(
        pointer,
        'NO_MATCHING_FORM',
        `${label.vi} không khớp với dạng nào được phép.`,
        `${label.en} matches none of the allowed forms.`,
        undefined,
        received(),
      );
    case 'dependentRequired':
      return issue(
        `${pointer}/${escapePointerToken(String(p.missingProperty))}`,
        'REQUIRED',
        `Thiếu trường ${String(p.missingProperty)} (bắt buộc khi có ${String(p.property)}).`,
        `Field ${String(p.missingProperty)} is missing (required with ${String(p.property)}).`,
        'present',
      );
    default:
      return issue(
        pointer,
        'INVALID',
        `${label.vi} không hợp lệ.`,
        `${label.en} is not valid.`,
        undefined,
        received(),
      );
  }
}

/**
 * Turns ajv's errors into issues a person can act on. Errors from the alternatives of a
 * failed `oneOf`/`anyOf` are folded into that one issue (they are guesses, not facts),
 * and the list stops at MAX_ISSUES.
 */
/** Build-time knowledge the mapper uses to explain errors better. */
export interface IssueContext {
  /** Per `pattern`: its named format, title and an example. */
  hints?: Record<string, PatternHint>;
  /** Per `oneOf`/`anyOf` schemaPath: the validators of its alternatives (component branches). */
  alternatives?: Record<string, readonly (readonly CompiledValidator[])[]>;
}

const MAX_DEPTH = 4;

/**
 * When no alternative of a `oneOf`/`anyOf` matches, the errors of the closest one (the
 * fewest errors) say more than "matches none": a record result with a bad field is
 * reported as that field. Null when the alternatives are not known.
 */
function closestAlternative(e: CompiledError, data: unknown, context: IssueContext): CompiledError[] | null {
  const lists = context.alternatives?.[e.schemaPath];
  if (!lists || (e.keyword === 'oneOf' && Array.isArray(e.params.passingSchemas))) return null;
  let best: CompiledError[] | null = null;
  for (const list of lists) {
    for (const v of list) {
      if (v(data)) continue;
      const errs = [...(v.errors ?? [])];
      if (best === null || errs.length < best.length) best = errs;
    }
  }
  return best;
}

/**
 * Turns ajv's errors into issues a person can act on. Errors from the alternatives of a
 * failed `oneOf`/`anyOf` are replaced by those of the closest alternative when it is
 * known, else folded into one issue; the list stops at MAX_ISSUES.
 */
export function issuesFromErrors(
  errors: readonly CompiledError[],
  root: unknown,
  prefix = '',
  context: IssueContext = {},
  depth = 0,
): ValidationIssue[] {
  const hints = context.hints ?? {};
  const composite = new Set<string>();
  for (const e of errors) if (e.keyword === 'oneOf' || e.keyword === 'anyOf') composite.add(e.instancePath);
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  const add = (i: ValidationIssue) => {
    // `pattern`, `format` and a length limit often say the same thing about one value.
    const key = `${i.pointer}\u0000${i.code}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(i);
  };
  for (const e of errors) {
    // Some headroom: the filter below may still drop a few.
    if (out.length >= 2 * MAX_ISSUES) break;
    if (e.keyword === 'if') continue;
    const isComposite = e.keyword === 'oneOf' || e.keyword === 'anyOf';
    if (composite.size > 0 && !isComposite && underComposite(e.instancePath, composite)) continue;
    if (isComposite && depth < MAX_DEPTH) {
      const data = valueAt(root, e.instancePath);
      const closest = closestAlternative(e, data, context);
      if (closest) {
        for (const i of issuesFromErrors(closest, data, prefix + e.instancePath, context, depth + 1)) add(i);
        continue;
      }
    }
    add(mapOne(e, prefix, root, hints));
  }
  // Where an identifier's parser said exactly what is wrong, the schema's generic length
  // and pattern complaints about the same value add nothing.
  const precise = new Set(out.filter((i) => !SCHEMA_CODES.has(i.code)).map((i) => i.pointer));
  const kept = precise.size === 0 ? out : out.filter((i) => !(precise.has(i.pointer) && SHAPE_CODES.has(i.code)));
  return kept.length > MAX_ISSUES ? kept.slice(0, MAX_ISSUES) : kept;
}

/** Codes this mapper gives itself; any other code comes from an identifier parser. */
const SCHEMA_CODES = new Set([
  'TYPE', 'REQUIRED', 'UNKNOWN_FIELD', 'ENUM', 'CONST', 'FORMAT', 'PATTERN', 'NOT_CANONICAL', 'TOO_SHORT', 'TOO_LONG',
  'TOO_SMALL', 'TOO_LARGE', 'TOO_FEW_ITEMS', 'TOO_MANY_ITEMS', 'DUPLICATE_ITEMS', 'UNKNOWN_VARIANT', 'NO_MATCHING_FORM',
  'AMBIGUOUS_FORM', 'INVALID',
]);
const SHAPE_CODES = new Set(['TOO_SHORT', 'TOO_LONG', 'PATTERN', 'NOT_CANONICAL', 'FORMAT']);

function underComposite(path: string, composite: Set<string>): boolean {
  for (let p = path; ; p = p.slice(0, p.lastIndexOf('/'))) {
    if (composite.has(p)) return true;
    if (p === '') return false;
  }
}
