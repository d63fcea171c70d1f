import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { TargetUnreachableError } from './errors.js';
import { redactBody, redactHeaders, redactText } from './redact.js';

/** One HTTP request and its answer as shown in a report: redacted, with timing. */
export interface HttpExchange {
  id: number;
  /** What the check was doing, e.g. "receiveDossier with an expired token". */
  label?: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body?: string };
  /** Set when no answer came (connection refused, timeout). */
  error?: string;
  startedAt: string;
  durationMs: number;
}

export interface SendOptions {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  label?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  durationMs: number;
  exchange: HttpExchange;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED', 'EPROTO']);
// The suite cannot talk to a target whose certificate it cannot verify: unreachable, not a finding
// of the check at hand (the transport checks judge the certificate itself).
const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;

/**
 * The dispatcher of each run by origin: `ctx.send` goes through the run's HTTP client (its
 * trust anchors and name resolution) without the runner knowing about it. Origins carry the
 * port, so concurrent runs in one process do not collide.
 */
const routes = new Map<string, Dispatcher[]>();

/** Sends every request to `origin` through `dispatcher` until the returned function is called. */
export function routeOrigin(origin: string, dispatcher: Dispatcher): () => void {
  const key = new URL(origin).origin;
  const list = routes.get(key) ?? [];
  list.push(dispatcher);
  routes.set(key, list);
  return () => {
    const at = list.indexOf(dispatcher);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0 && routes.get(key) === list) routes.delete(key);
  };
}

function routed(url: string): Dispatcher | undefined {
  const list = routes.get(new URL(url).origin);
  return list?.[list.length - 1];
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Sends requests and keeps the evidence of each one for the report. Connection failures
 * throw {@link TargetUnreachableError}, which makes the check INCONCLUSIVE.
 */
export class EvidenceRecorder {
  readonly exchanges: HttpExchange[] = [];
  constructor(
    private readonly dispatcher?: Dispatcher,
    private readonly defaultTimeoutMs = 10_000,
  ) {}

  /**
   * Records an exchange the suite observed rather than made (a request the system under
   * test sent to the suite's portal), redacted like the others. Returns its id.
   */
  observe(o: { label?: string; method: string; url: string; requestHeaders: Record<string, string>; requestBody?: string; status: number; responseHeaders?: Record<string, string>; responseBody?: string; at: number; durationMs?: number }): number {
    const exchange: HttpExchange = {
      id: this.exchanges.length + 1,
      request: { method: o.method, url: redactText(o.url), headers: redactHeaders(o.requestHeaders) },
      response: { status: o.status, headers: redactHeaders(o.responseHeaders ?? {}) },
      startedAt: new Date(o.at).toISOString(),
      durationMs: o.durationMs ?? 0,
    };
    if (o.label) exchange.label = o.label;
    if (o.requestBody) exchange.request.body = redactBody(o.requestBody, o.requestHeaders['content-type'] ?? '');
    if (o.responseBody) exchange.response!.body = redactBody(o.responseBody, o.responseHeaders?.['content-type'] ?? '');
    this.exchanges.push(exchange);
    return exchange.id;
  }

  async send(options: SendOptions): Promise<HttpResponse> {
    const method = (options.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const exchange: HttpExchange = {
      id: this.exchanges.length + 1,
      request: { method, url: redactText(options.url), headers: redactHeaders(headers) },
      startedAt: new Date().toISOString(),
      durationMs: 0,
    };
    if (options.label) exchange.label = options.label;
    if (body !== undefined) exchange.request.body = redactBody(body, headers['content-type'] ?? '');
    this.exchanges.push(exchange);
    const started = performance.now();
    const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
    const dispatcher = this.dispatcher ?? routed(options.url);
    try {
      const res = await request(options.url, {
        method: method as Dispatcher.HttpMethod,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(dispatcher ? { dispatcher } : {}),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const text = await res.body.text();
      const durationMs = performance.now() - started;
      const resHeaders = flattenHeaders(res.headers as Record<string, string | string[] | undefined>);
      exchange.durationMs = Math.round(durationMs * 10) / 10;
      exchange.response = { status: res.statusCode, headers: redactHeaders(resHeaders) };
      if (text !== '') exchange.response.body = redactBody(text, resHeaders['content-type'] ?? '');
      let json: unknown;
      if (text !== '') {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      return { status: res.statusCode, headers: resHeaders, text, json, durationMs, exchange };
    } catch (error) {
      exchange.durationMs = Math.round((performance.now() - started) * 10) / 10;
      const code = (error as { code?: string }).code ?? '';
      exchange.error = redactText(`${code ? `${code}: ` : ''}${(error as Error).message}`);
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? '';
      if (NETWORK_CODES.has(code) || TLS_CODES.test(code) || TLS_CODES.test(cause)) throw new TargetUnreachableError(new URL(options.url).origin, error);
      throw error;
    }
  }
}
