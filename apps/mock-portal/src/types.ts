import type { OperationInfo } from '@dvc-kit/spec';

/** A request as every adapter (node:http, MSW, undici dispatcher) hands it to the portal. */
export interface PortalRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/dossiers/000.00.06.H56-231027-0361`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The raw body, if any. */
  body?: Uint8Array | undefined;
  /** Peer address, for the journal. */
  remoteAddress?: string | undefined;
}

/** What the portal answers; `body` is already serialised. */
export interface PortalResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** Fault injection asks the adapter to destroy the connection instead of answering. */
  reset?: boolean;
  /** Fault injection asks the adapter to wait this long before answering. */
  delayMs?: number;
}

/** The caller, once its token or session was checked. */
export interface SystemCaller {
  kind: 'system';
  clientId: string;
  agencyCode: string;
  scopes: ReadonlySet<string>;
}

/** A citizen signed in through the portal's sign-on. */
export interface CitizenCaller {
  kind: 'citizen';
  sub: string;
  clientId: string;
  scopes: ReadonlySet<string>;
}

export type Caller = SystemCaller | CitizenCaller;

/** What a resolver receives: validated input in. */
export interface ResolverContext<Body = unknown> {
  operation: OperationInfo;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Body;
  caller: Caller | undefined;
  /** The portal's base URL as the caller sees it (for absolute links). */
  baseUrl: string;
  requestId: string;
}

/** What a resolver answers: status, headers, a JSON value (or text for HTML). */
export interface ResolverResult {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Send `body` as is (a string), with the content type in headers. */
  raw?: boolean;
  /** The client the answer concerns, when no token named it (the token endpoint), for the journal. */
  clientId?: string;
}

export type Resolver = (ctx: ResolverContext<any>) => ResolverResult | Promise<ResolverResult>;
