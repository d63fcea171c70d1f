import type { Problem } from '@dvc-kit/spec';
import type { SyncCheckpoint } from './checkpoint.js';

/** Every stable error code this package throws. */
export type ClientErrorCode =
  | 'CLIENT_CONFIG_INVALID'
  | 'CLIENT_API_ERROR'
  | 'CLIENT_TIMEOUT'
  | 'CLIENT_NETWORK_ERROR'
  | 'CLIENT_ABORTED'
  | 'CLIENT_VALIDATION_FAILED'
  | 'CLIENT_AUTH_FAILED'
  | 'CLIENT_UNSUPPORTED_IN_BINDING'
  | 'CLIENT_SYNC_FAILED'
  | 'CLIENT_PAGINATION_LOOP';

/** Where a request went, with every secret (tokens, sessions, passwords) removed. */
export interface RequestSummary {
  operationId: string;
  method: string;
  /** The URL with secret query parameters replaced by `[REDACTED]`. */
  url: string;
  /** The `X-Request-Id` the client sent (and the server normally echoes). */
  requestId: string;
  /** How many attempts were made, retries included. */
  attempts: number;
}

/** Base class: everything thrown by @dvc-kit/client is a ClientError with a stable `code`. */
export class ClientError extends Error {
  readonly code: ClientErrorCode;
  /** The request it concerns, when there was one. */
  readonly request: RequestSummary | undefined;

  constructor(code: ClientErrorCode, message: string, options: { cause?: unknown; request?: RequestSummary } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.request = options.request;
  }
}

/** The options given to a client factory are contradictory or incomplete. */
export class ConfigError extends ClientError {
  constructor(message: string) {
    super('CLIENT_CONFIG_INVALID', message);
  }
}

/**
 * The server answered with an error: an HTTP status ≥ 400 (rest) or an `error_code` other
 * than "0"/"00" (dvcqg). Both bindings give the same `problem` (RFC 9457): the dvcqg code is
 * turned into the problem type the `x-problem-types` table pairs it with.
 */
export class ApiError<TBody = unknown> extends ClientError {
  /** HTTP status (for dvcqg: the status of the problem type its `error_code` maps to). */
  readonly status: number;
  /** The problem, as the server sent it or as derived from a non-problem answer. */
  readonly problem: Problem;
  /** Short stable name of the problem type, e.g. `not-found`, `illegal-transition`, `unknown`. */
  readonly problemKind: string;
  /** The response body as received (problem+json, an OAuth error, a dvcqg envelope …). */
  readonly body: TBody;
  /** The dvcqg `error_code`, when the answer came through the envelope. */
  readonly dvcqgErrorCode: string | undefined;
  /** The server's `X-Request-Id`, or the one the client sent. */
  readonly requestId: string;
  /** Seconds from `Retry-After`, when the server sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(details: {
    status: number;
    problem: Problem;
    problemKind: string;
    body: TBody;
    request: RequestSummary;
    requestId: string;
    dvcqgErrorCode?: string;
    retryAfterSeconds?: number;
  }) {
    const { problem, request } = details;
    const what = problem.detail ? `${problem.title}: ${problem.detail}` : problem.title;
    super('CLIENT_API_ERROR', `${request.operationId} (${request.method} ${request.url}) failed with ${details.status} ${what} [request ${details.requestId}]`, {
      request,
    });
    this.status = details.status;
    this.problem = problem;
    this.problemKind = details.problemKind;
    this.body = details.body;
    this.dvcqgErrorCode = details.dvcqgErrorCode;
    this.requestId = details.requestId;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** A connect, headers or body timeout elapsed (`phase` says which). */
export class TimeoutError extends ClientError {
  readonly phase: 'connect' | 'headers' | 'body';
  readonly timeoutMs: number;

  constructor(phase: 'connect' | 'headers' | 'body', timeoutMs: number, options: { cause?: unknown; request?: RequestSummary }) {
    const where = options.request ? ` (${options.request.operationId} ${options.request.method} ${options.request.url})` : '';
    super('CLIENT_TIMEOUT', `no ${phase === 'connect' ? 'connection' : phase === 'headers' ? 'response headers' : 'complete response body'} within ${timeoutMs} ms${where}`, options);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** The connection failed or was reset before a complete answer arrived. */
export class NetworkError extends ClientError {
  /** The underlying error code (`ECONNRESET`, `UND_ERR_SOCKET` …), when there was one. */
  readonly causeCode: string | undefined;

  constructor(message: string, options: { cause?: unknown; request?: RequestSummary; causeCode?: string }) {
    super('CLIENT_NETWORK_ERROR', message, options);
    this.causeCode = options.causeCode;
  }
}

/** The caller's AbortSignal fired. `reason` is the signal's reason. */
export class AbortError extends ClientError {
  readonly reason: unknown;

  constructor(reason: unknown, request?: RequestSummary) {
    super('CLIENT_ABORTED', `request aborted${request ? ` (${request.operationId} ${request.method} ${request.url})` : ''}`, {
      cause: reason,
      ...(request ? { request } : {}),
    });
    this.reason = reason;
  }
}

/** One finding of a request or response validation (the shape @dvc-kit/validators reports). */
export interface ValidationIssue {
  /** JSON pointer into the body, or `#/query/<name>`, `#/path/<name>`, `#/header/<name>`. */
  pointer: string;
  code: string;
  message: { vi: string; en: string };
  expected?: unknown;
  received?: unknown;
}

/** The request (before sending) or the response (after receiving) does not match the OpenAPI document. */
export class ValidationError extends ClientError {
  readonly direction: 'request' | 'response';
  readonly issues: readonly ValidationIssue[];

  constructor(direction: 'request' | 'response', issues: readonly ValidationIssue[], request?: RequestSummary) {
    const first = issues
      .slice(0, 3)
      .map((i) => `${i.pointer}: ${i.message.en}`)
      .join('; ');
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    super(
      'CLIENT_VALIDATION_FAILED',
      `${direction} of ${request?.operationId ?? 'the operation'} does not match the OpenAPI document: ${first}${more}`,
      request ? { request } : {},
    );
    this.direction = direction;
    this.issues = issues;
  }
}

/** No credential could be obtained, or the server refused a fresh one too. */
export class AuthError extends ClientError {
  constructor(message: string, options: { cause?: unknown; request?: RequestSummary } = {}) {
    super('CLIENT_AUTH_FAILED', message, options);
  }
}

/** The operation has no equivalent in the binding the client speaks (e.g. `listFeedback` over dvcqg). */
export class UnsupportedInBindingError extends ClientError {
  readonly operationId: string;
  readonly binding: string;

  constructor(operationId: string, binding: string) {
    super(
      'CLIENT_UNSUPPORTED_IN_BINDING',
      `${operationId} has no equivalent in the ${binding} binding (the OpenAPI document names no x-dvcqg service for it); use a client with binding "rest"`,
    );
    this.operationId = operationId;
    this.binding = binding;
  }
}

/** A bulk sync stopped: the checkpoint holds everything acknowledged so far; run it again to resume. */
export class SyncError extends ClientError {
  /** Records acknowledged (synced or rejected) before it stopped, in this run. */
  readonly acknowledged: number;
  /**
   * Where it stopped: pass `memoryCheckpoint(error.checkpoint)` (or save it) to resume without
   * re-sending what was acknowledged, even when no checkpoint store was given.
   */
  readonly checkpoint: SyncCheckpoint;

  constructor(message: string, options: { cause?: unknown; acknowledged: number; checkpoint: SyncCheckpoint }) {
    super('CLIENT_SYNC_FAILED', message, { cause: options.cause });
    this.acknowledged = options.acknowledged;
    this.checkpoint = options.checkpoint;
  }
}
