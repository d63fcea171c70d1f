/**
 * Reads a bundled OpenAPI 3.1 document into what the compiler needs: each component
 * schema as its own JSON Schema 2020-12 resource, and per operation the schemas of its
 * parameters, request body and responses, all with references made absolute.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface DocumentInput {
  /** Short name used in ids and export names (`national-portal`). */
  name: string;
  doc: JsonObject;
}

export interface ResponseSchemas {
  body?: { mediaType: string; schema: JsonObject };
  headers?: JsonObject;
}

export interface OperationSchemas {
  document: string;
  operationId: string;
  method: string;
  path: string;
  params: Partial<Record<'path' | 'query' | 'header' | 'cookie', JsonObject>>;
  body?: { required: boolean; mediaType: string; schema: JsonObject };
  responses: Record<string, ResponseSchemas>;
}

const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_KEYWORDS = [
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contentSchema',
];
/** OpenAPI-only or documentation keywords that JSON Schema validators do not know. */
const DROPPED = new Set(['example', 'xml', 'externalDocs', 'description', '$comment']);
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export class SpecError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SpecError';
    this.code = code;
  }
}

/** Maps a component name to the `$id` of the schema a reference to it should reach. */
export type RefTarget = (component: string) => string;

/** Each component is its own schema resource, so it is compiled once however many places use it. */
export function componentId(document: string, name: string): string {
  return `https://dvc-kit.dev/openapi/${document}/${encodeURIComponent(name)}.json`;
}

function isObject(x: unknown): x is JsonObject {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A copy of a schema with references made absolute, documentation and vendor keywords
 * dropped (titles and examples stay: errors quote them), and remote references refused.
 */
export function cleanSchema(schema: Json, refTarget: RefTarget, where: string): Json {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref') {
      if (typeof value !== 'string' || !value.startsWith('#/')) {
        throw new SpecError('REMOTE_REF', `${where}: only local references are allowed, found ${JSON.stringify(value)}`);
      }
      const m = /^#\/components\/schemas\/([^/]+)$/.exec(value);
      if (!m) throw new SpecError('BAD_REF', `${where}: a schema may only reference #/components/schemas/*, found ${value}`);
      out.$ref = refTarget(decodeURIComponent(m[1]!.replace(/~1/g, '/').replace(/~0/g, '~')));
    } else if (key === 'discriminator' && isObject(value)) {
      // ajv implements discriminator without `mapping`; the branches' `const` says the same.
      out.discriminator = { propertyName: value.propertyName ?? null };
    } else if (key === 'examples' && Array.isArray(value)) {
      out.examples = value.slice(0, 1).filter((v) => typeof v !== 'object' || v === null);
      if ((out.examples as Json[]).length === 0) delete out.examples;
    } else if (SCHEMA_MAP_KEYWORDS.includes(key) && isObject(value)) {
      const map: JsonObject = {};
      for (const [k, v] of Object.entries(value)) map[k] = cleanSchema(v, refTarget, `${where}/${key}/${k}`);
      out[key] = map;
    } else if (SCHEMA_ARRAY_KEYWORDS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((v, i) => cleanSchema(v, refTarget, `${where}/${key}/${i}`));
    } else if (SCHEMA_KEYWORDS.includes(key)) {
      out[key] = cleanSchema(value, refTarget, `${where}/${key}`);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Follows `$ref`s between OpenAPI objects (parameters, responses, headers, request bodies). */
function deref(doc: JsonObject, x: Json, where: string): JsonObject {
  let cur = x;
  for (let hops = 0; isObject(cur) && typeof cur.$ref === 'string'; hops++) {
    if (hops > 20) throw new SpecError('REF_LOOP', `${where}: reference loop`);
    const ref = cur.$ref;
    if (!ref.startsWith('#/')) throw new SpecError('REMOTE_REF', `${where}: only local references are allowed, found ${ref}`);
    let target: Json = doc;
    for (const raw of ref.slice(2).split('/')) {
      const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObject(target) && Object.prototype.hasOwnProperty.call(target, token) ? target[token]! : null;
    }
    if (target === null) throw new SpecError('BAD_REF', `${where}: ${ref} does not exist`);
    cur = target;
  }
  if (!isObject(cur)) throw new SpecError('BAD_OBJECT', `${where}: expected an object`);
  return cur;
}

export interface ComponentSchema {
  name: string;
  id: string;
  schema: JsonObject;
}

/** A document's ref resolver: shared components resolve to the document that owns them. */
export function refTargetFor(document: string, sharedWith: Map<string, string>): RefTarget {
  return (name) => componentId(sharedWith.get(name) ?? document, name);
}

/**
 * The component schemas a document owns, each with its own `$id`. Components in
 * `sharedWith` are identical to another document's and are left to that document.
 */
export function componentSchemas(input: DocumentInput, sharedWith: Map<string, string> = new Map()): ComponentSchema[] {
  const target = refTargetFor(input.name, sharedWith);
  const out: ComponentSchema[] = [];
  for (const [name, s] of Object.entries(rawComponents(input))) {
    if (sharedWith.has(name)) continue;
    const id = componentId(input.name, name);
    const schema = cleanSchema(s, target, `${input.name}#/components/schemas/${name}`) as JsonObject;
    out.push({ name, id, schema: { $id: id, ...schema } });
  }
  return out;
}

function rawComponents(input: DocumentInput): JsonObject {
  const schemas = (input.doc.components as JsonObject | undefined)?.schemas;
  return isObject(schemas) ? schemas : {};
}

function componentRefs(schema: Json, into: Set<string>): Set<string> {
  if (Array.isArray(schema)) for (const x of schema) componentRefs(x, into);
  else if (isObject(schema)) {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) into.add(v.slice(21));
      else componentRefs(v, into);
    }
  }
  return into;
}

/**
 * The components of `later` that are identical to `first`'s, along with everything they
 * reference (a schema is only the same if what it points at is the same too).
 */
export function sharedComponents(first: DocumentInput, later: DocumentInput): Set<string> {
  const a = rawComponents(first);
  const b = rawComponents(later);
  const shared = new Set(
    Object.keys(b).filter((k) => Object.prototype.hasOwnProperty.call(a, k) && JSON.stringify(a[k]) === JSON.stringify(b[k])),
  );
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of shared) {
      for (const ref of componentRefs(b[name]!, new Set())) {
        if (!shared.has(ref)) {
          shared.delete(name);
          changed = true;
          break;
        }
      }
    }
  }
  return shared;
}

export function componentNames(input: DocumentInput): string[] {
  const schemas = (input.doc.components as JsonObject | undefined)?.schemas;
  return isObject(schemas) ? Object.keys(schemas) : [];
}

function jsonMediaType(content: JsonObject): string | undefined {
  const types = Object.keys(content);
  return (
    types.find((t) => t === 'application/json') ??
    types.find((t) => /^application\/([a-z0-9.+-]+\+)?json$/.test(t)) ??
    types.find((t) => t === 'application/x-www-form-urlencoded')
  );
}

/** Every operation's schemas, parameters grouped by location (header names lower-cased). */
export function operationSchemas(input: DocumentInput, refTarget: RefTarget): OperationSchemas[] {
  const { doc, name } = input;
  const out: OperationSchemas[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem, `${name} ${path}`);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const where = `${name} ${method.toUpperCase()} ${path}`;
      if (typeof op.operationId !== 'string') throw new SpecError('NO_OPERATION_ID', `${where}: no operationId`);
      const byKey = new Map<string, JsonObject>();
      for (const list of [item.parameters, op.parameters]) {
        if (!Array.isArray(list)) continue;
        for (const p of list) {
          const param = deref(doc, p, where);
          byKey.set(`${String(param.in)}:${String(param.name)}`, param);
        }
      }
      const params: OperationSchemas['params'] = {};
      for (const param of byKey.values()) {
        const loc = param.in as 'path' | 'query' | 'header' | 'cookie';
        const pname = loc === 'header' ? String(param.name).toLowerCase() : String(param.name);
        const group = (params[loc] ??= { type: 'object', properties: {}, required: [] });
        (group.properties as JsonObject)[pname] = cleanSchema(param.schema ?? {}, refTarget, `${where} ${loc} ${pname}`);
        if (param.required === true || loc === 'path') (group.required as Json[]).push(pname);
      }
      const result: OperationSchemas = { document: name, operationId: op.operationId, method, path, params, responses: {} };
      if (op.requestBody !== undefined) {
        const rb = deref(doc, op.requestBody, `${where} requestBody`);
        const content = isObject(rb.content) ? rb.content : {};
        const mediaType = jsonMediaType(content);
        if (mediaType) {
          const media = deref(doc, content[mediaType]!, where);
          result.body = {
            required: rb.required === true,
            mediaType,
            schema: cleanSchema(media.schema ?? {}, refTarget, `${where} body`) as JsonObject,
          };
        }
      }
      const responses = isObject(op.responses) ? op.responses : {};
      for (const [status, rawResponse] of Object.entries(responses)) {
        const response = deref(doc, rawResponse, `${where} ${status}`);
        const r: ResponseSchemas = {};
        const content = isObject(response.content) ? response.content : {};
        const mediaType = jsonMediaType(content);
        if (mediaType) {
          const media = deref(doc, content[mediaType]!, where);
          if (media.schema !== undefined) {
            r.body = { mediaType, schema: cleanSchema(media.schema, refTarget, `${where} ${status} body`) as JsonObject };
          }
        }
        if (isObject(response.headers)) {
          const props: JsonObject = {};
          const required: string[] = [];
          for (const [h, rawHeader] of Object.entries(response.headers)) {
            const header = deref(doc, rawHeader, `${where} ${status} ${h}`);
            props[h.toLowerCase()] = cleanSchema(header.schema ?? {}, refTarget, `${where} ${status} header ${h}`);
            if (header.required === true) required.push(h.toLowerCase());
          }
          r.headers = { type: 'object', properties: props, required };
        }
        result.responses[status] = r;
      }
      out.push(result);
    }
  }
  return out;
}
