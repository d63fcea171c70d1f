import { listOperations } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { edgeBodies, edgeSlug, schemasAt, vietnameseText } from './edge-bodies.js';
import { operationEdgeChecks } from './operation-edges.js';
import { jsonBodyOf, resolve } from './operation-support.js';
import { applyProbe, bodyIssues } from './schema-probes.js';

const ref = (s: unknown) => resolve(s as never);
const op = listOperations('agency-system').find((o) => o.operationId === 'receiveDossier')!;
const example = jsonBodyOf(op)!.example as Record<string, unknown>;
const root = resolve<{ content: Record<string, { schema: unknown }> }>(op.operation.requestBody as never)!.content['application/json']!.schema;

describe('edge bodies', () => {
  it('writes Vietnamese text of the asked length, NFC, with multi-byte letters and no space at its ends', () => {
    for (const n of [1, 2, 63, 64, 255, 1000]) {
      const t = vietnameseText(n);
      expect(t).toHaveLength(n);
      expect(t.normalize('NFC')).toBe(t);
      expect(t).toMatch(/^\S(.*\S)?$/s);
    }
    expect(Buffer.byteLength(vietnameseText(255), 'utf8')).toBeGreaterThan(300);
  });

  it('finds the schema of a field through $ref, allOf and array items', () => {
    expect(schemasAt(root, '/ChuHoSo', ref).some((s) => typeof s.maxLength === 'number')).toBe(true);
    expect(schemasAt(root, '/DinhDanhCHS/0/LoaiDinhDanh', ref).some((s) => Array.isArray(s.enum))).toBe(true);
    expect(schemasAt(root, '/NoSuchField', ref)).toEqual([]);
  });

  it('offers only bodies the validators accept, the longest texts exactly at their limit', () => {
    const edges = edgeBodies('receiveDossier', example, root, ref);
    expect(edges.length).toBeGreaterThan(5);
    for (const edge of edges) {
      const body = applyProbe(example, edge, example);
      expect(bodyIssues('receiveDossier', body), edgeSlug(edge)).toEqual([]);
      if (edge.kind !== 'longest' || edge.mutation.kind !== 'set') continue;
      const text = edge.mutation.value as string;
      const longer = applyProbe(example, { pointer: edge.pointer, mutation: { kind: 'set', value: vietnameseText(text.length + 1), shown: '' } }, example);
      expect(bodyIssues('receiveDossier', longer)).toEqual([{ pointer: edge.pointer, code: 'TOO_LONG' }]);
    }
    const chuHoSo = edges.find((e) => edgeSlug(e) === 'chuhoso.longest');
    expect(chuHoSo?.mutation).toMatchObject({ kind: 'set', value: expect.any(String) });
    // The same document gives the same edges.
    expect(edgeBodies('receiveDossier', example, root, ref).map(edgeSlug)).toEqual(edges.map(edgeSlug));
  });

  it('probes only fields no requirement names (their rules go beyond the schema)', () => {
    const ids = operationEdgeChecks().map((c) => c.id);
    expect(ids).toContain('contract.receive-dossier.accepts.chuhoso.longest');
    expect(ids).toContain('contract.receive-feedback.accepts.tieude.longest');
    // DinhDanhCHS and its LoaiDinhDanh carry DVC-RCV-004's rules: a schema-valid value may rightly be refused.
    expect(ids.some((id) => id.includes('.dinhdanhchs.'))).toBe(false);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
