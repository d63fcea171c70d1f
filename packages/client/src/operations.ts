import { getDocument, listOperations, type DocumentName, type HttpMethod } from '@dvc-kit/spec';

/** How an operation is authenticated, read from its `security` in the document. */
export type SecurityKind =
  /** No credential (`security: []`). */
  | 'none'
  /** The system's own credential from the `auth` provider (an OAuth 2.0 client-credentials scheme). */
  | 'system'
  /** A token the caller passes per call (`accessToken`): a citizen's, for userinfo and the authenticated lookup. */
  | 'user'
  /** A session cookie the caller passes per call (`session`): a citizen's session at an agency system (an apiKey scheme in a cookie). */
  | 'session';

/** What the client needs to know about an operation at run time, all read from the OpenAPI document. */
export interface RuntimeOperation {
  document: DocumentName;
  operationId: string;
  method: Uppercase<HttpMethod>;
  path: string;
  /** `{name}` placeholders of the path, in order. */
  pathParams: string[];
  binding: 'rest' | 'dvcqg';
  security: SecurityKind;
  /** With `session` security: the cookie's name, as the document's scheme gives it. */
  sessionCookie: string | undefined;
  idempotencyKey: boolean;
  signed: boolean;
  /**
   * A success answer sets a cookie (the document gives it `Set-Cookie`): the call starts a
   * session from something single-use (a sign-on code), so it is not repeated, whatever its method.
   */
  startsSession: boolean;
  /** The request body's media type, when there is a body. */
  requestContentType: string | undefined;
  dvcqg: { operationId: string; service: string } | undefined;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/**
 * Whether repeating the request cannot have a second effect: an idempotent method, or a write
 * carrying an Idempotency-Key; never a call that starts a session (a sign-on code is redeemed once).
 */
export function isRetrySafe(method: string, hasIdempotencyKey: boolean, startsSession = false): boolean {
  return !startsSession && (IDEMPOTENT_METHODS.has(method) || hasIdempotencyKey);
}

/** Whether a 2xx or 3xx answer of the operation documents a Set-Cookie header. */
function setsCookie(operation: Record<string, unknown>): boolean {
  const responses = (operation['responses'] ?? {}) as Record<string, { headers?: Record<string, unknown> }>;
  return Object.entries(responses).some(([status, r]) => /^[23]\d\d$/.test(status) && Object.keys(r?.headers ?? {}).some((h) => h.toLowerCase() === 'set-cookie'));
}

interface SecurityScheme {
  type?: string;
  in?: string;
  name?: string;
  flows?: Record<string, unknown>;
}

function security(document: DocumentName, operation: Record<string, unknown>): { kind: SecurityKind; cookie?: string } {
  const doc = getDocument(document);
  const requirements = (operation['security'] ?? doc['security'] ?? []) as Array<Record<string, unknown>>;
  if (requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0)) return { kind: 'none' };
  const schemes = (doc.components.securitySchemes ?? {}) as Record<string, SecurityScheme>;
  const names = Object.keys(requirements[0]!);
  const scheme = schemes[names[0]!];
  if (scheme?.type === 'oauth2' && scheme.flows?.['clientCredentials']) return { kind: 'system' };
  if (scheme?.type === 'apiKey' && scheme.in === 'cookie' && scheme.name) return { kind: 'session', cookie: scheme.name };
  return { kind: 'user' };
}

const tables = new Map<DocumentName, Map<string, RuntimeOperation>>();

/** The operations of a document by operationId. */
export function operationTable(document: DocumentName): Map<string, RuntimeOperation> {
  const cached = tables.get(document);
  if (cached) return cached;
  const table = new Map<string, RuntimeOperation>();
  for (const info of listOperations(document)) {
    const requestBody = info.operation['requestBody'] as { content?: Record<string, unknown> } | undefined;
    const auth = security(document, info.operation);
    table.set(info.operationId, {
      document,
      operationId: info.operationId,
      method: info.method.toUpperCase() as Uppercase<HttpMethod>,
      path: info.path,
      pathParams: [...info.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
      binding: info.binding,
      security: auth.kind,
      sessionCookie: auth.cookie,
      idempotencyKey: info.idempotencyKey,
      signed: info.signed,
      startsSession: setsCookie(info.operation),
      requestContentType: requestBody?.content ? Object.keys(requestBody.content)[0] : undefined,
      dvcqg: info.dvcqg,
    });
  }
  tables.set(document, table);
  return table;
}
