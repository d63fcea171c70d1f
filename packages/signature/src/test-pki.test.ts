import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from './certificate.js';
import { signMessage, verifyMessage } from './jws.js';
import { createTestPki, type TestPki } from './test-pki.js';
import { loadTestPki, writeTestPki } from './test-pki-files.js';

const run = promisify(execFile);
let pki: TestPki;
let dir: string;

beforeAll(async () => {
  pki = await createTestPki({ caKeyAlgorithm: 'RSA' });
  dir = await mkdtemp(join(tmpdir(), 'dvc-pki-'));
});
afterAll(async () => {
  await pki.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createTestPki', () => {
  it('builds root → government CA / public CA → agency / citizen / TSA', () => {
    const agency = parseCertificate(pki.agency.certificatePem);
    const citizen = parseCertificate(pki.citizen.certificatePem);
    const gov = parseCertificate(pki.governmentCa.certificatePem);
    expect(agency.issuerDn).toBe(gov.subject.dn);
    expect(gov.subject.organization).toBe('Ban Cơ yếu Chính phủ (test)');
    expect(citizen.issuerDn).toBe(parseCertificate(pki.publicCa.certificatePem).subject.dn);
    expect(pki.agency.chainPem).toEqual([pki.agency.certificatePem, pki.governmentCa.certificatePem]);
    expect(gov.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(gov.key).toEqual({ type: 'rsa', bits: 2048 });
    expect(agency.key).toEqual({ type: 'ec', curve: 'P-256' });
    expect([...agency.keyUsage!]).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(agency.ocspUrls).toEqual([pki.urls.ocsp.governmentCa]);
    expect(agency.crlUrls).toEqual([pki.urls.crl.governmentCa]);
    expect(parseCertificate(pki.tsa.certificatePem).extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.8']);
    expect(pki.urls.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('chains verify with openssl verify (an independent X.509 implementation)', async () => {
    await writeFile(join(dir, 'root.pem'), pki.root.certificatePem);
    await writeFile(join(dir, 'gov.pem'), pki.governmentCa.certificatePem);
    await writeFile(join(dir, 'agency.pem'), pki.agency.certificatePem);
    const { stdout } = await run('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'gov.pem'), join(dir, 'agency.pem')]);
    expect(stdout).toContain(': OK');
  });

  it('serves an OCSP responder that openssl ocsp accepts, and reflects revocation', async () => {
    const p = await pki.issueEndEntity({ subject: { commonName: 'OCSP subject' }, issuer: 'governmentCa' });
    await writeFile(join(dir, 'ocsp-subject.pem'), p.certificatePem);
    const args = ['ocsp', '-issuer', join(dir, 'gov.pem'), '-cert', join(dir, 'ocsp-subject.pem'), '-url', pki.urls.ocsp.governmentCa, '-CAfile', join(dir, 'root.pem'), '-no_nonce'];
    const good = await run('openssl', args);
    expect(good.stdout).toMatch(/ocsp-subject\.pem: good/);
    pki.revoke(p, new Date(Date.now() - 60_000), 1);
    const revoked = await run('openssl', args);
    expect(revoked.stdout).toMatch(/ocsp-subject\.pem: revoked/);
    expect(revoked.stdout).toMatch(/Reason: keyCompromise/);
  });

  it('serves CRLs that openssl reads and verifies', async () => {
    const res = await fetch(pki.urls.crl.governmentCa);
    expect(res.status).toBe(200);
    await writeFile(join(dir, 'gov.crl'), Buffer.from(await res.arrayBuffer()));
    const { stdout, stderr } = await run('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'gov.crl'), '-CAfile', join(dir, 'gov.pem'), '-noout', '-text']);
    expect(stderr + stdout).toMatch(/verify OK/);
    expect(stdout).toMatch(/Issuer: .*Government CA/);
  });

  it('answers 404 for unknown paths and resets connections during an outage', async () => {
    expect((await fetch(`${pki.urls.base}/nothing`)).status).toBe(404);
    pki.outages.crl = true;
    try {
      await expect(fetch(pki.urls.crl.root)).rejects.toThrow();
    } finally {
      pki.outages.crl = false;
    }
  });

  it('is saved to disk and reloaded with the same keys, revocations and URLs', async () => {
    const target = join(dir, 'saved');
    const offline = await createTestPki({ serve: false, baseUrl: 'http://127.0.0.1:1' });
    offline.revoke(offline.citizen, new Date('2025-01-01T00:00:00Z'));
    const files = await writeTestPki(offline, target);
    expect(files.some((f) => f.endsWith('agency.chain.pem'))).toBe(true);
    const loaded = await loadTestPki(target, { serve: false });
    expect(parseCertificate(offline.governmentCa.certificatePem).key).toEqual({ type: 'ec', curve: 'P-256' }); // the fast default
    expect(loaded.agency.certificatePem).toBe(offline.agency.certificatePem);
    expect(loaded.agency.privateKeyPem).toBe(offline.agency.privateKeyPem);
    expect(loaded.urls.base).toBe('http://127.0.0.1:1');
    const jws = await signMessage({ a: 1 }, { privateKey: loaded.citizen.privateKey, certificates: loaded.citizen.chainPem });
    const report = await verifyMessage(jws, { a: 1 }, { trustAnchors: [await readFile(join(target, 'trust-anchors.pem'), 'utf8')], revocation: { fetcher: loaded.fetcher } });
    expect(report.subIndication).toBe('REVOKED');
    await expect(loadTestPki(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ERR_SIGNATURE_TEST_PKI' });
  });

  it('issues end entities with chosen subject, key and usage', async () => {
    const p = await pki.issueEndEntity({ subject: { commonName: 'Công ty TNHH A', organization: 'Công ty TNHH A', taxCode: '0100109106' }, keyAlgorithm: 'RSA' });
    const c = parseCertificate(p.certificatePem);
    expect(c.subject.taxCode).toBe('0100109106');
    expect(c.key.type).toBe('rsa');
    await expect(pki.issueEndEntity({ subject: { commonName: '' } })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID_INPUT' });
  });
});
