import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Server as TlsServer, type SecureVersion, type TLSSocket } from 'node:tls';
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
  return createServer(portalListener(handle));
}

function portalListener(handle: PortalHandler): RequestListener {
  return (req, res) => {
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
  };
}

/** The certificate and key the portal serves over HTTPS. */
export interface PortalCertificate {
  /** PEM: the server certificate, then its issuing CAs (not the root). */
  cert: string | string[];
  /** PEM private key. */
  key: string;
}

export interface PortalTlsOptions extends PortalCertificate {
  /** Lowest TLS version accepted (default TLSv1.2, as DVC-TLS-001 asks of every party). */
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
}

/**
 * A TLS connection that ended without the client sending a request: the handshake failed
 * (an alert or a reset), or the client closed right after it, as a client that rejects the
 * server's certificate after the handshake (Node's own TLS client does) does.
 */
export interface TlsHandshakeFailure {
  at: number;
  remoteAddress?: string;
  remotePort?: number;
  kind: 'handshake-error' | 'closed-before-request';
  /** The alert or error, e.g. `ERR_SSL_TLSV1_ALERT_UNKNOWN_CA`, `ECONNRESET socket hang up`. */
  reason: string;
}

/** Runtime control of an HTTPS portal: the served certificate, and the handshakes it saw fail. */
export interface PortalTls {
  /**
   * Serves another certificate from now on: open connections are closed, and no TLS session
   * can be resumed any more (a resumed session skips the client's certificate checks).
   */
  setCertificate(certificate: PortalCertificate): void;
  /** Oldest first, at most the last 1000. */
  readonly handshakeFailures: readonly TlsHandshakeFailure[];
  /** Calls `listener` after each failure is recorded (to wait without polling); returns the unsubscribe. */
  subscribe(listener: (failure: TlsHandshakeFailure) => void): () => void;
}

const MAX_FAILURES = 1000;

/** The HTTPS variant of {@link createPortalServer}, with a swappable certificate and a record of failed handshakes. */
export function createPortalTlsServer(handle: PortalHandler, options: PortalTlsOptions): { server: HttpsServer; tls: PortalTls } {
  const pem = (c: string | string[]) => (Array.isArray(c) ? c.join('\n') : c);
  const listener = portalListener(handle);
  const served = new WeakSet<Socket>();
  const server = createHttpsServer(
    { cert: pem(options.cert), key: options.key, minVersion: options.minVersion ?? 'TLSv1.2', ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}) },
    (req, res) => {
      served.add(req.socket);
      listener(req, res);
    },
  );
  const failures: TlsHandshakeFailure[] = [];
  const listeners = new Set<(failure: TlsHandshakeFailure) => void>();
  const record = (f: TlsHandshakeFailure) => {
    failures.push(f);
    if (failures.length > MAX_FAILURES) failures.splice(0, failures.length - MAX_FAILURES);
    for (const l of listeners) l(f);
  };
  // A socket destroyed mid-handshake has lost its address: keep it from when the TCP connection came.
  const peers = new WeakMap<Socket, { remoteAddress?: string; remotePort?: number }>();
  // Every TCP connection, handshake done or not, to close them all when the certificate changes:
  // one still shaking hands was given the old certificate when it came.
  const open = new Set<Socket>();
  server.on('connection', (raw: Socket) => {
    peers.set(raw, { ...(raw.remoteAddress ? { remoteAddress: raw.remoteAddress } : {}), ...(raw.remotePort ? { remotePort: raw.remotePort } : {}) });
    open.add(raw);
    raw.once('close', () => open.delete(raw));
  });
  server.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
    const raw = (socket as TLSSocket & { _parent?: Socket | null })._parent;
    const known = raw ? peers.get(raw) : undefined;
    const remotePort = socket.remotePort ?? known?.remotePort;
    const remoteAddress = socket.remoteAddress ?? known?.remoteAddress;
    record({ at: Date.now(), ...(remoteAddress ? { remoteAddress } : {}), ...(remotePort ? { remotePort } : {}), kind: 'handshake-error', reason: [error.code, error.message].filter(Boolean).join(' ') });
  });
  let swapped = false;
  server.on('secureConnection', (socket: TLSSocket) => {
    // Once swapped, each handshake gets fresh ticket keys: a resumed session skips the client's
    // certificate checks, so no session may outlive the certificate it was made under.
    if (swapped) server.setTicketKeys(randomBytes(48));
    const { remotePort, remoteAddress } = socket;
    socket.once('close', () => {
      if (!served.has(socket)) record({ at: Date.now(), ...(remoteAddress ? { remoteAddress } : {}), ...(remotePort ? { remotePort } : {}), kind: 'closed-before-request', reason: 'the client closed the connection after the handshake without sending a request' });
    });
  });
  return {
    server,
    tls: {
      setCertificate(certificate) {
        server.setSecureContext({ cert: pem(certificate.cert), key: certificate.key, minVersion: options.minVersion ?? 'TLSv1.2', ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}) });
        // New ticket keys too: setSecureContext keeps the old ones, and a client resuming a session
        // made under the previous certificate would never see the new one.
        server.setTicketKeys(randomBytes(48));
        swapped = true;
        for (const socket of open) socket.destroy();
        open.clear();
      },
      get handshakeFailures() {
        return failures;
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
}

/** Listens and answers the base URL (`http://host:port`, or `https://` for a TLS server). */
export function listen(server: Server | HttpsServer, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const h = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`${server instanceof TlsServer ? 'https' : 'http'}://${h}:${address.port}`);
    });
  });
}
