import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem, problems } from './errors.js';
import type { Mutant } from './mutants.js';

/** An incoming request, read in full. */
export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body as text (undefined when there is none). */
  rawBody: string | undefined;
  requestId: string;
  remoteAddress: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Default application/json (application/problem+json for problems). */
  contentType?: string;
}

export type Handler = (ctx: RequestContext) => Promise<Reply> | Reply;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** Bodies larger than this are refused before they are read in full. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A small router: `/v1/dossiers/{MaHoSo}` templates, exact methods. */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    this.#routes.push({ method, pattern, names, handler });
    return this;
  }

  /** The route for `method` on `path`; else the methods the path has (a 405's Allow), or undefined for an unknown path. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      allowed.push(route.method);
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1]!);
      });
      return { handler: route.handler, params };
    }
    return allowed.length ? { allowed: [...new Set(allowed)] } : undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpProblem(413, 'https://dvc-kit.dev/problems/payload-too-large', 'Request body is too large', `The body is larger than ${MAX_BODY_BYTES} bytes.`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpProblem(413, 'https://dvc-kit.dev/problems/payload-too-large', 'Request body is too large', `The body is larger than ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * The node:http listener: reads the request, routes it, and answers every error as
 * problem+json (RFC 9457) without internal details (DVC-ERR-001, DVC-ERR-005).
 */
export function createListener(router: Router, options: { mutant: Mutant; log?: (line: string) => void }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${randomUUID()}`;
    let reply: Reply;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      const found = router.match(method, url.pathname);
      if (!found) throw problems.notFound(`No resource at ${url.pathname}.`);
      if ('allowed' in found) {
        // RFC 9110 §15.5.6: a 405 names the methods the resource has.
        throw new HttpProblem(405, 'https://dvc-kit.dev/problems/malformed-request', 'Method not allowed', `${method} is not allowed on ${url.pathname}.`, { headers: { allow: found.allowed.join(', ') } });
      }
      const rawBody = await readBody(req);
      reply = await found.handler({
        method,
        path: url.pathname,
        params: found.params,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        requestId,
        remoteAddress: req.socket.remoteAddress ?? 'unknown',
      });
    } catch (error) {
      reply = errorReply(error, requestId, options);
    }
    send(res, reply, requestId, options.mutant);
  };
}

/** The reply for an error: its problem, or a 500 that reveals nothing. */
export function errorReply(error: unknown, requestId: string, options: { mutant: Mutant; log?: (line: string) => void }): Reply {
  if (error instanceof HttpProblem) {
    return { status: error.status, headers: error.headers, body: error.toBody(requestId), contentType: 'application/problem+json' };
  }
  options.log?.(`internal error in ${requestId}: ${(error as Error)?.stack ?? String(error)}`);
  const body = problems.internal().toBody(requestId) as unknown as Record<string, unknown>;
  if (options.mutant.is('stack-trace-leak')) body.detail = String((error as Error)?.stack ?? error);
  return { status: 500, body, contentType: 'application/problem+json' };
}

function send(res: ServerResponse, reply: Reply, requestId: string, mutant: Mutant): void {
  let { status, body, contentType } = reply;
  if (mutant.is('errors-as-500') && status >= 400) {
    status = 500;
    contentType = 'text/plain; charset=utf-8';
    body = 'Error';
  }
  const headers: Record<string, string> = { 'x-request-id': requestId, ...reply.headers };
  let payload: string | undefined;
  if (body !== undefined) {
    const type = contentType ?? 'application/json';
    headers['content-type'] = type.includes('charset') ? type : `${type}; charset=utf-8`;
    payload = typeof body === 'string' && !type.includes('json') ? body : JSON.stringify(body);
  }
  res.writeHead(status, headers);
  res.end(payload);
}
