// The bench's server, run in its own process so the RSS the bench reports is the client's alone.
// GET /v1/dossiers/{MaHoSo} answers a fixed record; POST /v1/dossier-batches answers per-record
// results (and counts records, so the bench can check that every dossier arrived).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { schemaExamples, type Dossier } from '@dvc-kit/spec';

const record = JSON.stringify({
  // The spec's own Dossier example, at status 4.
  dossier: { ...schemaExamples<Dossier>('national-portal', 'Dossier')[0]!, TrangThaiHoSo: '4' },
  history: [],
  receivedAt: '2023-10-27T08:30:20+07:00',
  version: 2,
});
let received = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received }));
    return;
  }
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(record) }).end(record);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { items } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items: Array<{ MaHoSo: string }> };
    received += items.length;
    const results = items.map((d, index) => ({ index, key: d.MaHoSo, outcome: 'created', version: 1 }));
    const body = JSON.stringify({ results, summary: { created: items.length, updated: 0, unchanged: 0, rejected: 0 } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
