import type { TestPki } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsServer, type TestHttpsServer } from '../test/https-server.js';
import { TargetUnreachableError } from './errors.js';
import { EvidenceRecorder, routeOrigin } from './evidence.js';
import { createTransportClient } from './harness/transport-client.js';

const HOST = 'dichvucong.thanhhoa.gov.vn';
let server: TestHttpsServer;
let pki: TestPki;
let port: number;

beforeAll(async () => {
  server = await startHttpsServer(HOST, (_req, res) => res.end('{"status":"ok"}'));
  ({ pki, port } = server);
});
afterAll(() => server?.close());

describe('EvidenceRecorder routing', () => {
  it("sends a run's requests through the run's client (its CA, its name resolution) while the route is registered", async () => {
    const client = createTransportClient({ ca: pki.trustAnchors, resolve: [{ host: HOST, port, address: '127.0.0.1' }] });
    const url = `https://${HOST}:${port}/health`;
    const recorder = new EvidenceRecorder();
    const unroute = routeOrigin(`https://${HOST}:${port}`, client.dispatcher);
    try {
      const res = await recorder.send({ url, label: 'getHealth' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'ok' });
    } finally {
      unroute();
    }
    // Without the route the name is not resolvable here (and the CA not trusted): unreachable, never a pass.
    await expect(recorder.send({ url, timeoutMs: 3000 })).rejects.toBeInstanceOf(TargetUnreachableError);
    expect(recorder.exchanges.at(-1)?.error).toBeTruthy();
    await client.close();
  });

  it('a certificate the suite cannot verify makes the target unreachable, not a finding', async () => {
    const client = createTransportClient({ resolve: [{ host: HOST, port, address: '127.0.0.1' }] });
    const unroute = routeOrigin(`https://${HOST}:${port}`, client.dispatcher);
    try {
      await expect(new EvidenceRecorder().send({ url: `https://${HOST}:${port}/health` })).rejects.toBeInstanceOf(TargetUnreachableError);
    } finally {
      unroute();
      await client.close();
    }
  });
});
