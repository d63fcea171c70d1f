import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from './certificate.js';
import { signMessage, verifyMessage } from './jws.js';
import { httpRevocationFetcher } from './revocation.js';
import { createTestPki, type TestPki } from './test-pki.js';

// Linux routes all of 127/8 to the loopback interface: 127.0.0.2 stands for "another interface".
const HOST = '127.0.0.2';

/** A port free on `host` right now (the PKI's base URL must name it before the PKI listens). */
function freePortOn(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let pki: TestPki;
let port: number;

beforeAll(async () => {
  port = await freePortOn(HOST);
  pki = await createTestPki({ host: HOST, baseUrl: `http://${HOST}:${port}` });
});
afterAll(async () => {
  await pki.close();
});

describe('createTestPki({ host })', () => {
  it('writes the public base URL into the certificates', () => {
    expect(pki.urls.base).toBe(`http://${HOST}:${port}`);
    const agency = parseCertificate(pki.agency.certificatePem);
    expect(agency.crlUrls).toEqual([`http://${HOST}:${port}/crl/government-ca.crl`]);
    expect(agency.ocspUrls.every((u) => u.startsWith(`http://${HOST}:${port}/`))).toBe(true);
  });

  it('serves the CRL on that address over real HTTP, and not on 127.0.0.1', async () => {
    const res = await fetch(pki.urls.crl.governmentCa);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    // DER: a SEQUENCE.
    expect(new Uint8Array(await res.arrayBuffer())[0]).toBe(0x30);
    await expect(fetch(`http://127.0.0.1:${port}/crl/government-ca.crl`)).rejects.toThrow();
  });

  it('answers revocation checks over the network: a revoked signer is REVOKED', async () => {
    const body = { MaHoSo: '000.00.06.H56-250101-0001' };
    const jws = await signMessage(body, { privateKey: pki.citizen.privateKey, certificates: pki.citizen.chainPem });
    const fetcher = httpRevocationFetcher({ timeoutMs: 5000 });
    expect((await verifyMessage(jws, body, { trustAnchors: pki.trustAnchors, revocation: { fetcher } })).indication).toBe('TOTAL_PASSED');
    pki.revoke(pki.citizen, new Date(Date.now() - 60_000));
    expect((await verifyMessage(jws, body, { trustAnchors: pki.trustAnchors, revocation: { fetcher } })).subIndication).toBe('REVOKED');
  });

  it('names the loopback address in the default base URL of a wildcard host', async () => {
    const wildcard = await createTestPki({ host: '0.0.0.0' });
    try {
      expect(wildcard.urls.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(wildcard.urls.crl.root)).status).toBe(200);
    } finally {
      await wildcard.close();
    }
  });

  it('fails with a typed error when the address cannot be bound', async () => {
    // 192.0.2.0/24 (TEST-NET-1) is no address of this machine.
    await expect(createTestPki({ host: '192.0.2.1' })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_TEST_PKI', message: expect.stringContaining('192.0.2.1') });
  });
});
