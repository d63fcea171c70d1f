import { randomUUID } from 'node:crypto';
import type { Credential, CredentialProvider } from '@dvc-kit/auth';
import type { Problem } from '@dvc-kit/spec';
import type { Dispatcher } from 'undici';
import { AbortError, ApiError, AuthError, ClientError, ConfigError, NetworkError, ValidationError, type RequestSummary } from './errors.js';
import { emit, type ClientLogger } from './logger.js';
import { problemForStatus, problemKind } from './problem-types.js';
import { redactBody, redactHeaders, redactUrl } from './redact.js';
import { backoffDelay, parseRetryAfter, resolveRetryPolicy, RetryBudget, sleep, type ResolvedRetryPolicy, type RetryOptions } from './retry.js';
import { resolveSigner, type MessageSigner, type ResolvedSigner, type SigningIdentity } from './signer.js';
import { createPool, exchange, type RawResponse, type TransportOptions } from './transport.js';
import type { ApiResponse } from './types.js';
import { lazyValidator, type OperationValidator, type ValidationMode } from './validation.js';

/** Options shared by both client factories. */
export interface BaseClientOptions {
  /** Base URL of the API, e.g. `https://api.dichvucong.gov.vn` (a path prefix is kept). */
  baseUrl: string;
  /** Where credentials come from (@dvc-kit/auth `clientCredentials(...)` or `dvcqgSession(...)`). */
  auth?: CredentialProvider;
  /** Connect, response-headers and body timeout of each attempt, in ms (default 30 000). */
  timeoutMs?: number;
  /** A number of retries, or the full policy (default 3 retries, full-jitter backoff, a retry budget). */
  retries?: number | RetryOptions;
  /** Check requests (and responses) against the OpenAPI document with @dvc-kit/validators (default `off`). */
  validate?: ValidationMode;
  /** The validators to use instead of @dvc-kit/validators. */
  validator?: OperationValidator;
  /** Signs the bodies of operations that require `X-DVC-Signature`. */
  signer?: MessageSigner | SigningIdentity;
  /** The undici dispatcher to send through (default: the auth provider's, else a keep-alive Pool to the origin). */
  dispatcher?: Dispatcher;
  /** Options of the client's own Pool (ignored with `dispatcher`). */
  transport?: TransportOptions;
  /** Receives request/response/retry/error events, with tokens and personal data redacted. */
  logger?: ClientLogger;
  /** Include (redacted) bodies in log events (default false). */
  logBodies?: boolean;
  /** `User-Agent` header (default `@dvc-kit/client`). */
  userAgent?: string;
}

/** The input of one exchange: everything but the credential-dependent parts is fixed before the first attempt. */
export interface ExchangeSpec {
  operationId: string;
  method: Dispatcher.HttpMethod;
  /** Path and query, without the base path. */
  path: string;
  headers: Record<string, string>;
  /** The body value (before serialisation), given the credential (dvcqg puts the session in the body). */
  body: ((credential: Credential | undefined) => unknown) | undefined;
  serialize: (body: unknown) => string;
  auth: 'none' | 'system' | 'user' | 'session';
  /** The kind of system credential the exchange needs (rest: a bearer token; dvcqg: a session). */
  credentialType?: Credential['type'];
  accessToken: string | undefined;
  /** With `session` auth: the cookie sent, its name and the caller's value. */
  session?: { cookie: string | undefined; value: string | undefined };
  retrySafe: boolean;
  requestId: string;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  /** Runs once, with the first attempt's body and headers, before anything is sent. */
  beforeFirstSend?: (body: unknown, headers: Record<string, string>) => Promise<void> | void;
  classify: (raw: RawResponse, parsed: unknown, summary: () => RequestSummary) => Outcome;
  /** Checks a successful answer (response validation). */
  afterSuccess?: (status: number, headers: RawResponse['headers'], data: unknown, summary: () => RequestSummary) => Promise<void> | void;
}

export type Outcome =
  | { kind: 'ok'; data: unknown }
  | { kind: 'error'; error: ApiError; retryable: boolean; credentialRejected: boolean };

interface RunState {
  attempts: number;
  retries: number;
  /** The URL with secrets removed, for errors and logs. */
  url: string;
}

/** Statuses worth another attempt of a retry-safe request. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Sends exchanges with auth, retries, timeouts, logging and validation; both bindings go through it. */
export class Engine {
  readonly origin: string;
  readonly basePath: string;
  readonly dispatcher: Dispatcher;
  readonly auth: CredentialProvider | undefined;
  readonly timeoutMs: number;
  readonly policy: ResolvedRetryPolicy;
  readonly budget: RetryBudget;
  readonly validateMode: ValidationMode;
  readonly signer: ResolvedSigner | undefined;
  private readonly logger: ClientLogger | undefined;
  private readonly logBodies: boolean;
  private readonly userAgent: string;
  private readonly ownsDispatcher: boolean;
  private readonly loadValidator: () => Promise<OperationValidator>;

  constructor(options: BaseClientOptions) {
    if (!options || typeof options.baseUrl !== 'string' || !URL.canParse(options.baseUrl)) {
      throw new ConfigError(`baseUrl must be an absolute URL, got ${JSON.stringify(options?.baseUrl)}`);
    }
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`baseUrl must be http(s), got ${url.protocol}`);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs > 0)) throw new ConfigError(`timeoutMs must be a positive number of ms, got ${timeoutMs}`);
    this.timeoutMs = timeoutMs;
    const validate = options.validate ?? 'off';
    if (!['off', 'requests', 'all'].includes(validate)) throw new ConfigError(`validate must be "off", "requests" or "all", got ${JSON.stringify(validate)}`);
    this.validateMode = validate;
    this.auth = options.auth;
    this.policy = resolveRetryPolicy(options.retries);
    this.budget = new RetryBudget(typeof options.retries === 'object' ? options.retries.budget : undefined);
    this.signer = resolveSigner(options.signer);
    this.logger = options.logger;
    this.logBodies = options.logBodies === true;
    this.userAgent = options.userAgent ?? '@dvc-kit/client';
    const given = options.dispatcher ?? options.auth?.dispatcher;
    this.ownsDispatcher = given === undefined;
    this.dispatcher = given ?? createPool(this.origin, timeoutMs, options.transport);
    const validator = options.validator;
    this.loadValidator = validator ? () => Promise.resolve(validator) : lazyValidator();
  }

  validator(): Promise<OperationValidator> {
    return this.loadValidator();
  }

  /** Closes the client's own connection pool (a dispatcher that was passed in is left open). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** The request id and default headers of a new exchange. */
  baseHeaders(requestId: string): Record<string, string> {
    return { accept: 'application/json, application/problem+json', 'user-agent': this.userAgent, 'x-request-id': requestId };
  }

  newRequestId(given?: string): string {
    return given ?? randomUUID();
  }

  async run(spec: ExchangeSpec): Promise<ApiResponse<unknown>> {
    const state: RunState = { attempts: 0, retries: 0, url: redactUrl(this.origin + this.basePath + spec.path) };
    const summary = (): RequestSummary => ({ operationId: spec.operationId, method: spec.method, url: state.url, requestId: spec.requestId, attempts: state.attempts });
    const signal = spec.signal;
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    // spec.headers belongs to this call alone, so the credential is written into it per attempt.
    const headers = spec.headers;
    let authRefreshed = false;
    this.budget.deposit();

    for (;;) {
      state.attempts++;
      const credential = spec.auth === 'none' ? undefined : await this.credentialFor(spec, summary);
      if (credential?.type === 'bearer') headers['authorization'] = `Bearer ${credential.token}`;
      else if (spec.auth === 'user') headers['authorization'] = `Bearer ${spec.accessToken}`;
      else if (spec.auth === 'session') headers['cookie'] = `${spec.session!.cookie}=${spec.session!.value}`;
      const bodyValue = spec.body?.(credential);
      if (state.attempts === 1 && spec.beforeFirstSend) await spec.beforeFirstSend(bodyValue, headers);
      const body = bodyValue === undefined ? undefined : spec.serialize(bodyValue);
      const started = this.logger ? Date.now() : 0;
      if (this.logger) {
        emit(this.logger, {
          type: 'request',
          operationId: spec.operationId,
          method: spec.method,
          url: state.url,
          requestId: spec.requestId,
          attempt: state.attempts,
          headers: redactHeaders(headers),
          ...(this.logBodies && bodyValue !== undefined ? { body: redactBody(bodyValue) } : {}),
        });
      }

      let raw: RawResponse;
      try {
        raw = await exchange(
          this.dispatcher,
          { origin: this.origin, method: spec.method, path: this.basePath + spec.path, headers, body, signal, timeoutMs },
          summary,
        );
      } catch (error) {
        if (error instanceof NetworkError && this.mayRetry(spec, state) && this.budget.tryWithdraw()) {
          await this.wait(spec, state, backoffDelay(state.retries, this.policy), error.causeCode ?? 'network error', summary);
          continue;
        }
        this.logError(error, spec, state);
        throw error;
      }

      let parsed: unknown;
      try {
        parsed = parseBody(raw);
      } catch (error) {
        const issue = { pointer: '', code: 'json', message: { vi: 'Nội dung trả về không phải JSON hợp lệ', en: `response body is not valid JSON: ${(error as Error).message}` } };
        throw new ValidationError('response', [issue], summary());
      }
      if (this.logger) {
        emit(this.logger, {
          type: 'response',
          operationId: spec.operationId,
          method: spec.method,
          url: state.url,
          requestId: spec.requestId,
          attempt: state.attempts,
          status: raw.status,
          durationMs: Date.now() - started,
          ...(this.logBodies && parsed !== undefined ? { body: redactBody(parsed) } : {}),
        });
      }

      const outcome = spec.classify(raw, parsed, summary);
      if (outcome.kind === 'ok') {
        if (spec.afterSuccess) await spec.afterSuccess(raw.status, raw.headers, outcome.data, summary);
        return { status: raw.status, data: outcome.data, headers: raw.headers, requestId: headerValue(raw.headers['x-request-id']) ?? spec.requestId };
      }
      if (outcome.credentialRejected && spec.auth === 'system' && credential) {
        if (!authRefreshed) {
          authRefreshed = true;
          this.auth!.invalidate(credential);
          continue;
        }
        this.logError(outcome.error, spec, state);
        throw new AuthError(`${spec.operationId}: the server refused a freshly obtained credential too (${outcome.error.problem.title})`, {
          cause: outcome.error,
          request: summary(),
        });
      }
      if (outcome.retryable && this.mayRetry(spec, state)) {
        const retryAfter = parseRetryAfter(raw.headers['retry-after']);
        if ((retryAfter === undefined || retryAfter <= this.policy.maxDelayMs) && this.budget.tryWithdraw()) {
          await this.wait(spec, state, retryAfter ?? backoffDelay(state.retries, this.policy), `status ${raw.status}`, summary);
          continue;
        }
      }
      this.logError(outcome.error, spec, state);
      throw outcome.error;
    }
  }

  private mayRetry(spec: ExchangeSpec, state: RunState): boolean {
    return spec.retrySafe && state.retries < this.policy.maxRetries;
  }

  /** The backoff wait before a retry; an abort during it ends the call. */
  private async wait(spec: ExchangeSpec, state: RunState, ms: number, reason: string, summary: () => RequestSummary): Promise<void> {
    emit(this.logger, { type: 'retry', operationId: spec.operationId, method: spec.method, url: state.url, requestId: spec.requestId, attempt: state.attempts, delayMs: ms, reason });
    try {
      await sleep(ms, spec.signal);
    } catch (reasonOfAbort) {
      throw new AbortError(reasonOfAbort, summary());
    }
    state.retries++;
  }

  private async credentialFor(spec: ExchangeSpec, summary: () => RequestSummary): Promise<Credential | undefined> {
    if (spec.auth === 'user') {
      if (!spec.accessToken) throw new AuthError(`${spec.operationId} is authenticated by the caller's token: pass accessToken`, { request: summary() });
      return undefined;
    }
    if (spec.auth === 'session') {
      checkSession(spec, summary);
      return undefined;
    }
    if (spec.auth !== 'system') return undefined;
    if (!this.auth) throw new ConfigError(`${spec.operationId} needs a credential: pass auth (a CredentialProvider from @dvc-kit/auth)`);
    let credential: Credential;
    try {
      credential = await this.auth.getCredential(spec.signal ? { signal: spec.signal } : undefined);
    } catch (error) {
      if (spec.signal?.aborted) throw new AbortError(spec.signal.reason, summary());
      if (error instanceof ClientError) throw error;
      throw new AuthError(`${spec.operationId}: no credential could be obtained: ${(error as Error).message}`, { cause: error, request: summary() });
    }
    const wanted = spec.credentialType ?? 'bearer';
    if (credential.type !== wanted) {
      throw new ConfigError(
        `${spec.operationId} needs a ${wanted} credential but auth gave a ${credential.type}: use ${wanted === 'bearer' ? 'clientCredentials(...) with binding "rest"' : 'dvcqgSession(...) with binding "dvcqg"'}`,
      );
    }
    return credential;
  }

  private logError(error: unknown, spec: ExchangeSpec, state: RunState): void {
    if (!this.logger) return;
    const e = error as { code?: string; message?: string };
    emit(this.logger, {
      type: 'error',
      operationId: spec.operationId,
      method: spec.method,
      url: state.url,
      requestId: spec.requestId,
      attempt: state.attempts,
      code: e.code ?? 'UNKNOWN',
      message: redactUrl(e.message ?? String(error)),
    });
  }
}

/** RFC 6265 cookie-octets (optionally in double quotes): anything else could add a cookie or break the header. */
const COOKIE_VALUE = /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/;

function checkSession(spec: ExchangeSpec, summary: () => RequestSummary): void {
  const { cookie, value } = spec.session ?? {};
  if (!cookie) throw new ConfigError(`${spec.operationId} is authenticated by a session cookie but no cookie name is known`);
  if (!value) throw new AuthError(`${spec.operationId} is authenticated by the citizen's session at the system: pass session (from account.completeSignOn)`, { request: summary() });
  if (!COOKIE_VALUE.test(value)) throw new AuthError(`${spec.operationId}: session is not a cookie value (RFC 6265 cookie-octets)`, { request: summary() });
}

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** JSON for JSON media types (`application/json`, `application/problem+json`, `+json`), text otherwise, undefined when empty. */
export function parseBody(raw: RawResponse): unknown {
  if (raw.text === '') return undefined;
  const type = headerValue(raw.headers['content-type']) ?? '';
  return type.includes('json') ? JSON.parse(raw.text) : raw.text;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).title === 'string' && typeof (body as Problem).status === 'number';
}

/** The ApiError for an HTTP error answer of the rest binding. */
export function apiErrorFromResponse(raw: RawResponse, parsed: unknown, summary: RequestSummary): ApiError {
  let problem: Problem;
  if (isProblem(parsed)) problem = parsed;
  else if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string') {
    const oauth = parsed as { error: string; error_description?: string };
    problem = problemForStatus(raw.status, oauth.error_description ? `${oauth.error}: ${oauth.error_description}` : oauth.error);
  } else problem = problemForStatus(raw.status);
  const retryAfter = parseRetryAfter(raw.headers['retry-after']);
  return new ApiError({
    status: raw.status,
    problem,
    problemKind: problemKind(problem.type),
    body: parsed,
    request: summary,
    requestId: headerValue(raw.headers['x-request-id']) ?? summary.requestId,
    ...(retryAfter !== undefined ? { retryAfterSeconds: Math.round(retryAfter / 1000) } : {}),
  });
}

/** Classification of a rest answer: 2xx/3xx is data; an error is retryable on the usual transient statuses. */
export function classifyRest(raw: RawResponse, parsed: unknown, summary: () => RequestSummary): Outcome {
  if (raw.status < 400) return { kind: 'ok', data: parsed };
  return {
    kind: 'error',
    error: apiErrorFromResponse(raw, parsed, summary()),
    retryable: RETRYABLE_STATUS.has(raw.status),
    credentialRejected: raw.status === 401,
  };
}
