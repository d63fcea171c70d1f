import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES } from './body-parsing.js';
import type { PortalRequest, PortalResponse } from './types.js';

export type PortalHandler = (req: PortalRequest) => Promise<PortalResponse>;

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i]!.toLowerCase();
    out[k] = k in out ? `${out[k]}, ${raw[i + 1]}` : raw[i + 1]!;
  }
  return out;
}

/** Writes a portal response on a node:http response (or destroys the socket for a reset fault). */
export function writeResponse(res: ServerResponse, answer: PortalResponse): void {
  const send = () => {
    if (answer.reset) {
      res.socket?.destroy();
      return;
    }
    const length = typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.byteLength;
    answer.headers['content-length'] = String(length);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };
  if (answer.delayMs && answer.delayMs > 0) setTimeout(send, answer.delayMs);
  else send();
}

/**
 * The node:http adapter: straight from the socket to the portal's handler, without
 * building Fetch Request/Response objects (that costs most of the throughput).
 */
export function createPortalServer(handle: PortalHandler): Server {
  return createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const headers = lowerHeaders(req);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES + 1) {
        tooLarge = true;
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const body = chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const request: PortalRequest = { method: req.method ?? 'GET', path, query, headers, body: tooLarge ? new Uint8Array(MAX_BODY_BYTES + 1) : body, remoteAddress: req.socket.remoteAddress };
      handle(request).then(
        (answer) => writeResponse(res, answer),
        (e: unknown) => {
          const body = JSON.stringify({ type: 'https://dvc-kit.dev/problems/internal', title: 'Internal error', status: 500, detail: String((e as Error)?.message ?? e) });
          res.writeHead(500, { 'content-type': 'application/problem+json', 'content-length': String(Buffer.byteLength(body)) });
          res.end(body);
        },
      );
    });
  });
}

/** Listens and answers the base URL (`http://host:port`). */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const h = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${h}:${address.port}`);
    });
  });
}
