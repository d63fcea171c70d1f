import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from './certificate.js';
import { RevocationFetchError } from './errors.js';
import { signMessage, verifyMessage } from './jws.js';
import { DEFAULT_POLICY } from './policy.js';
import { checkRevocation, httpRevocationFetcher, RevocationCache, type RevocationFetcher } from './revocation.js';
import { createTestPki, type TestPki } from './test-pki.js';

let pki: TestPki;
let other: TestPki;
beforeAll(async () => {
  [pki, other] = await Promise.all([createTestPki(), createTestPki({ serve: false })]);
});
afterAll(async () => {
  await Promise.all([pki.close(), other.close()]);
});

const check = (fetcher: RevocationFetcher) =>
  checkRevocation(parseCertificate(pki.agency.certificatePem), parseCertificate(pki.governmentCa.certificatePem), {
    fetcher,
    cache: new RevocationCache(),
    policy: DEFAULT_POLICY,
    now: new Date(),
  });

// Answer each URL of `pki` with what `other` serves at the same path.
const fromOther: RevocationFetcher = (req) => other.fetcher({ ...req, url: req.url.replace(pki.urls.base, other.urls.base) });

describe('revocation sources are checked, not trusted', () => {
  it('rejects OCSP answers and CRLs signed by another CA, and says so', async () => {
    const status = await check(fromOther);
    expect(status.status).toBe('unavailable');
    expect(status.error).toMatch(/OCSP response .* is not signed by "CN=dvc-kit Test Government CA/);
    expect(status.error).toMatch(/CRL from .* is not signed by/);
  });

  it('rejects answers that are not DER', async () => {
    const status = await check(async () => new TextEncoder().encode('<html>proxy error</html>'));
    expect(status.status).toBe('unavailable');
    expect(status.error).toMatch(/did not return a DER OCSP response/);
    expect(status.error).toMatch(/did not return a DER CRL/);
  });

  it('a forged revocation source makes a hard-fail verification TRY_LATER, not PASSED', async () => {
    const jws = await signMessage({ a: 1 }, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const report = await verifyMessage(jws, { a: 1 }, { trustAnchors: pki.trustAnchors, revocation: { fetcher: fromOther } });
    expect(report.subIndication).toBe('TRY_LATER');
  });

  it('falls back from OCSP to the CRL when the responder fails', async () => {
    const status = await check(async (req) => {
      if (req.method === 'POST') throw new Error('responder down');
      return pki.fetcher(req);
    });
    expect(status).toMatchObject({ status: 'good', source: 'CRL' });
  });
});

describe('delegated OCSP responders', () => {
  it('accepts an answer signed by a responder the CA authorised (id-kp-OCSPSigning)', async () => {
    const delegated = await createTestPki({ serve: false, caKeyAlgorithm: 'EC', ocspResponder: 'delegated' });
    try {
      const status = await checkRevocation(parseCertificate(delegated.citizen.certificatePem), parseCertificate(delegated.publicCa.certificatePem), {
        fetcher: delegated.fetcher,
        cache: new RevocationCache(),
        policy: DEFAULT_POLICY,
        now: new Date(),
      });
      expect(status).toMatchObject({ status: 'good', source: 'OCSP' });
      // Asked about the certificate as if another CA had issued it, OCSP gives no usable answer.
      const wrongIssuer = await checkRevocation(parseCertificate(delegated.citizen.certificatePem), parseCertificate(delegated.governmentCa.certificatePem), {
        fetcher: async (req) => delegated.fetcher(req),
        cache: new RevocationCache(),
        policy: DEFAULT_POLICY,
        now: new Date(),
      });
      expect(wrongIssuer.source).not.toBe('OCSP');
    } finally {
      await delegated.close();
    }
  });
});

describe('httpRevocationFetcher', () => {
  it('fetches over HTTP and turns HTTP errors and unreachable hosts into RevocationFetchError', async () => {
    const fetcher = httpRevocationFetcher({ timeoutMs: 2000 });
    expect((await fetcher({ url: pki.urls.crl.root, method: 'GET' })).length).toBeGreaterThan(100);
    await expect(fetcher({ url: `${pki.urls.base}/missing`, method: 'GET' })).rejects.toThrow(/answered HTTP 404/);
    await expect(fetcher({ url: 'http://127.0.0.1:1/crl', method: 'GET' })).rejects.toBeInstanceOf(RevocationFetchError);
  });
});

describe('RevocationCache', () => {
  it('forgets entries at their expiry and evicts the oldest beyond its size', () => {
    const cache = new RevocationCache({ maxEntries: 2 });
    cache.set('a', 1, 1000);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1000)).toBeUndefined();
    cache.set('b', 2, 5000);
    cache.set('c', 3, 5000);
    cache.set('d', 4, 5000);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('d', 0)).toBe(4);
  });
});
