import { Agent, request, type Dispatcher } from 'undici';
import { AuthConfigError } from './errors.js';

/** A client certificate for mutual TLS, in PEM. */
export interface TlsClientOptions {
  cert: string | Buffer;
  key: string | Buffer;
  passphrase?: string;
  /** Trust anchors for the server; when set they replace Node's default CA list. */
  ca?: string | Buffer | Array<string | Buffer>;
}

/** The transport options every factory accepts. */
export interface TransportOptions {
  /** An undici dispatcher for every request (e.g. a mock agent, a proxy, your own mTLS Agent). */
  dispatcher?: Dispatcher;
  /** Present this client certificate (mTLS). Builds an undici Agent; cannot be combined with `dispatcher`. */
  tls?: TlsClientOptions;
}

/** An undici Agent that presents a client certificate on every connection. */
export function createMtlsDispatcher(tls: TlsClientOptions): Dispatcher {
  if (!tls.cert || !tls.key) throw new AuthConfigError('tls needs both `cert` and `key` (PEM)');
  return new Agent({
    connect: {
      cert: tls.cert,
      key: tls.key,
      ...(tls.passphrase === undefined ? {} : { passphrase: tls.passphrase }),
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    },
  });
}

export function resolveDispatcher(options: TransportOptions): Dispatcher | undefined {
  if (options.dispatcher && options.tls) {
    throw new AuthConfigError(
      'give either `dispatcher` or `tls`, not both: put the client certificate in your dispatcher (createMtlsDispatcher)',
    );
  }
  if (options.tls) return createMtlsDispatcher(options.tls);
  return options.dispatcher;
}

export interface HttpAnswer {
  status: number;
  contentType: string | undefined;
  text: string;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher | undefined;
  signal: AbortSignal | undefined;
}

/** Sends a request and reads the whole (small) answer; network failures reject with undici's error. */
export async function send(options: SendOptions): Promise<HttpAnswer> {
  const response = await request(options.url, {
    method: options.method,
    headers: options.headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.body.text();
  const contentType = response.headers['content-type'];
  return {
    status: response.statusCode,
    contentType: Array.isArray(contentType) ? contentType[0] : contentType,
    text,
  };
}

/** Parses JSON, returning undefined instead of throwing, for answers that may be HTML error pages. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Combines the caller's signal with a timeout. */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
