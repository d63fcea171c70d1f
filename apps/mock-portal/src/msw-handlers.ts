import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import type { PortalHandler } from './http-server.js';
import type { PortalRequest } from './types.js';

/**
 * MSW handlers for every operation (and the admin API) at `baseUrl`, wrapping the same
 * resolvers as the server: use with `setupServer(...createMswHandlers(...))` for code that
 * calls the global fetch.
 *
 * @example
 * const { core } = await createMockPortal({ baseUrl: 'http://mock-portal.test' });
 * const server = setupServer(...createMswHandlers((req) => core.handle(req), 'http://mock-portal.test'));
 * server.listen();
 */
export function createMswHandlers(handle: PortalHandler, baseUrl: string): HttpHandler[] {
  const origin = new URL(baseUrl).origin;
  return [
    http.all(`${origin}/*`, async ({ request }) => {
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
    }),
  ];
}
