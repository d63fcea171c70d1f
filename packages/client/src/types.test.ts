import type { AgencySystem, Dossier, DossierRecord, NationalPortal, Problem, Procedure } from '@dvc-kit/spec';
import { describe, expectTypeOf, it } from 'vitest';
import type { NationalPortalClient } from './national-portal-client.js';
import type { AgencySystemClient } from './agency-system-client.js';
import type { ApiResponse, ErrorBody, ItemOf, OperationInput, PaginatedOperationId, RequestBody, ResponseData } from './types.js';

type Ops = NationalPortal.operations;

// These checks run in `tsc --noEmit` (npm run lint): the types come from the generated ones, nothing by hand.
describe('types derived from the OpenAPI documents', () => {
  it('operation inputs: path, query, body; managed headers left out', () => {
    expectTypeOf<OperationInput<Ops['getDossier']>['path']>().toEqualTypeOf<{ MaHoSo: string }>();
    expectTypeOf<RequestBody<Ops['upsertDossier']>>().toEqualTypeOf<Dossier>();
    // X-DVC-Signature is required by the document but set by the client, so the caller need not pass headers.
    expectTypeOf<{ path: { MaHoSo: string }; body: Dossier }>().toMatchTypeOf<OperationInput<Ops['upsertDossier']>>();
    expectTypeOf<keyof NonNullable<OperationInput<Ops['upsertDossier']>['headers']>>().toEqualTypeOf<'If-Match'>();
  });

  it('answers and error bodies', () => {
    expectTypeOf<ResponseData<Ops['getDossier']>>().toEqualTypeOf<DossierRecord>();
    expectTypeOf<ItemOf<Ops['listProcedures']>>().toEqualTypeOf<Procedure>();
    expectTypeOf<ErrorBody<Ops['getDossier']>>().toEqualTypeOf<Problem>();
    expectTypeOf<'listProcedures' | 'listDossiers'>().toMatchTypeOf<PaginatedOperationId<Ops>>();
    expectTypeOf<'getDossier'>().not.toMatchTypeOf<PaginatedOperationId<Ops>>();
  });

  it('client methods', () => {
    expectTypeOf<NationalPortalClient['dossiers']['get']>().returns.resolves.toEqualTypeOf<DossierRecord>();
    expectTypeOf<ReturnType<NationalPortalClient['call']>>().toMatchTypeOf<Promise<ApiResponse<unknown>>>();
    expectTypeOf<Parameters<AgencySystemClient['dossiers']['lookup']>[1]>().toHaveProperty('accessToken');
    const check = (c: NationalPortalClient) => {
      // @ts-expect-error an unknown operation id
      void c.call('noSuchOperation');
      // @ts-expect-error getDossier needs its path parameter
      void c.call('getDossier', {});
      // @ts-expect-error the dossier status is "1" … "10"
      void c.dossiers.upsert({ ...({} as Dossier), TrangThaiHoSo: '11' });
      void c.call('listProcedures');
      void c.call('getDossier', { path: { MaHoSo: '000.00.06.H56-231027-0361' } });
    };
    expectTypeOf(check).toBeFunction();
  });

  it('the account methods of the agency system client: generated types, a session required', () => {
    type Agency = AgencySystem.operations;
    expectTypeOf<Parameters<AgencySystemClient['account']['evaluateDossier']>[1]>().toEqualTypeOf<AgencySystem.components['schemas']['CitizenEvaluation']>();
    expectTypeOf<AgencySystemClient['account']['evaluateDossier']>().returns.resolves.toEqualTypeOf<ResponseData<Agency['evaluateDossier']>>();
    expectTypeOf<AgencySystemClient['account']['listDossiersPage']>().returns.resolves.toEqualTypeOf<ResponseData<Agency['listMyDossiers']>>();
    expectTypeOf<Parameters<AgencySystemClient['account']['completeSignOn']>[0]>().toEqualTypeOf<NonNullable<Agency['signOnCallback']['parameters']['query']>>();
    expectTypeOf<AgencySystemClient['account']['completeSignOn']>().returns.resolves.toEqualTypeOf<{ session: string; location: string }>();
    const check = (c: AgencySystemClient) => {
      // @ts-expect-error the account's operations need the citizen's session
      void c.account.listDossiersPage(undefined, {});
      // @ts-expect-error KetQua is required
      void c.account.evaluateDossier('000.00.06.H56-231027-0361', {}, { session: 's' });
      // @ts-expect-error state is required
      void c.account.completeSignOn({ code: 'c' });
    };
    expectTypeOf(check).toBeFunction();
  });
});
