import { listOperations } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { applyParameterProbe, applyProbe, bodyIssues, bodyProbes, faultsOnlyThere, parameterProbes, probeSlug, UNKNOWN_PROPERTY } from './schema-probes.js';

type Json = Record<string, unknown>;

/** The documented JSON example of every operation that has one. */
const examples = listOperations('agency-system').flatMap((op) => {
  const json = (op.operation.requestBody as { content?: Record<string, { example?: unknown }> } | undefined)?.content?.['application/json'];
  return json?.example === undefined ? [] : [{ operationId: op.operationId, example: json.example as Json }];
});
const dossier = examples.find((e) => e.operationId === 'receiveDossier')!.example;

describe('bodyProbes', () => {
  it('finds, for every operation with an example, probes that each break the schema at their field alone', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const { operationId, example } of examples) {
      const probes = bodyProbes(operationId, example);
      expect(probes.length, operationId).toBeGreaterThan(10);
      for (const probe of probes) {
        const body = applyProbe(example, probe, example)!;
        expect(faultsOnlyThere(operationId, body, probe), `${operationId} ${probe.pointer} ${probe.code}`).toBe(true);
      }
      // One request per probe: no two probes send the same body.
      const bodies = probes.map((p) => JSON.stringify(applyProbe(example, p, example)));
      expect(new Set(bodies).size, operationId).toBe(bodies.length);
      expect(new Set(probes.map(probeSlug)).size, operationId).toBe(probes.length);
    }
  });

  it('probes each kind of constraint of a received dossier with the value that breaks only it', () => {
    const probes = bodyProbes('receiveDossier', dossier);
    const at = (pointer: string) => Object.fromEntries(probes.filter((p) => p.pointer === pointer).map((p) => [p.code, p.mutation.kind === 'delete' ? 'left out' : p.mutation.value]));
    expect(at('/MaHoSoQuocGia')).toMatchObject({ REQUIRED: 'left out', TYPE: 12345, PATTERN: '§§§' });
    // "x" is not one of the codes: an enum probe, while a number probes the type.
    expect(at('/LoaiDoiTuong')).toMatchObject({ TYPE: 12345, ENUM: 'x' });
    expect(at('/SoDienThoai')).toMatchObject({ PHONE_FORMAT: 'x', EMPTY: '' });
    expect(at('/DinhDanhCHS/0/SoDinhDanh')).toMatchObject({ REQUIRED: 'left out', PATTERN: 'x' });
    expect(at(`/${UNKNOWN_PROPERTY}`)).toEqual({ UNKNOWN_FIELD: 'x' });
    // Optional fields are not probed by leaving them out.
    expect(at('/SoDienThoai').REQUIRED).toBeUndefined();
  });

  it('is deterministic and finds nothing on a body that is already invalid', () => {
    expect(bodyProbes('receiveDossier', dossier)).toEqual(bodyProbes('receiveDossier', dossier));
    expect(bodyProbes('receiveDossier', { ...dossier, MaHoSoQuocGia: 1 })).toEqual([]);
  });
});

describe('applyProbe', () => {
  const probe = { pointer: '/TaiLieuNop/0/TenTepDinhKem', mutation: { kind: 'set' as const, value: '', shown: 'an empty string' } };

  it('fills a field the body lacks from the template before breaking it, and leaves the input alone', () => {
    const { TaiLieuNop: _files, ...lean } = dossier;
    const broken = applyProbe(lean, probe, dossier)!;
    expect((broken.TaiLieuNop as Json[])[0]).toMatchObject({ TenTepDinhKem: '' });
    expect(lean).not.toHaveProperty('TaiLieuNop');
    expect(bodyIssues('receiveDossier', broken).map((i) => i.pointer)).toEqual(['/TaiLieuNop/0/TenTepDinhKem']);
  });

  it('answers undefined when neither the body nor the template has the field\'s parent', () => {
    expect(applyProbe({}, probe, {})).toBeUndefined();
    expect(applyProbe({ TaiLieuNop: [] }, { pointer: '/TaiLieuNop/0', mutation: { kind: 'delete' } }, {})).toBeUndefined();
  });
});

describe('parameterProbes', () => {
  const statistics = { query: { kind: 'quarter', from: '2025-07-01', to: '2025-09-30' }, params: {} };

  it('leaves out each required query parameter and breaks each one alone', () => {
    const probes = parameterProbes('getStatistics', statistics);
    const found = probes.map((p) => `${p.name} ${p.code} ${p.mutation.kind === 'delete' ? 'left out' : JSON.stringify(p.mutation.value)}`);
    expect(found).toEqual(expect.arrayContaining(['kind REQUIRED left out', 'kind ENUM "x"', 'from REQUIRED left out', 'from FORMAT "2025-13-45"', 'to REQUIRED left out']));
    const applied = applyParameterProbe(statistics, probes.find((p) => p.name === 'from' && p.code === 'REQUIRED')!);
    expect(applied.query).toEqual({ kind: 'quarter', to: '2025-09-30' });
    expect(statistics.query.from).toBe('2025-07-01');
  });

  it('never leaves out or empties a path parameter (that is another route)', () => {
    const probes = parameterProbes('lookupDossierPublic', { query: {}, params: { MaHoSo: '000.00.00.H56-250701-0001' } });
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((p) => p.in === 'path' && p.mutation.kind === 'set' && p.mutation.value !== '')).toBe(true);
    expect(probes.map((p) => p.code)).toContain('DOSSIER_CODE_FORMAT');
  });

  it('finds nothing when the given values are already wrong', () => {
    expect(parameterProbes('getStatistics', { query: { kind: 'x' }, params: {} })).toEqual([]);
  });
});
