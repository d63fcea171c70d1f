import { schemaExamples, type Dossier } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { UnknownOperationError, UnknownSchemaError } from './errors.js';
import { isDossier, isProblem } from './generated/guards.js';
import { operationIds, schemaNames, validate, validateRequest, validateResponse } from './validate.js';
import type { OperationId, SchemaName } from './validate.js';


// The spec's own example: valid by construction, written once.
const [dossier] = schemaExamples<Dossier>('national-portal', 'Dossier') as [Dossier];
const signature = 'eyJhbGciOiJFUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il0sIng1YyI6WyJNSUlCLi4uIl19..MEUCIQDx3k';

describe('validate', () => {
  it('accepts a valid dossier and the guard narrows', () => {
    expect(validate('Dossier', dossier)).toEqual({ ok: true });
    const x: unknown = dossier;
    expect(isDossier(x)).toBe(true);
    if (isDossier(x)) expect(x.MaHoSo).toBe(dossier.MaHoSo);
  });

  it('explains every problem with a pointer, a stable code and both languages', () => {
    const r = validate('Dossier', { ...dossier, NgayTiepNhan: '20230229083015', TrangThaiHoSo: '11', MaTTHC: 12 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPointer = Object.fromEntries(r.errors.map((e) => [e.pointer, e]));
    expect(byPointer['/NgayTiepNhan']).toMatchObject({ code: 'DATE_NOT_REAL' });
    expect(byPointer['/TrangThaiHoSo']).toMatchObject({
      code: 'ENUM',
      message: { vi: 'Trường TrangThaiHoSo phải là một mã từ 1 đến 10.', en: 'Field TrangThaiHoSo must be a code from 1 to 10.' },
      received: '"11"',
    });
    expect(byPointer['/MaTTHC']).toMatchObject({ code: 'TYPE', expected: 'string', received: '12' });
  });

  it('says why a tax code fails, not which pattern it missed', () => {
    const r = validate('TaxCode', '0100109107');
    expect(!r.ok && r.errors).toEqual([
      expect.objectContaining({ pointer: '', code: 'TAX_CODE_CHECK_DIGIT', received: '"010*****07"' }),
    ]);
    const short = validate('TaxCode', '123');
    expect(!short.ok && short.errors.map((e) => e.message.en).join(' ')).not.toMatch(/pattern|\^/);
  });

  it('redacts citizen IDs in what it received', () => {
    const r = validate('Dossier', { ...dossier, DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038x90004521' }] });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('038x90004521');
  });

  it('rejects a __proto__ key rather than merging it', () => {
    const hostile = JSON.parse(`{"MaHoSo":"000.00.06.H56-231027-0361","__proto__":{"polluted":true}}`) as object;
    const r = validate('Dossier', hostile);
    expect(r.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('caps the number of issues', () => {
    const records = Array.from({ length: 1000 }, () => ({ MaHoSo: 'x', TrangThaiHoSo: '99' }));
    const r = validateRequest('syncDossierBatch', { body: { items: records } });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.length).toBe(100);
  });

  it('throws a typed error for an unknown schema name', () => {
    expect(() => validate('NoSuchSchema' as SchemaName, {})).toThrow(UnknownSchemaError);
    expect(() => validate('__proto__' as SchemaName, {})).toThrow(UnknownSchemaError);
    try {
      validate('toString' as SchemaName, {});
    } catch (e) {
      expect((e as UnknownSchemaError).code).toBe('ERR_UNKNOWN_SCHEMA');
    }
  });

  it('knows every operation of both documents', () => {
    const ids = operationIds();
    for (const id of ['dvcqgLogin', 'upsertDossier', 'syncDossierBatch', 'requestToken', 'receiveDossier', 'getHealth']) {
      expect(ids).toContain(id);
    }
  });
});

describe('validateRequest', () => {
  it('reads parameters from strings and points at them', () => {
    expect(validateRequest('listDossiers', { query: new URLSearchParams('limit=20') })).toEqual({ ok: true });
    const r = validateRequest('listDossiers', { query: { limit: 'many' } });
    expect(!r.ok && r.errors[0]).toMatchObject({ pointer: '#/query/limit', code: 'TYPE' });
  });

  it('checks path parameters, headers in any case, and the body', () => {
    const ok = validateRequest('upsertDossier', {
      params: { MaHoSo: dossier.MaHoSo },
      headers: { 'X-DVC-Signature': signature },
      body: dossier,
    });
    expect(ok).toEqual({ ok: true });
    const r = validateRequest('upsertDossier', { params: { MaHoSo: 'nope' }, headers: {}, body: { ...dossier, MaHoSo: undefined } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const pointers = r.errors.map((e) => e.pointer);
    expect(pointers).toContain('#/path/MaHoSo');
    expect(pointers).toContain('#/header/x-dvc-signature');
    expect(pointers).toContain('/MaHoSo');
  });

  it('parses a raw body with its limits', () => {
    const tooBig = validateRequest('upsertDossier', {
      params: { MaHoSo: dossier.MaHoSo },
      headers: { 'x-dvc-signature': signature },
      rawBody: JSON.stringify(dossier),
      json: { maxBytes: 100 },
    });
    expect(!tooBig.ok && tooBig.errors.at(-1)?.code).toBe('BODY_TOO_LARGE');
    const fine = validateRequest('upsertDossier', {
      params: { MaHoSo: dossier.MaHoSo },
      headers: { 'x-dvc-signature': signature },
      rawBody: JSON.stringify(dossier),
    });
    expect(fine).toEqual({ ok: true });
  });

  it('takes an empty raw body as no body', () => {
    expect(validateRequest('getHealth', { rawBody: '' })).toEqual({ ok: true });
    const r = validateRequest('upsertDossier', { params: { MaHoSo: dossier.MaHoSo }, headers: { 'x-dvc-signature': signature }, rawBody: '' });
    expect(!r.ok && r.errors.map((e) => e.code)).toEqual(['BODY_REQUIRED']);
  });

  it('requires a required body', () => {
    const r = validateRequest('upsertDossier', { params: { MaHoSo: dossier.MaHoSo }, headers: { 'x-dvc-signature': signature } });
    expect(!r.ok && r.errors.map((e) => e.code)).toEqual(['BODY_REQUIRED']);
  });

  it('validates form bodies as strings', () => {
    expect(validateRequest('requestToken', { rawBody: 'grant_type=client_credentials' })).toEqual({ ok: true });
    const r = validateRequest('requestToken', { rawBody: 'grant_type=password&username=a' });
    expect(!r.ok && r.errors.map((e) => e.pointer)).toContain('/grant_type');
  });

  it('throws a typed error for an unknown operation', () => {
    expect(() => validateRequest('nope' as OperationId)).toThrow(UnknownOperationError);
  });
});

describe('validateResponse', () => {
  it('picks the response by status and checks its body', () => {
    const problem = { type: 'https://dvc-kit.dev/problems/not-found', title: 'Not found', status: 404 };
    expect(isProblem(problem)).toBe(true);
    expect(validateResponse('getDossier', 404, { body: problem })).toEqual({ ok: true });
    const r = validateResponse('getDossier', 404, { body: { title: 'Not found' } });
    expect(!r.ok && r.errors.map((e) => e.pointer).sort()).toEqual(['/status', '/type']);
  });

  it('explains a failed anyOf by its closest alternative', () => {
    const r = validateResponse('dvcqgIntegration', 200, {
      body: { error_code: '0', result: [{ MaHoSo: '000.00.06.H56-231027-0361', error_code: '7' }] },
    });
    expect(!r.ok && r.errors.map((e) => `${e.pointer} ${e.code}`)).toEqual(['/result/0/error_code ENUM']);
  });

  it('reports a status the spec does not document', () => {
    const r = validateResponse('getHealth', 418, { body: {} });
    expect(!r.ok && r.errors[0]?.code).toBe('UNDOCUMENTED_STATUS');
  });
});
