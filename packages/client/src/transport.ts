import { Pool, type Dispatcher } from 'undici';
import { AbortError, NetworkError, TimeoutError, type RequestSummary } from './errors.js';

export interface TransportOptions {
  /** Connections kept to the origin (default 16). */
  connections?: number;
  /** How long an idle keep-alive connection is kept (default 30 000 ms). */
  keepAliveTimeoutMs?: number;
}

/** A keep-alive connection pool to the base URL's origin. */
export function createPool(origin: string, timeoutMs: number, options: TransportOptions = {}): Pool {
  return new Pool(origin, {
    connections: options.connections ?? 16,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The whole body as text ('' when empty). */
  text: string;
}

export interface AttemptRequest {
  origin: string;
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
  timeoutMs: number;
}

/** One HTTP exchange: send, read the whole body, map undici's failures to the client's errors. */
export async function exchange(dispatcher: Dispatcher, req: AttemptRequest, summary: () => RequestSummary): Promise<RawResponse> {
  if (req.signal?.aborted) throw new AbortError(req.signal.reason, summary());
  try {
    const res = await dispatcher.request({
      origin: req.origin,
      method: req.method,
      path: req.path,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers as RawResponse['headers'], text };
  } catch (error) {
    throw mapTransportError(error, req, summary);
  }
}

function mapTransportError(error: unknown, req: AttemptRequest, summary: () => RequestSummary): Error {
  if (req.signal?.aborted) return new AbortError(req.signal.reason, summary());
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError('connect', req.timeoutMs, { cause: error, request: summary() });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError('headers', req.timeoutMs, { cause: error, request: summary() });
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError('body', req.timeoutMs, { cause: error, request: summary() });
    default: {
      const s = summary();
      const message = error instanceof Error ? error.message : String(error);
      return new NetworkError(`${s.operationId} (${s.method} ${s.url}): ${message}${code ? ` [${code}]` : ''}`, {
        cause: error,
        request: s,
        ...(code ? { causeCode: code } : {}),
      });
    }
  }
}
