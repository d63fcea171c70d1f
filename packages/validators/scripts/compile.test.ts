import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDocuments } from './compile.js';
import { SpecError } from './openapi.js';
import type { JsonObject } from './openapi.js';

/** A small OpenAPI 3.1 document in the shape of the spec's bundled ones. */
function fixture(extra: JsonObject = {}): JsonObject {
  return {
    openapi: '3.1.0',
    info: { title: 'fixture', version: '0' },
    paths: {
      '/v1/things/{MaHoSo}': {
        parameters: [{ name: 'MaHoSo', in: 'path', required: true, schema: { $ref: '#/components/schemas/DossierCode' } }],
        put: {
          operationId: 'putThing',
          parameters: [
            { $ref: '#/components/parameters/Signature' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10 } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          responses: {
            '200': {
              description: 'ok',
              headers: { 'RateLimit-Remaining': { schema: { type: 'integer', minimum: 0 } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
            },
            default: { $ref: '#/components/responses/Error' },
          },
        },
      },
    },
    components: {
      parameters: {
        Signature: { name: 'X-DVC-Signature', in: 'header', required: true, schema: { type: 'string', minLength: 3, maxLength: 100 } },
      },
      responses: {
        Error: { description: 'error', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Err' } } } },
      },
      schemas: {
        DossierCode: { type: 'string', format: 'vn-dossier-code', maxLength: 64, 'x-note': 'dropped', example: 'dropped' },
        Thing: {
          type: 'object',
          additionalProperties: false,
          required: ['MaHoSo', 'MaSoThue'],
          properties: {
            MaHoSo: { $ref: '#/components/schemas/DossierCode' },
            MaSoThue: { type: 'string', format: 'vn-tax-code', pattern: '^\\d{10}(-\\d{3})?$', maxLength: 14, examples: ['0100109106'] },
          },
        },
        Err: { type: 'object', required: ['type'], properties: { type: { type: 'string', maxLength: 200 } } },
      },
    },
    ...extra,
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Writes the generated files next to a runtime that re-exports the package's, and imports the catalogue. */
async function load(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'dvc-compile-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'generated'));
  const src = resolve(import.meta.dirname, '../src');
  writeFileSync(join(dir, 'runtime.js'), `export * from ${JSON.stringify(pathToFileURL(join(src, 'runtime.ts')).href)};`);
  writeFileSync(join(dir, 'guard.js'), `export * from ${JSON.stringify(pathToFileURL(join(src, 'guard.ts')).href)};`);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'generated', name), text);
  return import(pathToFileURL(join(dir, 'generated', 'bodies.js')).href) as Promise<Record<string, (x: unknown) => boolean>>;
}

describe('compileDocuments', () => {
  it('compiles components and operations into standalone code with no require()', () => {
    const out = compileDocuments([{ name: 'fixture', doc: fixture() }], null);
    expect(out.operationCount).toBe(1);
    expect(out.schemaCount).toBe(3);
    expect(Object.keys(out.files).sort()).toEqual(['bodies.d.ts', 'bodies.js', 'catalogue.ts', 'guards.ts', 'params.d.ts', 'params.js']);
    expect(out.files['bodies.js']).not.toMatch(/require\(/);
    expect(out.files['bodies.js']).not.toContain('x-note');
    expect(out.files['catalogue.ts']).toContain('"putThing"');
    // Header names are matched lower-cased.
    expect(out.files['params.js']).toContain('x-dvc-signature');
    expect(out.files['params.js']).not.toContain('X-DVC-Signature');
    expect(out.files['guards.ts']).toContain('export const isThing = (x: unknown): x is unknown');
  });

  it('emits code that validates with the named formats', async () => {
    const out = compileDocuments([{ name: 'fixture', doc: fixture() }], null);
    const bodies = await load(out.files);
    const thing = bodies.s__fixture__Thing!;
    expect(thing({ MaHoSo: '000.00.06.H56-231027-0361', MaSoThue: '0100109106' })).toBe(true);
    expect(thing({ MaHoSo: '000.00.06.H56-230229-0361', MaSoThue: '0100109106' })).toBe(false);
    expect(thing({ MaHoSo: '000.00.06.H56-231027-0361', MaSoThue: '0100109107' })).toBe(false);
  });

  it('compiles a schema two documents share once', () => {
    const out = compileDocuments(
      [
        { name: 'one', doc: fixture() },
        { name: 'two', doc: fixture({ paths: {} }) },
      ],
      null,
    );
    expect(out.files['catalogue.ts']).toContain('"two#Thing": { name: "Thing", document: "two", validate: b.s__one__Thing }');
    expect(out.files['bodies.js']).not.toContain('s__two__Thing');
  });

  it('refuses a remote $ref', () => {
    const doc = fixture();
    ((doc.components as JsonObject).schemas as JsonObject).Evil = { $ref: 'https://example.com/evil.json' };
    expect(() => compileDocuments([{ name: 'fixture', doc }], null)).toThrow(SpecError);
    try {
      compileDocuments([{ name: 'fixture', doc }], null);
    } catch (e) {
      expect((e as SpecError).code).toBe('REMOTE_REF');
    }
  });

  it('refuses an operationId used twice', () => {
    expect(() =>
      compileDocuments(
        [
          { name: 'one', doc: fixture() },
          { name: 'two', doc: fixture() },
        ],
        null,
      ),
    ).toThrow(/putThing is used twice/);
  });

  it('refuses a format nobody implements', () => {
    const doc = fixture();
    ((doc.components as JsonObject).schemas as JsonObject).Odd = { type: 'string', format: 'vn-unknown' };
    expect(() => compileDocuments([{ name: 'fixture', doc }], null)).toThrow(/unknown format/);
  });
});
