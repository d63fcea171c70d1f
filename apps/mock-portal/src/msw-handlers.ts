import { listOperations } from '@dvc-kit/spec';
import { delay, http, HttpResponse, type HttpHandler, type HttpResponseResolver } from 'msw';
import type { PortalHandler } from './http-server.js';
import type { PortalRequest } from './types.js';

/**
 * MSW handlers at `baseUrl`: one per operation of national-portal.yaml (so that a test can
 * `server.use()` its own answer for a single operation), then one for everything else
 * (admin API, PKI, unknown paths answered 404 as problem+json). All of them call the same
 * resolvers as the server.
 *
 * @example
 * const { core } = await createMockPortal({ baseUrl: 'http://mock-portal.test' });
 * const server = setupServer(...createMswHandlers((req) => core.handle(req), 'http://mock-portal.test'));
 * server.listen();
 */
export function createMswHandlers(handle: PortalHandler, baseUrl: string): HttpHandler[] {
  const origin = new URL(baseUrl).origin;
  const resolver: HttpResponseResolver = async ({ request }) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const buffer = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer());
    const portalRequest: PortalRequest = { method: request.method, path: url.pathname, query: url.searchParams, headers, body: buffer && buffer.byteLength > 0 ? buffer : undefined };
    const answer = await handle(portalRequest);
    if (answer.delayMs) await delay(answer.delayMs);
    if (answer.reset) return HttpResponse.error();
    return new HttpResponse(typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body), { status: answer.status, headers: answer.headers });
  };
  const perOperation = listOperations('national-portal').map((op) => {
    const path = `${origin}${op.path.replace(/\{([^}]+)\}/g, ':$1')}`;
    return http[op.method as 'get' | 'post' | 'put' | 'delete' | 'patch'](path, resolver);
  });
  return [...perOperation, http.all(`${origin}/*`, resolver)];
}
