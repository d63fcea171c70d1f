import { Engine, type BaseClientOptions } from './engine.js';
import { ConfigError } from './errors.js';
import { operationTable } from './operations.js';
import { paginate } from './pagination.js';
import { sendRest, type LooseInput } from './rest.js';
import { COOKIE_NAME, signOnSession, type SignOnSession } from './sign-on-session.js';
import type {
  AgencySystemOperations as Ops,
  ApiResponse,
  CallArgs,
  CallOptions,
  ItemOf,
  OperationInput,
  PaginatedOperationId,
  PathParams,
  QueryParams,
  RequestBody,
  ResponseData,
} from './types.js';

export interface AgencySystemClientOptions extends BaseClientOptions {
  /** agency-system.yaml has the rest binding only; `dvcqg` is refused. */
  binding?: 'rest';
  /** The name of the system's session cookie (default the document's `citizenSession` scheme's, `dvc_session`; the standard leaves it to the system). */
  sessionCookie?: string;
}

/** Options of the account's operations: the citizen's session at the system (from `account.completeSignOn`). */
export type SessionOptions = CallOptions & { session: string };

type Data<K extends keyof Ops> = ResponseData<Ops[K]>;
type Query<K extends keyof Ops> = QueryParams<Ops[K]>;
type Body<K extends keyof Ops> = RequestBody<Ops[K]>;
type Path<K extends keyof Ops, N extends string> = PathParams<Ops[K]> extends Record<N, infer V> ? V : never;

/**
 * An agency system's API, as the national portal (or the conformance suite) calls it. Same
 * naming scheme as the national portal's client: `<resource>.<verb>`, plus `call(operationId, input)`.
 */
export interface AgencySystemClient {
  readonly binding: 'rest';
  call<K extends keyof Ops>(operationId: K, ...input: CallArgs<Ops[K]>): Promise<ApiResponse<Data<K>>>;
  paginate<K extends PaginatedOperationId<Ops>>(operationId: K, input?: Omit<OperationInput<Ops[K]>, 'query'> & { query?: Omit<Query<K>, 'cursor'> }): AsyncIterable<ItemOf<Ops[K]>>;
  dossiers: {
    /** `receiveDossier` (signed, idempotent by key): the system answers the dossier code it generated. */
    receive(submission: Body<'receiveDossier'>, options?: CallOptions): Promise<Data<'receiveDossier'>>;
    /** `lookupDossierPublic`: code and completion status, no authentication. */
    lookupPublic(MaHoSo: Path<'lookupDossierPublic', 'MaHoSo'>, options?: CallOptions): Promise<Data<'lookupDossierPublic'>>;
    /** `lookupDossier` with the citizen's token (`accessToken`). */
    lookup(MaHoSo: Path<'lookupDossier', 'MaHoSo'>, options: CallOptions & { accessToken: string }): Promise<Data<'lookupDossier'>>;
    submitSupplement(MaHoSo: Path<'submitSupplement', 'MaHoSo'>, supplement: Body<'submitSupplement'>, options?: CallOptions): Promise<Data<'submitSupplement'>>;
    withdraw(MaHoSo: Path<'withdrawDossier', 'MaHoSo'>, withdrawal: Body<'withdrawDossier'>, options?: CallOptions): Promise<Data<'withdrawDossier'>>;
  };
  payments: {
    notify(payment: Body<'notifyPayment'>, options?: CallOptions): Promise<Data<'notifyPayment'>>;
  };
  feedback: {
    receive(feedback: Body<'receiveFeedback'>, options?: CallOptions): Promise<Data<'receiveFeedback'>>;
  };
  statistics: {
    get(query: Query<'getStatistics'>, options?: CallOptions): Promise<Data<'getStatistics'>>;
  };
  procedures: {
    list(options?: CallOptions): AsyncIterable<ItemOf<Ops['listOfferedProcedures']>>;
    listPage(query?: Query<'listOfferedProcedures'>, options?: CallOptions): Promise<Data<'listOfferedProcedures'>>;
  };
  health: {
    get(options?: CallOptions): Promise<Data<'getHealth'>>;
  };
  deepLink: {
    /** `openDeepLink`: the answer as is (a 302 with `location`, or the form page). */
    open(query: Query<'openDeepLink'>, options?: CallOptions): Promise<ApiResponse<Data<'openDeepLink'>>>;
  };
  /** The citizen's account at the system, signed in through the national portal (cookie session `citizenSession`). */
  account: {
    /** `signOnCallback`: hands the portal's `code` and `state` to the system's redirect URI; the session cookie it set and its `Location`. */
    completeSignOn(query: Query<'signOnCallback'>, options?: CallOptions): Promise<SignOnSession>;
    /** `listMyDossiers`: every dossier of the signed-in account, newest first (the next page is fetched when asked for). */
    listDossiers(options: SessionOptions): AsyncIterable<ItemOf<Ops['listMyDossiers']>>;
    /** `listMyDossiers`: one page, with the account as the system knows it. */
    listDossiersPage(query: Query<'listMyDossiers'> | undefined, options: SessionOptions): Promise<Data<'listMyDossiers'>>;
    /** `evaluateDossier` (PUT): the owner's evaluation of a finished dossier; 201 recorded, 200 the same one again. */
    evaluateDossier(MaHoSo: Path<'evaluateDossier', 'MaHoSo'>, evaluation: Body<'evaluateDossier'>, options: SessionOptions): Promise<Data<'evaluateDossier'>>;
  };
  close(): Promise<void>;
}

/**
 * A client of an agency system's API (agency-system.yaml).
 *
 * @example
 * const agency = createAgencySystemClient({ baseUrl: 'http://127.0.0.1:4020', auth: portalTokens, signer: portalSigner });
 * const receipt = await agency.dossiers.receive(submission);
 */
export function createAgencySystemClient(options: AgencySystemClientOptions): AgencySystemClient {
  if (options?.binding !== undefined && options.binding !== 'rest') {
    throw new ConfigError(`agency-system.yaml has the rest binding only, got binding ${JSON.stringify(options.binding)}`);
  }
  if (options.sessionCookie !== undefined && !COOKIE_NAME.test(options.sessionCookie)) {
    throw new ConfigError(`sessionCookie must be a cookie name (an RFC 6265 token), got ${JSON.stringify(options.sessionCookie)}`);
  }
  const engine = new Engine(options);
  const table = operationTable('agency-system');
  const sessionCookie = options.sessionCookie ?? [...table.values()].find((op) => op.sessionCookie)?.sessionCookie;
  const send = (operationId: string, input: LooseInput = {}): Promise<ApiResponse<unknown>> => {
    const op = table.get(operationId);
    if (!op) return Promise.reject(new ConfigError(`agency-system.yaml has no operation ${JSON.stringify(operationId)}`));
    return sendRest(engine, op.security === 'session' ? { ...op, sessionCookie } : op, input);
  };
  const data = async (operationId: string, input: LooseInput) => (await send(operationId, input)).data as never;
  const opts = (o?: CallOptions): CallOptions => o ?? {};
  const pages = (operationId: string, input: LooseInput) =>
    paginate<never>((cursor) => data(operationId, { ...input, query: { ...input.query, ...(cursor ? { cursor } : {}) } }));

  return {
    binding: 'rest',
    call: ((operationId: string, input?: LooseInput) => send(operationId, input)) as AgencySystemClient['call'],
    paginate: ((operationId: string, input?: LooseInput) => pages(operationId, input ?? {})) as AgencySystemClient['paginate'],
    dossiers: {
      receive: (submission, o) => data('receiveDossier', { ...opts(o), body: submission }),
      lookupPublic: (MaHoSo, o) => data('lookupDossierPublic', { ...opts(o), path: { MaHoSo } }),
      lookup: (MaHoSo, o) => data('lookupDossier', { ...o, path: { MaHoSo } }),
      submitSupplement: (MaHoSo, supplement, o) => data('submitSupplement', { ...opts(o), path: { MaHoSo }, body: supplement }),
      withdraw: (MaHoSo, withdrawal, o) => data('withdrawDossier', { ...opts(o), path: { MaHoSo }, body: withdrawal }),
    },
    payments: { notify: (payment, o) => data('notifyPayment', { ...opts(o), body: payment }) },
    feedback: { receive: (feedback, o) => data('receiveFeedback', { ...opts(o), body: feedback }) },
    statistics: { get: (query, o) => data('getStatistics', { ...opts(o), query }) },
    procedures: {
      list: (o) => pages('listOfferedProcedures', opts(o)),
      listPage: (query, o) => data('listOfferedProcedures', { ...opts(o), query }),
    },
    health: { get: (o) => data('getHealth', opts(o)) },
    deepLink: { open: (query, o) => send('openDeepLink', { ...opts(o), query }) as never },
    account: {
      completeSignOn: async (query, o) => signOnSession(await send('signOnCallback', { ...opts(o), query }), sessionCookie!),
      listDossiers: (o) => pages('listMyDossiers', o),
      listDossiersPage: (query, o) => data('listMyDossiers', { ...o, ...(query ? { query } : {}) }),
      evaluateDossier: (MaHoSo, evaluation, o) => data('evaluateDossier', { ...o, path: { MaHoSo }, body: evaluation }),
    },
    close: () => engine.close(),
  };
}
