import { describe, expect, it } from 'vitest';
import {
  RequirementCatalogueError,
  checkCatalogue,
  getRequirement,
  requirementsByOperation,
  requirementsFor,
} from './catalogue.js';
import type { Requirement } from './types.js';

function req(over: Partial<Requirement> & Pick<Requirement, 'id' | 'area'>): Requirement {
  return {
    level: 'MUST',
    title: { vi: 'tiêu đề', en: 'title' },
    text: { vi: 'phải', en: 'The system MUST do it.' },
    source: { document: 'dvc-kit design', clause: 'test' },
    profiles: ['ministry', 'province'],
    online: ['partial', 'full'],
    bindings: ['rest', 'dvcqg'],
    operations: ['upsertDossier'],
    behavioural: false,
    verification: 'Check it.',
    ...over,
  };
}

const catalogue: Requirement[] = [
  req({ id: 'DVC-CODE-001', area: 'dossier-code', operations: ['receiveDossier'], bindings: ['rest'] }),
  req({ id: 'DVC-PAY-001', area: 'payment', online: ['full'], operations: ['createPayment', 'getPayment'] }),
  req({ id: 'DVC-SSO-008', area: 'sso', profiles: ['province'], operations: ['openDeepLink'] }),
  req({
    id: 'DVC-IDEM-001',
    area: 'idempotency',
    level: 'SHOULD',
    text: { vi: 'nên', en: 'It SHOULD NOT repeat.' },
    bindings: ['rest'],
    operations: ['createPayment'],
  }),
  req({ id: 'DVC-ERR-004', area: 'errors', operations: [], behavioural: true }),
];

describe('requirementsFor', () => {
  it('returns everything without a filter, in catalogue order', () => {
    expect(requirementsFor(catalogue).map((r) => r.id)).toEqual(catalogue.map((r) => r.id));
  });

  it('drops full-online-only requirements for a partial-online system', () => {
    const ids = requirementsFor(catalogue, { online: 'partial' }).map((r) => r.id);
    expect(ids).not.toContain('DVC-PAY-001');
    expect(ids).toContain('DVC-CODE-001');
  });

  it('drops province-only requirements for a ministry and rest-only ones for dvcqg', () => {
    const ids = requirementsFor(catalogue, { profile: 'ministry', binding: 'dvcqg' }).map((r) => r.id);
    expect(ids).toEqual(['DVC-PAY-001', 'DVC-ERR-004']);
  });

  it('combines level, area and operation filters', () => {
    expect(requirementsFor(catalogue, { operation: 'createPayment' }).map((r) => r.id)).toEqual([
      'DVC-PAY-001',
      'DVC-IDEM-001',
    ]);
    expect(requirementsFor(catalogue, { operation: 'createPayment', level: 'MUST' }).map((r) => r.id)).toEqual([
      'DVC-PAY-001',
    ]);
    expect(requirementsFor(catalogue, { area: 'sso', profile: 'province' }).map((r) => r.id)).toEqual(['DVC-SSO-008']);
  });
});

describe('getRequirement', () => {
  it('finds by ID and answers undefined for an unknown one', () => {
    expect(getRequirement(catalogue, 'DVC-PAY-001')?.area).toBe('payment');
    expect(getRequirement(catalogue, 'DVC-PAY-999')).toBeUndefined();
  });

  it('throws a typed error for a malformed ID', () => {
    for (const bad of ['PAY-001', 'DVC-pay-001', 'DVC-PAY-1', 'DVC-PAY-0001', '']) {
      try {
        getRequirement(catalogue, bad);
        expect.unreachable(`accepted ${bad}`);
      } catch (e) {
        expect(e).toBeInstanceOf(RequirementCatalogueError);
        expect((e as RequirementCatalogueError).code).toBe('ERR_REQUIREMENT_ID_INVALID');
      }
    }
  });
});

describe('requirementsByOperation', () => {
  it('indexes each operation to the requirements naming it', () => {
    const index = requirementsByOperation(catalogue);
    expect(index.get('createPayment')?.map((r) => r.id)).toEqual(['DVC-PAY-001', 'DVC-IDEM-001']);
    expect(index.get('getPayment')?.map((r) => r.id)).toEqual(['DVC-PAY-001']);
    expect(index.has('listDossiers')).toBe(false);
  });
});

describe('checkCatalogue', () => {
  it('finds nothing wrong in a sound catalogue', () => {
    expect(checkCatalogue(catalogue)).toEqual([]);
  });

  it('reports duplicates, wrong prefixes, missing keywords and unmarked behavioural entries', () => {
    const broken = [
      ...catalogue,
      req({ id: 'DVC-PAY-001', area: 'payment' }),
      req({ id: 'DVC-AUTH-001', area: 'sso' }),
      req({ id: 'DVC-SIG-001', area: 'signatures', level: 'MAY', text: { vi: 'có thể', en: 'It MUST sign.' } }),
      req({ id: 'DVC-TLS-001', area: 'transport', operations: [] }),
    ];
    expect(checkCatalogue(broken).map((i) => [i.id, i.code])).toEqual([
      ['DVC-PAY-001', 'duplicate-id'],
      ['DVC-AUTH-001', 'prefix-mismatch'],
      ['DVC-SIG-001', 'keyword-missing'],
      ['DVC-TLS-001', 'not-behavioural'],
    ]);
  });

  it('does not take "MUSTER" for MUST', () => {
    const issues = checkCatalogue([req({ id: 'DVC-CAT-001', area: 'catalogue', text: { vi: 'x', en: 'MUSTERED.' } })]);
    expect(issues.map((i) => i.code)).toEqual(['keyword-missing']);
  });

  it('reports operations the OpenAPI documents do not define, when given the known set', () => {
    const known = new Set(['receiveDossier', 'createPayment', 'getPayment', 'openDeepLink']);
    expect(checkCatalogue(catalogue, known)).toEqual([]);
    const issues = checkCatalogue(catalogue, new Set(['receiveDossier']));
    expect(issues.filter((i) => i.code === 'unknown-operation').map((i) => i.message)).toEqual([
      'DVC-PAY-001 names operation "createPayment", which neither OpenAPI document defines.',
      'DVC-PAY-001 names operation "getPayment", which neither OpenAPI document defines.',
      'DVC-SSO-008 names operation "openDeepLink", which neither OpenAPI document defines.',
      'DVC-IDEM-001 names operation "createPayment", which neither OpenAPI document defines.',
    ]);
  });
});
