import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  agencySystemDocument,
  dossierStateMachine,
  isLegalTransition,
  listOperations,
  nationalPortalDocument,
  problemTypes,
  requirements,
  type DocumentName,
  type OpenApiDocument,
} from '../src/index.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const documents: Array<[DocumentName, OpenApiDocument]> = [
  ['national-portal', nationalPortalDocument],
  ['agency-system', agencySystemDocument],
];

/** Every (location, schema, example) triple of a document: media types, parameters and schema `examples`. */
function collectExamples(doc: OpenApiDocument): Array<{ where: string; schema: unknown; example: unknown }> {
  const found: Array<{ where: string; schema: unknown; example: unknown }> = [];
  const walk = (node: unknown, where: string) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    const obj = node as Record<string, unknown>;
    if ('schema' in obj && 'example' in obj) found.push({ where, schema: obj.schema, example: obj.example });
    if ('schema' in obj && obj.examples && typeof obj.examples === 'object' && !Array.isArray(obj.examples)) {
      for (const [name, ex] of Object.entries(obj.examples as Record<string, { value?: unknown }>)) {
        found.push({ where: `${where}/examples/${name}`, schema: obj.schema, example: ex.value });
      }
    }
    for (const [k, v] of Object.entries(obj)) if (k !== 'example' && k !== 'examples') walk(v, `${where}/${k}`);
  };
  walk(doc.paths, '#/paths');
  for (const [name, schema] of Object.entries(doc.components.schemas ?? {})) {
    const examples = (schema as { examples?: unknown[] }).examples ?? [];
    examples.forEach((example, i) => found.push({ where: `#/components/schemas/${name}/examples/${i}`, schema: { $ref: `#/components/schemas/${name}` }, example }));
  }
  return found;
}

function ajvFor(doc: OpenApiDocument): Ajv2020 {
  // Identifier formats are checked here by their `pattern`; their semantics (check digits,
  // real dates) are @dvc-kit/validators' job and its tests run these examples again.
  const ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true });
  addFormats(ajv);
  for (const f of ['vn-citizen-id', 'vn-legacy-id', 'vn-tax-code', 'vn-procedure-code', 'vn-agency-code', 'vn-dossier-code', 'vn-phone', 'vn-portal-datetime', 'vn-portal-date']) {
    ajv.addFormat(f, true);
  }
  ajv.addSchema({ ...doc, $id: 'doc.json' } as object);
  return ajv;
}

describe.each(documents)('%s document', (name, doc) => {
  it('is OpenAPI 3.1 and self-contained after bundling', () => {
    expect(doc.openapi).toBe('3.1.0');
    const refs = JSON.stringify(doc).match(/"\$ref":\s*"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(ref).toMatch(/"#\/components\//);
  });

  it('has a realistic example on every request body and every JSON response, each valid against its schema', () => {
    const ajv = ajvFor(doc);
    const examples = collectExamples(doc);
    expect(examples.length).toBeGreaterThan(20);
    const failures: string[] = [];
    const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();
    for (const { where, schema, example } of examples) {
      const key = JSON.stringify(schema);
      const validate = compiled.get(key) ?? ajv.compile(rebase(schema));
      compiled.set(key, validate);
      if (!validate(example)) failures.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);

    for (const op of listOperations(name)) {
      const body = (op.operation.requestBody as { content?: Record<string, { example?: unknown }> } | undefined)?.content;
      for (const [type, media] of Object.entries(body ?? {})) expect(media.example, `${op.operationId} ${type}`).toBeDefined();
      const responses = op.operation.responses as Record<string, { content?: Record<string, { example?: unknown }>; $ref?: string }>;
      for (const [status, response] of Object.entries(responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          expect(media.example, `${op.operationId} ${status} ${type}`).toBeDefined();
        }
      }
    }
  });

  // OAuth's token endpoint keeps RFC 6749 error bodies; health answers its own status document when unready.
  const ownErrorFormat = new Set(['requestToken', 'getHealth']);

  it('answers every other rest-binding error as problem+json', () => {
    const responses = doc.components.responses as Record<string, { content?: Record<string, unknown> }>;
    for (const op of listOperations(name)) {
      if (op.binding === 'dvcqg' || ownErrorFormat.has(op.operationId)) continue;
      for (const [status, response] of Object.entries(op.operation.responses as Record<string, { $ref?: string; content?: Record<string, unknown> }>)) {
        if (!/^[45]/.test(status)) continue;
        const resolved = response.$ref ? responses[response.$ref.split('/').pop()!]! : response;
        expect(Object.keys(resolved.content ?? {}), `${op.operationId} ${status}`).toEqual(['application/problem+json']);
      }
    }
  });

  it('requires an Idempotency-Key on every non-idempotent rest write', () => {
    for (const op of listOperations(name)) {
      if (op.binding !== 'rest' || op.method !== 'post' || op.operationId === 'requestToken') continue;
      expect(op.idempotencyKey, op.operationId).toBe(true);
    }
  });

  it('names in x-requirements exactly the requirements that name the operation', () => {
    for (const op of listOperations(name)) {
      const expected = requirements.filter((r) => r.operations.includes(op.operationId)).map((r) => r.id);
      expect(op.requirements, `${op.operationId}: run npm run sync-requirements`).toEqual(expected);
    }
  });
});

describe('problem types', () => {
  it('problemTypes names exactly the URIs of the x-problem-types table', () => {
    expect(Object.values(problemTypes).sort()).toEqual(Object.keys(nationalPortalDocument['x-problem-types'] as object).sort());
  });

  it('are the same table in both documents, and every dvcqg error code names one of them', () => {
    const portal = nationalPortalDocument['x-problem-types'] as Record<string, { status: number; dvcqg?: string }>;
    const agency = agencySystemDocument['x-problem-types'] as Record<string, { status: number }>;
    expect(Object.keys(agency)).toEqual(Object.keys(portal));
    for (const [type, { status }] of Object.entries(agency)) expect(portal[type]!.status, type).toBe(status);
    const reverse = nationalPortalDocument['x-dvcqg-error-codes'] as Record<string, string>;
    for (const [code, type] of Object.entries(reverse)) expect(portal[type]?.dvcqg, code).toBe(code);
    const codes = new Set(Object.values(portal).map((p) => p.dvcqg));
    expect(new Set(Object.keys(reverse))).toEqual(codes);
  });
});

describe('both documents together', () => {
  const all = [...listOperations('national-portal'), ...listOperations('agency-system')];

  it('have unique operationIds', () => {
    const ids = all.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reference only requirement IDs that exist, and every MUST is referenced or behavioural', () => {
    const known = new Set(requirements.map((r) => r.id));
    for (const op of all) for (const id of op.requirements) expect(known.has(id), `${op.operationId} → ${id}`).toBe(true);
    const referenced = new Set(all.flatMap((o) => o.requirements));
    const orphans = requirements.filter((r) => r.level === 'MUST' && !r.behavioural && !referenced.has(r.id)).map((r) => r.id);
    expect(orphans).toEqual([]);
    for (const r of requirements) for (const op of r.operations) expect(all.some((o) => o.operationId === op), `${r.id} → ${op}`).toBe(true);
  });

  it('check agency-side requirements in both binding configurations (the agency API is rest in both)', () => {
    const agencyOps = new Set(listOperations('agency-system').map((o) => o.operationId));
    const missing = requirements.filter((r) => r.operations.some((o) => agencyOps.has(o)) && !r.bindings.includes('dvcqg'));
    expect(missing.map((r) => r.id)).toEqual([]);
  });

  it('map every dvcqg service to a rest operation with the same data', () => {
    const mapped = all.filter((o) => o.dvcqg).map((o) => o.dvcqg!.service);
    expect(new Set(mapped)).toEqual(new Set(['DongBoHoSoMC', 'CapNhatTienDoHoSoMC', 'TraCuuHoSo', 'LayThuTuc', 'LayDanhSachTTHC']));
  });
});

describe('dossier state machine', () => {
  const { statuses, initial, terminal, transitions } = dossierStateMachine;

  it('names only known statuses', () => {
    for (const [from, tos] of Object.entries(transitions)) {
      expect(statuses).toContain(from);
      for (const to of tos) expect(statuses).toContain(to);
    }
    expect(Object.keys(transitions).sort()).toEqual([...statuses].sort());
  });

  it('reaches every status from an initial one', () => {
    const seen = new Set<string>(initial);
    const queue = [...initial];
    while (queue.length) for (const to of transitions[queue.shift()!]) if (!seen.has(to)) (seen.add(to), queue.push(to));
    expect([...seen].sort()).toEqual([...statuses].sort());
  });

  it('has no way out of a terminal status and a way out of every other one', () => {
    for (const s of statuses) expect(transitions[s].length === 0, s).toBe(terminal.includes(s));
  });

  it('reaches a terminal status from every status', () => {
    for (const start of statuses) {
      const seen = new Set<string>([start]);
      const queue: string[] = [start];
      let reached = false;
      while (queue.length) {
        const s = queue.shift()! as (typeof statuses)[number];
        if (terminal.includes(s)) reached = true;
        for (const to of transitions[s]) if (!seen.has(to)) (seen.add(to), queue.push(to));
      }
      expect(reached, start).toBe(true);
    }
  });

  it('answers transition questions', () => {
    expect(isLegalTransition(undefined, '1')).toBe(true);
    expect(isLegalTransition(undefined, '4')).toBe(false);
    expect(isLegalTransition('4', '9')).toBe(true);
    expect(isLegalTransition('10', '4')).toBe(false);
    expect(isLegalTransition('9', '9')).toBe(false);
  });
});

/** Schemas inside the document use `#/components/...`; compiled standalone they must point into doc.json. */
function rebase(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc.json#/components/')) as Record<string, unknown>;
}
