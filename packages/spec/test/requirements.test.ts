import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkCatalogue, requirementsFor } from '../src/requirements/catalogue.js';
import { listOperations } from '../src/documents.js';
import {
  AREA_PREFIXES,
  BINDINGS,
  ONLINE_LEVELS,
  PROFILES,
  REQUIREMENT_LEVELS,
  type Requirement,
} from '../src/requirements/types.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const catalogue = parse(readFileSync(here('../requirements.yaml'), 'utf8')) as Requirement[];
const schema = JSON.parse(readFileSync(here('../requirements.schema.json'), 'utf8')) as {
  $defs: { area: { enum: string[] }; requirement: { properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }> } };
};

/** Every operation of the two OpenAPI documents: a requirement may name only these. */
const CONTRACT_OPERATIONS = new Set([...listOperations('national-portal'), ...listOperations('agency-system')].map((o) => o.operationId));

describe('requirements.yaml', () => {
  it('validates against requirements.schema.json', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(schema);
    const ok = validate(catalogue);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has a schema that rejects malformed entries', () => {
    const validate = new Ajv2020({ strict: true }).compile(schema);
    const good = catalogue[0]!;
    const bad: unknown[] = [
      { ...good, id: 'DVC-AUTH-1' },
      { ...good, level: 'MUST NOT' },
      { ...good, operations: [], behavioural: false },
      { ...good, title: { vi: 'chỉ tiếng Việt' } },
      { ...good, profiles: [] },
      { ...good, extra: true },
    ];
    for (const entry of bad) expect(validate([entry]), JSON.stringify(entry).slice(0, 80)).toBe(false);
    expect(validate([good])).toBe(true);
  });

  it('passes the rules the schema cannot express', () => {
    expect(checkCatalogue(catalogue, CONTRACT_OPERATIONS)).toEqual([]);
  });

  it('covers the breadth of the standard: ≥ 60 entries, every area, mostly MUST', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(60);
    const areas = new Set(catalogue.map((r) => r.area));
    expect([...areas].sort()).toEqual(Object.keys(AREA_PREFIXES).sort());
    const must = catalogue.filter((r) => r.level === 'MUST').length;
    expect(must / catalogue.length).toBeGreaterThan(0.5);
  });

  it('numbers each area without gaps from 001', () => {
    const byPrefix = new Map<string, number[]>();
    for (const r of catalogue) {
      const [, prefix, n] = /^DVC-([A-Z]+)-(\d{3})$/.exec(r.id)!;
      byPrefix.set(prefix!, [...(byPrefix.get(prefix!) ?? []), Number(n)]);
    }
    for (const [prefix, numbers] of byPrefix) {
      expect(numbers, prefix).toEqual(numbers.map((_, i) => i + 1));
    }
  });

  it('grounds every Thông tư 01/2018 citation in a clause that exists in the circular', () => {
    // Mục I.1, I.2.a–k, II.1.a–e, II.2, III.1–5 and Chương III (evaluation) are the clauses of seed 004.
    const clause = /^(Mục (I\.1|I\.2\.[abcdđeghik]|II\.1\.[abcdđe]|II\.2|III\.[1-5](\.[a-đ])?)( \((first|second) indent\))?|Chương III)$/u;
    for (const r of catalogue.filter((r) => r.source.document === 'Thông tư 01/2018/TT-VPCP')) {
      for (const part of r.source.clause.split(', ')) expect(part, r.id).toMatch(clause);
    }
  });

  it('gives design rules a reason and keeps Vietnamese text Vietnamese', () => {
    for (const r of catalogue) {
      expect(r.text.vi, r.id).not.toEqual(r.text.en);
      expect(r.text.vi, r.id).toMatch(/[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]/iu);
    }
    const unexplained = catalogue.filter((r) => r.source.document === 'dvc-kit design' && !r.source.clause);
    expect(unexplained).toEqual([]);
  });

  it('applies payment only to full-online services, the deep link and cross-locality reception only to provinces, idempotency keys in dvcqg only to the agency system API (rest in both)', () => {
    const partial = new Set(requirementsFor(catalogue, { online: 'partial' }).map((r) => r.id));
    for (const r of catalogue.filter((r) => r.area === 'payment')) expect(partial.has(r.id), r.id).toBe(false);
    const ministry = new Set(requirementsFor(catalogue, { profile: 'ministry' }).map((r) => r.id));
    expect(ministry.has('DVC-SSO-008')).toBe(false);
    expect(ministry.has('DVC-RCV-005')).toBe(false);
    const dvcqg = new Set(requirementsFor(catalogue, { binding: 'dvcqg' }).map((r) => r.id));
    const agencyOps = new Set(listOperations('agency-system').map((o) => o.operationId));
    for (const r of catalogue.filter((r) => r.area === 'idempotency')) {
      expect(dvcqg.has(r.id), r.id).toBe(r.operations.some((op) => agencyOps.has(op)));
    }
  });

  it('names at least one requirement for every contract operation', () => {
    const named = new Set(catalogue.flatMap((r) => r.operations));
    expect([...CONTRACT_OPERATIONS].filter((op) => !named.has(op))).toEqual([]);
  });
});

describe('types.ts is in step with requirements.schema.json', () => {
  const props = schema.$defs.requirement.properties;
  it('has the same enums', () => {
    expect(schema.$defs.area.enum).toEqual(Object.keys(AREA_PREFIXES));
    expect(props.level?.enum).toEqual([...REQUIREMENT_LEVELS]);
    expect(props.profiles?.items?.enum).toEqual([...PROFILES]);
    expect(props.online?.items?.enum).toEqual([...ONLINE_LEVELS]);
    expect(props.bindings?.items?.enum).toEqual([...BINDINGS]);
  });

  it('has the same ID prefixes', () => {
    const pattern = (props.id as unknown as { pattern: string }).pattern;
    const prefixes = /\^DVC-\(([A-Z|]+)\)/.exec(pattern)?.[1]?.split('|');
    expect(prefixes).toEqual(Object.values(AREA_PREFIXES));
  });
});

// The OpenAPI documents are written alongside the catalogue; these checks run once they exist.
const documents = ['national-portal.yaml', 'agency-system.yaml'].map((f) => here(`../openapi/${f}`));
const haveDocuments = documents.every((f) => existsSync(f));

interface OperationLink {
  operationId: string;
  requirements: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The operations of a document's paths and webhooks, with their x-requirements. */
function operationsIn(doc: unknown): OperationLink[] {
  const found: OperationLink[] = [];
  const root = (doc ?? {}) as Record<string, Record<string, Record<string, unknown>> | undefined>;
  for (const items of [root.paths, root.webhooks]) {
    for (const item of Object.values(items ?? {})) {
      for (const method of METHODS) {
        const op = (item as Record<string, { operationId?: unknown; 'x-requirements'?: unknown } | undefined>)[method];
        if (!op || typeof op.operationId !== 'string') continue;
        const reqs = op['x-requirements'];
        found.push({ operationId: op.operationId, requirements: Array.isArray(reqs) ? (reqs as string[]) : [] });
      }
    }
  }
  return found;
}

describe.skipIf(!haveDocuments)('x-requirements in the OpenAPI documents', () => {
  const links = haveDocuments ? documents.flatMap((f) => operationsIn(parse(readFileSync(f, 'utf8')))) : [];
  const ids = new Set(catalogue.map((r) => r.id));

  it('references only requirement IDs that exist', () => {
    const dangling = links.flatMap((l) => l.requirements.filter((id) => !ids.has(id)).map((id) => `${l.operationId} → ${id}`));
    expect(dangling).toEqual([]);
  });

  it('references every MUST requirement from some operation, unless it is behavioural', () => {
    const referenced = new Set(links.flatMap((l) => l.requirements));
    const orphans = catalogue
      .filter((r) => r.level === 'MUST' && !r.behavioural && !referenced.has(r.id))
      .map((r) => r.id);
    expect(orphans).toEqual([]);
  });

  it('links operations and requirements the same way from both sides', () => {
    const linked = new Set(links.flatMap((l) => l.requirements.map((id) => `${l.operationId} ${id}`)));
    const named = new Set(catalogue.flatMap((r) => r.operations.map((op) => `${op} ${r.id}`)));
    expect([...named].filter((pair) => !linked.has(pair)), 'named in requirements.yaml, missing from x-requirements').toEqual([]);
    expect([...linked].filter((pair) => !named.has(pair)), 'in x-requirements, missing from requirements.yaml').toEqual([]);
  });

  it('defines every operation the catalogue names', () => {
    expect(checkCatalogue(catalogue, new Set(links.map((l) => l.operationId)))).toEqual([]);
  });
});
