import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:tls';
import { createTestPki, type TestParty, type TestPki } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canNegotiate, tlsProbe } from './tls-probe.js';

let pki: TestPki;
let cert: TestParty;
const servers: Server[] = [];

async function serve(options: Parameters<typeof createServer>[0]): Promise<number> {
  const server = createServer({ cert: cert.chainPem.join('\n'), key: cert.privateKeyPem, ...options }, (s) => s.end());
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  pki = await createTestPki({ serve: false });
  cert = await pki.issueEndEntity({ subject: { commonName: 'dichvucong.thanhhoa.gov.vn' }, keyAlgorithm: 'RSA', subjectAltNames: { dns: ['dichvucong.thanhhoa.gov.vn'], ip: ['127.0.0.1'] } });
});
afterAll(async () => {
  for (const s of servers) s.close();
  await pki?.close();
});

describe('tlsProbe', () => {
  it('reports the negotiated version and a certificate valid for the name and trusted', async () => {
    const port = await serve({ minVersion: 'TLSv1.2' });
    const r = await tlsProbe({ host: 'dichvucong.thanhhoa.gov.vn', address: '127.0.0.1', port, ca: pki.trustAnchors, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    expect(r).toMatchObject({ ok: true, version: 'TLSv1.2', peer: { chainTrusted: true } });
    expect(r.ok && r.peer.nameError).toBeUndefined();
  });

  it('tells a wrong name and an untrusted chain apart from a refused handshake', async () => {
    const port = await serve({});
    const wrongName = await tlsProbe({ host: 'dichvucong.nghean.gov.vn', address: '127.0.0.1', port, ca: pki.trustAnchors });
    expect(wrongName).toMatchObject({ ok: true, peer: { chainTrusted: true, nameError: expect.stringMatching(/dichvucong\.nghean\.gov\.vn/) } });
    const untrusted = await tlsProbe({ host: 'dichvucong.thanhhoa.gov.vn', address: '127.0.0.1', port });
    expect(untrusted).toMatchObject({ ok: true, peer: { chainTrusted: false } });
  });

  it('sees a TLS 1.1 handshake refused by a server that wants 1.2, and accepted by one that allows it', async () => {
    const self = await canNegotiate('TLSv1.1', { cert: cert.chainPem.join('\n'), key: cert.privateKeyPem });
    if (!self.ok) return expect(self.reason).toMatch(/cannot/); // this OpenSSL cannot speak 1.1 at all: nothing to show
    const strict = await serve({ minVersion: 'TLSv1.2' });
    const lax = await serve({ minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const old = { host: '127.0.0.1', minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;
    expect(await tlsProbe({ ...old, port: strict })).toMatchObject({ ok: false });
    expect(await tlsProbe({ ...old, port: lax })).toMatchObject({ ok: true, version: 'TLSv1.1' });
  });

  it('answers a connection refused as a failed probe', async () => {
    const r = await tlsProbe({ host: '127.0.0.1', port: 9, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
  });
});
