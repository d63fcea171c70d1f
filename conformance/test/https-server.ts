import { once } from 'node:events';
import type { RequestListener } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTestPki, type TestPki } from '@dvc-kit/signature';

/** A loopback HTTPS server with a test-PKI certificate for `host` (tests of the run's TLS client). */
export interface TestHttpsServer {
  pki: TestPki;
  port: number;
  close(): Promise<void>;
}

export async function startHttpsServer(host: string, handler: RequestListener): Promise<TestHttpsServer> {
  const pki = await createTestPki({ serve: false });
  const cert = await pki.issueEndEntity({ subject: { commonName: host }, subjectAltNames: { dns: [host] } });
  const server = createServer({ cert: cert.chainPem.join('\n'), key: cert.privateKeyPem }, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    pki,
    port: (server.address() as AddressInfo).port,
    async close() {
      server.close();
      await pki.close();
    },
  };
}
