import { Dispatcher, errors } from 'undici';
import type { PortalHandler } from './http-server.js';
import type { PortalRequest } from './types.js';

type Handler = Dispatcher.DispatchHandler;

async function collectBody(body: Dispatcher.DispatchOptions['body']): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function headersOf(raw: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    if (v === undefined || v === null) return;
    const key = k.toLowerCase();
    const value = Array.isArray(v) ? v.join(', ') : String(v);
    out[key] = key in out ? `${out[key]}, ${value}` : value;
  };
  if (!raw) return out;
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) put(String(raw[i]), raw[i + 1]);
  } else if (typeof (raw as Iterable<unknown>)[Symbol.iterator] === 'function' && !(raw.constructor === Object)) {
    for (const [k, v] of raw as Iterable<[string, string]>) put(k, v);
  } else {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) put(k, v);
  }
  return out;
}

/**
 * An undici Dispatcher that answers from the mock portal in-process (no socket): point
 * `undici.request` or `@dvc-kit/client` at it with `dispatcher`. MSW cannot intercept
 * undici's own requests; this can. Speaks both handler APIs of undici 7.
 *
 * @example
 * const dispatcher = new MockPortalDispatcher((req) => core.handle(req));
 * await request('http://mock-portal.test/v1/procedures', { dispatcher, headers: { authorization } });
 */
export class MockPortalDispatcher extends Dispatcher {
  private closed = false;

  constructor(private readonly handle: PortalHandler) {
    super();
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Handler): boolean {
    if (this.closed) throw new errors.ClientClosedError();
    let aborted = false;
    let reason: Error | undefined;
    const legacy = typeof handler.onConnect === 'function' || typeof handler.onHeaders === 'function';
    const controller = {
      get aborted() {
        return aborted;
      },
      get paused() {
        return false;
      },
      get reason() {
        return reason ?? null;
      },
      abort(err?: Error) {
        if (aborted) return;
        aborted = true;
        reason = err ?? new errors.RequestAbortedError();
        fail(reason);
      },
      pause() {},
      resume() {},
    };
    const fail = (err: Error) => {
      if (legacy) handler.onError?.(err);
      else handler.onResponseError?.(controller as never, err);
    };
    if (legacy) handler.onConnect?.((err?: Error) => controller.abort(err));
    else handler.onRequestStart?.(controller as never, {});

    void (async () => {
      try {
        const url = new URL(opts.path, String(opts.origin ?? 'http://mock-portal.invalid'));
        const request: PortalRequest = { method: opts.method, path: url.pathname, query: url.searchParams, headers: headersOf(opts.headers), body: await collectBody(opts.body) };
        const answer = await this.handle(request);
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
        if (aborted) return;
        if (answer.reset) {
          fail(new errors.SocketError('other side closed'));
          return;
        }
        const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : Buffer.from(answer.body);
        const headers: Record<string, string> = { ...answer.headers, 'content-length': String(body.byteLength) };
        if (legacy) {
          const raw: Buffer[] = [];
          for (const [k, v] of Object.entries(headers)) raw.push(Buffer.from(k), Buffer.from(v));
          handler.onHeaders?.(answer.status, raw, () => {}, '');
          if (aborted) return;
          if (body.byteLength > 0) handler.onData?.(body);
          if (aborted) return;
          handler.onComplete?.([]);
        } else {
          handler.onResponseStart?.(controller as never, answer.status, headers, '');
          if (aborted) return;
          if (body.byteLength > 0) handler.onResponseData?.(controller as never, body);
          if (aborted) return;
          handler.onResponseEnd?.(controller as never, {});
        }
      } catch (e) {
        if (!aborted) fail(e as Error);
      }
    })();
    return true;
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.closed = true;
    if (callback) {
      queueMicrotask(callback);
      return;
    }
    return Promise.resolve();
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    this.closed = true;
    const callback = typeof a === 'function' ? a : b;
    if (callback) {
      queueMicrotask(callback);
      return;
    }
    return Promise.resolve();
  }
}
