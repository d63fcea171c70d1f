import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ValidationIssue } from './issues.js';
import { validate, validateRequest, validateResponse } from './validate.js';
import type { OperationId, SchemaName } from './validate.js';

type Obj = Record<string, unknown>;
const require = createRequire(import.meta.url);
const documents = ['national-portal', 'agency-system'].map((name) => ({
  name,
  doc: JSON.parse(readFileSync(require.resolve(`@dvc-kit/spec/${name}.json`), 'utf8')) as Obj,
}));

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

function deref(doc: Obj, x: unknown): Obj {
  let cur = x;
  while (isObj(cur) && typeof cur.$ref === 'string') {
    cur = cur.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((o, k) => (isObj(o) ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
  }
  return isObj(cur) ? cur : {};
}

function mediaExamples(media: Obj): unknown[] {
  const out: unknown[] = [];
  if (media.example !== undefined) out.push(media.example);
  if (isObj(media.examples)) for (const e of Object.values(media.examples)) if (isObj(e) && 'value' in e) out.push(e.value);
  return out;
}

const show = (issues: ValidationIssue[]) => issues.map((i) => `${i.pointer} ${i.code}: ${i.message.en}`).join('\n');

interface Case {
  label: string;
  run: () => ValidationIssue[];
}

const schemaCases: Case[] = [];
const mutationCases: { label: string; value: unknown; schema: string; pointer: string; codes: string[] }[] = [];
const requestCases: Case[] = [];
const responseCases: Case[] = [];

const FORMAT_CODES = ['FORMAT', 'PATTERN', 'NOT_CANONICAL', 'TOO_SHORT', 'TOO_LONG'];

for (const { name, doc } of documents) {
  const schemas = deref(doc, (doc.components as Obj).schemas);
  for (const [schemaName, raw] of Object.entries(schemas)) {
    const schema = raw as Obj;
    const qualified = `${name}#${schemaName}` as SchemaName;
    const examples = Array.isArray(schema.examples) ? schema.examples : [];
    examples.forEach((example, i) => {
      schemaCases.push({
        label: `${qualified} example ${i}`,
        run: () => {
          const r = validate(qualified, example);
          return r.ok ? [] : r.errors;
        },
      });
    });
    const example = examples[0];
    if (typeof example === 'string') {
      // A primitive schema: the wrong type at the root, and a value its format or pattern refuses.
      mutationCases.push({ label: `${qualified} as a number`, value: 12345, schema: qualified, pointer: '', codes: ['TYPE'] });
      if (typeof schema.format === 'string' || typeof schema.pattern === 'string') {
        mutationCases.push({ label: `${qualified} with a bad value`, value: '0000x', schema: qualified, pointer: '', codes: ['*'] });
      }
    }
    if (!isObj(example)) continue;
    const props = isObj(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
    // Missing required field.
    const missing = required.find((r) => r in example);
    if (missing) {
      const { [missing]: _, ...rest } = example;
      mutationCases.push({ label: `${qualified} without ${missing}`, value: rest, schema: qualified, pointer: `/${missing}`, codes: ['REQUIRED'] });
    }
    // Wrong type: a number where a string is, a string where anything else is.
    for (const [prop, value] of Object.entries(example)) {
      const propSchema = deref(doc, props[prop]);
      const composite = Array.isArray(propSchema.oneOf) || Array.isArray(propSchema.anyOf);
      const types = ([] as unknown[]).concat(propSchema.type ?? []);
      const wrong = typeof value === 'string' ? 12345 : 'not the right type';
      const wrongType = typeof wrong === 'number' ? ['number', 'integer'] : ['string'];
      if (!composite && (types.length === 0 || types.some((t) => wrongType.includes(t as string)))) continue;
      mutationCases.push({
        label: `${qualified} with ${prop} of the wrong type`,
        value: { ...example, [prop]: wrong },
        schema: qualified,
        pointer: `/${prop}`,
        codes: composite ? ['NO_MATCHING_FORM'] : ['TYPE'],
      });
      break;
    }
    // Bad format: a string field with a named or standard format.
    for (const [prop, value] of Object.entries(example)) {
      const propSchema = deref(doc, props[prop]);
      if (typeof value !== 'string' || typeof propSchema.format !== 'string') continue;
      mutationCases.push({
        label: `${qualified} with a bad ${String(propSchema.format)} in ${prop}`,
        value: { ...example, [prop]: '0000x' },
        schema: qualified,
        pointer: `/${prop}`,
        codes: [...FORMAT_CODES, '*'],
      });
      break;
    }
  }

  const paths = deref(doc, doc.paths);
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem);
    for (const method of ['get', 'put', 'post', 'delete', 'patch']) {
      const op = item[method];
      if (!isObj(op) || typeof op.operationId !== 'string') continue;
      const operationId = op.operationId as OperationId;
      // Parameters from their examples; a required one without an example is left out and its absence ignored.
      const params: Obj = {};
      const query: Obj = {};
      const headers: Obj = {};
      const withoutExample = new Set<string>();
      for (const p of [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])]) {
        const param = deref(doc, p);
        const where = param.in === 'path' ? params : param.in === 'query' ? query : param.in === 'header' ? headers : null;
        const key = param.in === 'header' ? String(param.name).toLowerCase() : String(param.name);
        if (!where) continue;
        if (param.example !== undefined) where[key] = String(param.example);
        else withoutExample.add(`#/${String(param.in)}/${key}`);
      }
      const paramIssues = (issues: ValidationIssue[]) =>
        issues.filter((i) => !(i.code === 'REQUIRED' && withoutExample.has(i.pointer)));
      const body = op.requestBody ? deref(doc, op.requestBody) : undefined;
      const bodyMedia = body && isObj(body.content) ? Object.values(body.content) : [];
      const bodyExamples = bodyMedia.flatMap((m) => mediaExamples(m as Obj));
      if (bodyExamples.length === 0 && !body) {
        requestCases.push({
          label: `${operationId} parameters`,
          run: () => {
            const r = validateRequest(operationId, { params: params as never, query: query as never, headers: headers as never });
            return r.ok ? [] : paramIssues(r.errors);
          },
        });
      }
      bodyExamples.forEach((example, i) => {
        requestCases.push({
          label: `${operationId} request example ${i}`,
          run: () => {
            const r = validateRequest(operationId, { params: params as never, query: query as never, headers: headers as never, body: example });
            return r.ok ? [] : paramIssues(r.errors);
          },
        });
      });
      for (const [status, rawResponse] of Object.entries(deref(doc, op.responses))) {
        const response = deref(doc, rawResponse);
        const media = isObj(response.content) ? Object.values(response.content) : [];
        media.flatMap((m) => mediaExamples(m as Obj)).forEach((example, i) => {
          responseCases.push({
            label: `${operationId} ${status} example ${i}`,
            run: () => {
              const code = /^\d{3}$/.test(status) ? Number(status) : status === '4XX' ? 400 : 500;
              const r = validateResponse(operationId, code, { body: example });
              // Example headers are not part of the document's examples.
              return r.ok ? [] : r.errors.filter((e) => !e.pointer.startsWith('#/header/'));
            },
          });
        });
      }
      void path;
    }
  }
}

describe('every example in the spec passes its validator', () => {
  it('found the examples', () => {
    expect(schemaCases.length).toBeGreaterThan(50);
    expect(requestCases.length).toBeGreaterThan(20);
    expect(responseCases.length).toBeGreaterThan(20);
  });

  it.each(schemaCases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expect(show(c.run())).toBe('');
  });
  it.each(requestCases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expect(show(c.run())).toBe('');
  });
  it.each(responseCases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    expect(show(c.run())).toBe('');
  });
});

describe('a mutated example fails with the right pointer and code', () => {
  it('has mutations for most schemas', () => {
    expect(mutationCases.length).toBeGreaterThan(40);
  });

  it.each(mutationCases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const r = validate(c.schema as SchemaName, c.value);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = r.errors.filter((e) => e.pointer === c.pointer);
    expect(at.length, show(r.errors)).toBeGreaterThan(0);
    if (!c.codes.includes('*')) expect(c.codes).toContain(at[0]!.code);
    else expect(['TYPE', 'INVALID', 'REQUIRED']).not.toContain(at[0]!.code);
    for (const e of r.errors) {
      expect(e.message.vi).not.toMatch(/must match|must be equal|must have required/);
      expect(e.message.en).not.toMatch(/must match pattern|must be equal to one of/);
    }
  });
});
