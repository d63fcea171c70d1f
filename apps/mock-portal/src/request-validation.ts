/**
 * Request validation against the bundled OpenAPI document. Validators are compiled with
 * ajv on first use of each operation and kept; `@dvc-kit/validators` supplies the
 * Vietnamese formats. (When its ahead-of-time `validateRequest` is published, this module
 * is the one place to switch.)
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { addVietnameseFormats } from '@dvc-kit/validators';
import { nationalPortalDocument, type OperationInfo, type ProblemError } from '@dvc-kit/spec';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const BASE = 'https://dvc-kit.dev/mock-portal/national-portal.json';

type Json = Record<string, unknown>;

function rebase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebase);
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out[k] = BASE + v;
    else if (k === 'example' || k === 'examples') continue;
    else out[k] = rebase(v);
  }
  return out;
}

function makeAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true, coerceTypes: coerce, useDefaults: false, validateSchema: false });
  addFormats(ajv);
  addVietnameseFormats(ajv);
  ajv.addKeyword({ keyword: 'x-enum-varnames' });
  ajv.addSchema({ $id: BASE, components: rebase(nationalPortalDocument.components) } as Json);
  return ajv;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

function resolveParameter(p: unknown): Parameter {
  const ref = (p as { $ref?: string }).$ref;
  if (ref) {
    const key = ref.split('/').pop()!;
    return (nationalPortalDocument.components.parameters as Record<string, Parameter>)[key]!;
  }
  return p as Parameter;
}

export interface CompiledOperation {
  path: ValidateFunction | undefined;
  query: ValidateFunction | undefined;
  header: ValidateFunction | undefined;
  body: ValidateFunction | undefined;
  bodyRequired: boolean;
  contentType: string | undefined;
  queryNames: string[];
  headerNames: string[];
}

/** The compiled validators of every national-portal operation, built lazily. */
export class RequestValidator {
  private readonly bodyAjv = makeAjv(false);
  private readonly paramAjv = makeAjv(true);
  private readonly compiled = new Map<string, CompiledOperation>();

  forOperation(op: OperationInfo): CompiledOperation {
    const cached = this.compiled.get(op.operationId);
    if (cached) return cached;
    const pathItem = (nationalPortalDocument.paths as Record<string, Json>)[op.path] ?? {};
    const params = [...((pathItem.parameters as unknown[]) ?? []), ...((op.operation.parameters as unknown[]) ?? [])].map(resolveParameter);
    const group = (where: Parameter['in'], lower: boolean) => {
      const list = params.filter((p) => p.in === where);
      if (list.length === 0) return { fn: undefined, names: [] as string[] };
      const properties: Json = {};
      const required: string[] = [];
      for (const p of list) {
        const name = lower ? p.name.toLowerCase() : p.name;
        properties[name] = rebase(p.schema ?? {});
        if (p.required) required.push(name);
      }
      return { fn: this.paramAjv.compile({ type: 'object', properties, required }), names: list.map((p) => (lower ? p.name.toLowerCase() : p.name)) };
    };
    const requestBody = op.operation.requestBody as { required?: boolean; content?: Record<string, { schema?: Json }> } | undefined;
    const [contentType, media] = Object.entries(requestBody?.content ?? {})[0] ?? [];
    const query = group('query', false);
    const header = group('header', true);
    const result: CompiledOperation = {
      path: group('path', false).fn,
      query: query.fn,
      header: header.fn,
      body: media?.schema ? this.bodyAjv.compile(rebase(media.schema) as Json) : undefined,
      bodyRequired: requestBody?.required === true,
      contentType,
      queryNames: query.names,
      headerNames: header.names,
    };
    this.compiled.set(op.operationId, result);
    return result;
  }

  /** Compiles one component schema by name (for the dvcqg services' items). */
  schema(name: string): ValidateFunction {
    const key = `#schema:${name}`;
    let fn = this.schemas.get(key);
    if (!fn) {
      fn = this.bodyAjv.compile({ $ref: `${BASE}#/components/schemas/${name}` });
      this.schemas.set(key, fn);
    }
    return fn;
  }
  private readonly schemas = new Map<string, ValidateFunction>();
}

const MESSAGES: Record<string, (e: ErrorObject) => { en: string; vi: string }> = {
  required: (e) => ({ en: `"${String(e.params.missingProperty)}" is required`, vi: `Thiếu trường bắt buộc "${String(e.params.missingProperty)}"` }),
  additionalProperties: (e) => ({ en: `"${String(e.params.additionalProperty)}" is not a known field`, vi: `Trường "${String(e.params.additionalProperty)}" không được định nghĩa` }),
  type: (e) => ({ en: `must be of type ${String(e.params.type)}`, vi: `Phải có kiểu ${String(e.params.type)}` }),
  enum: (e) => ({ en: `must be one of ${JSON.stringify(e.params.allowedValues)}`, vi: `Phải là một trong các giá trị ${JSON.stringify(e.params.allowedValues)}` }),
  const: (e) => ({ en: `must be ${JSON.stringify(e.params.allowedValue)}`, vi: `Phải bằng ${JSON.stringify(e.params.allowedValue)}` }),
  format: (e) => ({ en: `does not match the format "${String(e.params.format)}"`, vi: `Không đúng định dạng "${String(e.params.format)}"` }),
  pattern: (e) => ({ en: `does not match the pattern ${String(e.params.pattern)}`, vi: `Không đúng mẫu ${String(e.params.pattern)}` }),
  maxLength: (e) => ({ en: `must be at most ${String(e.params.limit)} characters`, vi: `Dài tối đa ${String(e.params.limit)} ký tự` }),
  minLength: (e) => ({ en: `must be at least ${String(e.params.limit)} characters`, vi: `Dài tối thiểu ${String(e.params.limit)} ký tự` }),
  maxItems: (e) => ({ en: `must have at most ${String(e.params.limit)} items`, vi: `Tối đa ${String(e.params.limit)} phần tử` }),
  minItems: (e) => ({ en: `must have at least ${String(e.params.limit)} items`, vi: `Tối thiểu ${String(e.params.limit)} phần tử` }),
  minimum: (e) => ({ en: `must be ≥ ${String(e.params.limit)}`, vi: `Phải ≥ ${String(e.params.limit)}` }),
  maximum: (e) => ({ en: `must be ≤ ${String(e.params.limit)}`, vi: `Phải ≤ ${String(e.params.limit)}` }),
};

/** ajv errors as the standard's problem errors, with JSON pointers under `prefix`. */
export function toProblemErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): ProblemError[] {
  const out: ProblemError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    // Branch failures of oneOf/anyOf repeat what the branch errors already say.
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if' || e.keyword === 'discriminator' && out.length > 0) continue;
    let pointer = prefix + e.instancePath;
    if (e.keyword === 'required') pointer += `/${String(e.params.missingProperty)}`;
    if (e.keyword === 'additionalProperties') pointer += `/${String(e.params.additionalProperty)}`;
    const key = `${pointer}|${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const message = MESSAGES[e.keyword]?.(e) ?? { en: e.message ?? 'is invalid', vi: 'Giá trị không hợp lệ' };
    const entry: ProblemError = { pointer, code: e.keyword, message };
    if (e.keyword === 'format' || e.keyword === 'pattern') entry.expected = String(e.params.format ?? e.params.pattern);
    out.push(entry);
    if (out.length >= 100) break;
  }
  return out;
}
