import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the test server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse, raw: IncomingMessage) => unknown;

export interface TestServer {
  url: string;
  requests: SeenRequest[];
  /** Replace the handler (tests script the server's answers). */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port 0, that records every request and answers through a replaceable handler. */
export async function startServer(handler: Handler = (_req, res) => json(res, 404, {})): Promise<TestServer> {
  let current = handler;
  const requests: SeenRequest[] = [];
  const server: Server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const seen: SeenRequest = { method: raw.method ?? '', url: raw.url ?? '', headers: raw.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      Promise.resolve()
        .then(() => current(seen, res, raw))
        .catch((error: unknown) => {
        if (!res.headersSent) json(res, 500, { type: 'about:blank', title: 'test handler failed', status: 500, detail: String(error) });
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (h) => {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const type = status >= 400 && typeof body === 'object' && body !== null && 'title' in body ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function problem(res: ServerResponse, status: number, kind: string, detail: string, headers: Record<string, string> = {}): void {
  json(res, status, { type: `https://dvc-kit.dev/problems/${kind}`, title: kind, status, detail }, headers);
}
