import { listOperations } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { Router } from './router.js';

describe('Router built from national-portal.yaml', () => {
  const router = new Router(listOperations('national-portal'));

  it('routes literal paths and templates to their operations', () => {
    expect(router.match('GET', '/v1/procedures')).toMatchObject({ kind: 'found', operation: { operationId: 'listProcedures' } });
    expect(router.match('PUT', '/v1/dossiers/000.00.06.H56-231027-0361')).toMatchObject({ kind: 'found', operation: { operationId: 'upsertDossier' }, params: { MaHoSo: '000.00.06.H56-231027-0361' } });
    expect(router.match('POST', '/v1/dossiers/000.00.06.H56-231027-0361/events')).toMatchObject({ kind: 'found', operation: { operationId: 'appendDossierEvents' } });
    expect(router.match('POST', '/dvcqg/integration')).toMatchObject({ kind: 'found', operation: { operationId: 'dvcqgIntegration' } });
  });

  it('decodes path parameters and tolerates malformed escapes', () => {
    expect(router.match('GET', '/v1/procedures/1.001612%2E')).toMatchObject({ params: { MaTTHC: '1.001612.' } });
    expect(router.match('GET', '/v1/procedures/%E0%A4%A')).toMatchObject({ kind: 'found', params: { MaTTHC: '%E0%A4%A' } });
  });

  it('tells 405 from 404', () => {
    expect(router.match('DELETE', '/v1/procedures')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
    expect(router.match('PATCH', '/v1/dossiers/x')).toMatchObject({ kind: 'method-not-allowed' });
    expect(router.match('GET', '/v2/nothing')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/v1/dossiers/a/b/c')).toEqual({ kind: 'not-found' });
  });

  it('has a route for every operation of the document', () => {
    for (const op of listOperations('national-portal')) {
      const path = op.path.replace(/\{[^}]+\}/g, 'x');
      expect(router.match(op.method, path)).toMatchObject({ kind: 'found', operation: { operationId: op.operationId } });
    }
  });
});
