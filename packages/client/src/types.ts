import type { AgencySystem, NationalPortal } from '@dvc-kit/spec';

/** The operations of the national portal's document, as openapi-typescript generated them. */
export type NationalPortalOperations = NationalPortal.operations;
/** The operations of the agency system's document. */
export type AgencySystemOperations = AgencySystem.operations;

/** Headers the client sets itself: an Idempotency-Key per logical write, the message signature, the request id. */
export type ManagedHeader = 'Idempotency-Key' | 'X-DVC-Signature' | 'X-Request-Id';

type IsNever<T> = [T] extends [never] ? true : false;
type Defined<T> = Exclude<T, undefined>;
type ParamsOf<O> = O extends { parameters: infer P } ? P : never;
type ParamGroup<O, G extends string> = ParamsOf<O> extends Partial<Record<G, infer X>> ? Defined<X> : never;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];

/** Path parameters of an operation (`{ MaHoSo: string }`), `never` when it has none. */
export type PathParams<O> = ParamGroup<O, 'path'>;
/** Query parameters of an operation. */
export type QueryParams<O> = ParamGroup<O, 'query'>;
/** Header parameters the caller may set (those the client manages are left out). */
export type HeaderParams<O> = Omit<ParamGroup<O, 'header'>, ManagedHeader>;

/** The request body of an operation (its only media type), `never` when it has none. */
export type RequestBody<O> = O extends { requestBody?: infer RB }
  ? Defined<RB> extends { content: infer C }
    ? C[keyof C]
    : never
  : never;

type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type ContentOf<R> = R extends { content: infer C } ? C[keyof C] : undefined;
type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 206 | 300 | 301 | 302 | 303 | 304 | 307 | 308;

/** The body of a successful answer (the union over its 2xx/3xx responses). */
export type ResponseData<O> = {
  [S in keyof ResponsesOf<O>]: S extends SuccessStatus ? ContentOf<ResponsesOf<O>[S]> : never;
}[keyof ResponsesOf<O>];

/** The body of an error answer (the union over its 4xx/5xx responses): usually a Problem. */
export type ErrorBody<O> = {
  [S in keyof ResponsesOf<O>]: S extends SuccessStatus ? never : ContentOf<ResponsesOf<O>[S]>;
}[keyof ResponsesOf<O>];

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the call, including its retries and backoff waits. */
  signal?: AbortSignal;
  /**
   * The Idempotency-Key of this logical write. By default the client makes one per call and
   * sends it on every retry; pass your own to make a write idempotent across restarts.
   */
  idempotencyKey?: string;
  /** Overrides the client's `timeoutMs` (connect, headers and body) for this call. */
  timeoutMs?: number;
  /** For operations authenticated by the caller's token (userinfo, the citizen's lookup): that token. */
  accessToken?: string;
  /**
   * For operations authenticated by a session cookie (a citizen's session at an agency system,
   * `listMyDossiers`, `evaluateDossier`): the cookie's value, as `account.completeSignOn` answers it.
   */
  session?: string;
  /** Sent as `X-Request-Id` (default: a new UUID). */
  requestId?: string;
}

type PathInput<O> = IsNever<PathParams<O>> extends true ? {} : { path: PathParams<O> };
type QueryInput<O> = IsNever<QueryParams<O>> extends true
  ? {}
  : RequiredKeys<QueryParams<O>> extends never
    ? { query?: QueryParams<O> }
    : { query: QueryParams<O> };
type HeaderInput<O> = IsNever<ParamGroup<O, 'header'>> extends true
  ? {}
  : RequiredKeys<HeaderParams<O>> extends never
    ? { headers?: HeaderParams<O> }
    : { headers: HeaderParams<O> };
type BodyInput<O> = IsNever<RequestBody<O>> extends true ? {} : { body: RequestBody<O> };

/** What `call(operationId, input)` takes for an operation: its parameters and body, typed from the document. */
export type OperationInput<O> = PathInput<O> & QueryInput<O> & HeaderInput<O> & BodyInput<O> & CallOptions;

/** The arguments of `call` for an operation: the input may be left out when nothing in it is required. */
export type CallArgs<O> = {} extends OperationInput<O> ? [input?: OperationInput<O>] : [input: OperationInput<O>];

/** A successful answer. */
export interface ApiResponse<TData> {
  status: number;
  data: TData;
  headers: Record<string, string | string[] | undefined>;
  /** The server's `X-Request-Id` (or the one sent). */
  requestId: string;
}

/** One page of a cursor-paginated list. */
export type PageOf<O> = ResponseData<O>;
/** The item type of a paginated operation. */
export type ItemOf<O> = ResponseData<O> extends { items: Array<infer I> } ? I : never;

/** Operation ids of a map whose answer is a cursor page. */
export type PaginatedOperationId<Ops> = {
  [K in keyof Ops]: ResponseData<Ops[K]> extends { items: unknown[]; nextCursor?: unknown } ? K : never;
}[keyof Ops];
