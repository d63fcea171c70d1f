import type { Dossier } from '@dvc-kit/spec';
import { DvcqgBinding, type DvcqgOptions } from './dvcqg.js';
import { Engine, type BaseClientOptions } from './engine.js';
import { ConfigError } from './errors.js';
import { operationTable } from './operations.js';
import { paginate } from './pagination.js';
import { sendRest, type LooseInput } from './rest.js';
import { syncDossiers, type SyncOptions, type SyncSummary } from './sync.js';
import type {
  ApiResponse,
  CallArgs,
  CallOptions,
  HeaderParams,
  ItemOf,
  NationalPortalOperations as Ops,
  OperationInput,
  PaginatedOperationId,
  PathParams,
  QueryParams,
  RequestBody,
  ResponseData,
} from './types.js';

export interface NationalPortalClientOptions extends BaseClientOptions {
  /** `rest` (default): resource URLs, OAuth 2.0; `dvcqg`: the portal's service envelope with a session. */
  binding?: 'rest' | 'dvcqg';
  /** Settings of the dvcqg binding (`agencyCode` is required with `binding: 'dvcqg'`). */
  dvcqg?: DvcqgOptions;
}

type Data<K extends keyof Ops> = ResponseData<Ops[K]>;
type Query<K extends keyof Ops> = QueryParams<Ops[K]>;
type ListQuery<K extends keyof Ops> = Omit<Query<K>, 'cursor'>;
type Body<K extends keyof Ops> = RequestBody<Ops[K]>;
type Path<K extends keyof Ops, N extends string> = PathParams<Ops[K]> extends Record<N, infer V> ? V : never;
type PaginatedId = PaginatedOperationId<Ops>;

/**
 * The national portal's API. Methods are grouped by resource and named `<resource>.<verb>`
 * (`dossiers.upsert`, `procedures.list`); each is one operation of national-portal.yaml and
 * resolves to its success body. `list` methods are async iterators over every item;
 * `listPage` fetches one page. `call(operationId, input)` reaches any operation by id and
 * answers status, headers and data.
 */
export interface NationalPortalClient {
  readonly binding: 'rest' | 'dvcqg';
  /** Any operation by its operationId, typed from the document (path, query, headers, body, answer). */
  call<K extends keyof Ops>(operationId: K, ...input: CallArgs<Ops[K]>): Promise<ApiResponse<Data<K>>>;
  /** Every item of a paginated operation, page after page. */
  paginate<K extends PaginatedId>(operationId: K, input?: Omit<OperationInput<Ops[K]>, 'query'> & { query?: Omit<Query<K>, 'cursor'> }): AsyncIterable<ItemOf<Ops[K]>>;
  auth: {
    /** `getOpenIdConfiguration` */
    openIdConfiguration(options?: CallOptions): Promise<Data<'getOpenIdConfiguration'>>;
    /** `getJwks` */
    jwks(options?: CallOptions): Promise<Data<'getJwks'>>;
    /** `authorize`: the answer as is (a 302 with `location`, or the login page). */
    authorize(query: Query<'authorize'>, options?: CallOptions): Promise<ApiResponse<Data<'authorize'>>>;
    /** `requestToken` (form-encoded). */
    requestToken(form: Body<'requestToken'>, options?: CallOptions): Promise<Data<'requestToken'>>;
    /** `getUserInfo` with the citizen's access token. */
    userInfo(accessToken: string, options?: CallOptions): Promise<Data<'getUserInfo'>>;
  };
  procedures: {
    list(query?: ListQuery<'listProcedures'>, options?: CallOptions): AsyncIterable<ItemOf<Ops['listProcedures']>>;
    listPage(query?: Query<'listProcedures'>, options?: CallOptions): Promise<Data<'listProcedures'>>;
    get(MaTTHC: Path<'getProcedure', 'MaTTHC'>, options?: CallOptions): Promise<Data<'getProcedure'>>;
  };
  agencies: {
    list(query?: ListQuery<'listAgencies'>, options?: CallOptions): AsyncIterable<ItemOf<Ops['listAgencies']>>;
    listPage(query?: Query<'listAgencies'>, options?: CallOptions): Promise<Data<'listAgencies'>>;
    get(agencyCode: Path<'getAgency', 'agencyCode'>, query?: Query<'getAgency'>, options?: CallOptions): Promise<Data<'getAgency'>>;
  };
  reference: {
    provinces(query?: Query<'listProvinces'>, options?: CallOptions): Promise<Data<'listProvinces'>>;
    ministries(query?: Query<'listMinistries'>, options?: CallOptions): Promise<Data<'listMinistries'>>;
  };
  dossiers: {
    list(query?: ListQuery<'listDossiers'>, options?: CallOptions): AsyncIterable<ItemOf<Ops['listDossiers']>>;
    listPage(query?: Query<'listDossiers'>, options?: CallOptions): Promise<Data<'listDossiers'>>;
    get(MaHoSo: Path<'getDossier', 'MaHoSo'>, options?: CallOptions): Promise<Data<'getDossier'>>;
    /** `upsertDossier`: PUT the dossier at its own `MaHoSo` (signed). */
    upsert(dossier: Body<'upsertDossier'>, options?: CallOptions & { headers?: HeaderParams<Ops['upsertDossier']> }): Promise<Data<'upsertDossier'>>;
    /** `appendDossierEvents` (signed, idempotent by key). */
    appendEvents(MaHoSo: Path<'appendDossierEvents', 'MaHoSo'>, events: Body<'appendDossierEvents'>['events'], options?: CallOptions): Promise<Data<'appendDossierEvents'>>;
    listEvents(MaHoSo: Path<'listDossierEvents', 'MaHoSo'>, query?: ListQuery<'listDossierEvents'>, options?: CallOptions): AsyncIterable<ItemOf<Ops['listDossierEvents']>>;
    listEventsPage(MaHoSo: Path<'listDossierEvents', 'MaHoSo'>, query?: Query<'listDossierEvents'>, options?: CallOptions): Promise<Data<'listDossierEvents'>>;
    /** `syncDossierBatch`: up to 1,000 dossiers, a result per record. */
    syncBatch(items: Body<'syncDossierBatch'>['items'], options?: CallOptions): Promise<Data<'syncDossierBatch'>>;
  };
  feedback: {
    list(query?: ListQuery<'listFeedback'>, options?: CallOptions): AsyncIterable<ItemOf<Ops['listFeedback']>>;
    listPage(query?: Query<'listFeedback'>, options?: CallOptions): Promise<Data<'listFeedback'>>;
    get(MaPhanAnh: Path<'getFeedback', 'MaPhanAnh'>, options?: CallOptions): Promise<Data<'getFeedback'>>;
    answer(MaPhanAnh: Path<'answerFeedback', 'MaPhanAnh'>, answer: Body<'answerFeedback'>, options?: CallOptions): Promise<Data<'answerFeedback'>>;
  };
  evaluations: {
    submit(items: Body<'submitEvaluations'>['items'], options?: CallOptions): Promise<Data<'submitEvaluations'>>;
    list(query?: ListQuery<'listEvaluations'>, options?: CallOptions): AsyncIterable<ItemOf<Ops['listEvaluations']>>;
    listPage(query?: Query<'listEvaluations'>, options?: CallOptions): Promise<Data<'listEvaluations'>>;
  };
  statistics: {
    submitReport(report: Body<'submitStatisticsReport'>, options?: CallOptions): Promise<Data<'submitStatisticsReport'>>;
    getReport(reportId: Path<'getStatisticsReport', 'reportId'>, options?: CallOptions): Promise<Data<'getStatisticsReport'>>;
  };
  payments: {
    create(request: Body<'createPayment'>, options?: CallOptions): Promise<Data<'createPayment'>>;
    get(paymentId: Path<'getPayment', 'paymentId'>, options?: CallOptions): Promise<Data<'getPayment'>>;
  };
  /** The envelope endpoints themselves, for callers that build envelopes by hand. */
  dvcqg: {
    login(body: Body<'dvcqgLogin'>, options?: CallOptions): Promise<Data<'dvcqgLogin'>>;
    integration(body: Body<'dvcqgIntegration'>, options?: CallOptions): Promise<Data<'dvcqgIntegration'>>;
    share(body: Body<'dvcqgShare'>, options?: CallOptions): Promise<Data<'dvcqgShare'>>;
  };
  /**
   * Streams dossiers through `syncDossierBatch` in batches, with back-pressure, a bounded number
   * of batches in flight, per-record results and a checkpoint to resume from after a crash.
   */
  syncDossiers(source: AsyncIterable<Dossier> | Iterable<Dossier>, options?: SyncOptions): Promise<SyncSummary>;
  /** Closes the client's own connection pool. */
  close(): Promise<void>;
}

/**
 * A client of the national portal, in the `rest` or the `dvcqg` binding: the same methods and
 * the same types either way.
 *
 * @example
 * const client = createNationalPortalClient({
 *   baseUrl: process.env.DVC_PORTAL_URL!,
 *   auth: clientCredentials({ issuer: process.env.DVC_PORTAL_URL!, clientId, privateKey }),
 *   signer: { privateKey, certificates: chainPem },
 * });
 * for await (const p of client.procedures.list({ agency: '000.00.00.H56' })) console.log(p.MaTTHC);
 * await client.dossiers.upsert(dossier);
 */
export function createNationalPortalClient(options: NationalPortalClientOptions): NationalPortalClient {
  const binding = options?.binding ?? 'rest';
  if (binding !== 'rest' && binding !== 'dvcqg') throw new ConfigError(`binding must be "rest" or "dvcqg", got ${JSON.stringify(binding)}`);
  const engine = new Engine(options);
  const table = operationTable('national-portal');
  const envelope = binding === 'dvcqg' ? new DvcqgBinding(engine, options.dvcqg as DvcqgOptions) : undefined;

  const send = (operationId: string, input: LooseInput = {}): Promise<ApiResponse<unknown>> => {
    const op = table.get(operationId);
    if (!op) return Promise.reject(new ConfigError(`national-portal.yaml has no operation ${JSON.stringify(operationId)}`));
    // The envelope endpoints are plain requests in either binding; the rest operations are carried by it in dvcqg.
    if (envelope && op.binding === 'rest') return envelope.send(op, input);
    return sendRest(engine, op, input);
  };
  const data = async (operationId: string, input: LooseInput) => (await send(operationId, input)).data as never;
  const opts = (options?: CallOptions): CallOptions => options ?? {};
  const pages = (operationId: string, input: LooseInput) =>
    paginate<never>((cursor) => data(operationId, { ...input, query: { ...input.query, ...(cursor ? { cursor } : {}) } }));

  const client: NationalPortalClient = {
    binding,
    call: ((operationId: string, input?: LooseInput) => send(operationId, input)) as NationalPortalClient['call'],
    paginate: ((operationId: string, input?: LooseInput) => pages(operationId, input ?? {})) as NationalPortalClient['paginate'],
    auth: {
      openIdConfiguration: (o) => data('getOpenIdConfiguration', opts(o)),
      jwks: (o) => data('getJwks', opts(o)),
      authorize: (query, o) => send('authorize', { ...opts(o), query }) as never,
      requestToken: (form, o) => data('requestToken', { ...opts(o), body: form }),
      userInfo: (accessToken, o) => data('getUserInfo', { ...opts(o), accessToken }),
    },
    procedures: {
      list: (query, o) => pages('listProcedures', { ...opts(o), query }),
      listPage: (query, o) => data('listProcedures', { ...opts(o), query }),
      get: (MaTTHC, o) => data('getProcedure', { ...opts(o), path: { MaTTHC } }),
    },
    agencies: {
      list: (query, o) => pages('listAgencies', { ...opts(o), query }),
      listPage: (query, o) => data('listAgencies', { ...opts(o), query }),
      get: (agencyCode, query, o) => data('getAgency', { ...opts(o), path: { agencyCode }, query }),
    },
    reference: {
      provinces: (query, o) => data('listProvinces', { ...opts(o), query }),
      ministries: (query, o) => data('listMinistries', { ...opts(o), query }),
    },
    dossiers: {
      list: (query, o) => pages('listDossiers', { ...opts(o), query }),
      listPage: (query, o) => data('listDossiers', { ...opts(o), query }),
      get: (MaHoSo, o) => data('getDossier', { ...opts(o), path: { MaHoSo } }),
      upsert: (dossier, o) => data('upsertDossier', { ...opts(o), path: { MaHoSo: dossier.MaHoSo }, body: dossier }),
      appendEvents: (MaHoSo, events, o) => data('appendDossierEvents', { ...opts(o), path: { MaHoSo }, body: { events } }),
      listEvents: (MaHoSo, query, o) => pages('listDossierEvents', { ...opts(o), path: { MaHoSo }, query }),
      listEventsPage: (MaHoSo, query, o) => data('listDossierEvents', { ...opts(o), path: { MaHoSo }, query }),
      syncBatch: (items, o) => data('syncDossierBatch', { ...opts(o), body: { items } }),
    },
    feedback: {
      list: (query, o) => pages('listFeedback', { ...opts(o), query }),
      listPage: (query, o) => data('listFeedback', { ...opts(o), query }),
      get: (MaPhanAnh, o) => data('getFeedback', { ...opts(o), path: { MaPhanAnh } }),
      answer: (MaPhanAnh, answer, o) => data('answerFeedback', { ...opts(o), path: { MaPhanAnh }, body: answer }),
    },
    evaluations: {
      submit: (items, o) => data('submitEvaluations', { ...opts(o), body: { items } }),
      list: (query, o) => pages('listEvaluations', { ...opts(o), query }),
      listPage: (query, o) => data('listEvaluations', { ...opts(o), query }),
    },
    statistics: {
      submitReport: (report, o) => data('submitStatisticsReport', { ...opts(o), body: report }),
      getReport: (reportId, o) => data('getStatisticsReport', { ...opts(o), path: { reportId } }),
    },
    payments: {
      create: (request, o) => data('createPayment', { ...opts(o), body: request }),
      get: (paymentId, o) => data('getPayment', { ...opts(o), path: { paymentId } }),
    },
    dvcqg: {
      login: (body, o) => data('dvcqgLogin', { ...opts(o), body }),
      integration: (body, o) => data('dvcqgIntegration', { ...opts(o), body }),
      share: (body, o) => data('dvcqgShare', { ...opts(o), body }),
    },
    syncDossiers: (source, syncOptions) =>
      syncDossiers(source, syncOptions ?? {}, (items, callOptions) =>
        send('syncDossierBatch', { ...callOptions, body: { items } }).then((r) => r.data as Data<'syncDossierBatch'>),
      ),
    close: () => engine.close(),
  };
  return client;
}
