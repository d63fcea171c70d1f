/**
 * Servers for the load test and the benchmark, each in its own process so that the load
 * generator does not share its event loop: `mock` (the portal) or `bare` (node:http
 * serving the same JSON). Prints `READY <url>` once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockPortal } from '../src/index.js';

const kind = process.argv[2] ?? 'mock';
if (kind === 'bare') {
  const body = Buffer.from(process.argv[3] ?? '{}');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.byteLength) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
} else {
  const portal = await startMockPortal({ port: 0, seed: 1, journalCapacity: 2000 });
  process.stdout.write(`READY ${portal.url}\n`);
  process.on('SIGTERM', () => void portal.close().then(() => process.exit(0)));
}
