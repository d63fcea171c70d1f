import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimestampError } from './errors.js';
import { createTestPki, type TestPki } from './test-pki.js';
import { readTstInfo, requestTimestamp, verifyTimestampToken } from './timestamp.js';

const run = promisify(execFile);
let pki: TestPki;
let dir: string;
const data = Buffer.from('chữ ký cần đóng dấu thời gian');

beforeAll(async () => {
  pki = await createTestPki();
  dir = await mkdtemp(join(tmpdir(), 'dvc-tsa-'));
});
afterAll(async () => {
  await pki.close();
  await rm(dir, { recursive: true, force: true });
});

describe('RFC 3161 time-stamps', () => {
  it('requests a token from the TSA over HTTP and verifies it', async () => {
    const before = Date.now();
    const token = await requestTimestamp(data, { url: pki.urls.tsa });
    const check = await verifyTimestampToken(token, data, { trustAnchors: pki.trustAnchors });
    expect(check.subIndication).toBeUndefined();
    expect(check.time!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(check.tsa?.subject.commonName).toBe('dvc-kit Test Time-Stamping Authority');
    expect(check.revocation.map((r) => r.status)).toEqual(['good', 'good']);
    expect(readTstInfo(token).messageImprint.hashedMessage.valueBlock.valueHexView).toEqual(new Uint8Array(createHash('sha256').update(data).digest()));
  });

  it('HASH_FAILURE: a token over other data', async () => {
    const token = await requestTimestamp(data, { url: pki.urls.tsa, fetcher: pki.fetcher });
    const check = await verifyTimestampToken(token, Buffer.from('other data'), { trustAnchors: pki.trustAnchors });
    expect(check.subIndication).toBe('HASH_FAILURE');
    expect(check.messages[0]!.en).toMatch(/imprint does not match/);
  });

  it('SIG_CRYPTO_FAILURE: a token whose TSA signature was altered', async () => {
    const token = Buffer.from(await requestTimestamp(data, { url: pki.urls.tsa }));
    // The ECDSA signature value is the last OCTET STRING of the token: flip a byte near the end.
    token[token.length - 5]! ^= 0x01;
    const check = await verifyTimestampToken(token, data, { trustAnchors: pki.trustAnchors });
    expect(check.subIndication).toBe('SIG_CRYPTO_FAILURE');
  });

  it('NO_CERTIFICATE_CHAIN_FOUND: a TSA outside the trust anchors', async () => {
    const other = await createTestPki({ serve: false });
    const token = await requestTimestamp(data, { url: other.urls.tsa, fetcher: other.fetcher });
    const check = await verifyTimestampToken(token, data, { trustAnchors: pki.trustAnchors });
    expect(check.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('CHAIN_CONSTRAINTS_FAILURE: a token signed by a certificate without id-kp-timeStamping', async () => {
    const { createTimestampResponse } = await import('./timestamp.js');
    const { parseCertificate } = await import('./certificate.js');
    const { default: pkijs } = await import('pkijs').then((m) => ({ default: m }));
    await writeFile(join(dir, 'data2.bin'), data);
    await run('openssl', ['ts', '-query', '-data', join(dir, 'data2.bin'), '-sha256', '-cert', '-out', join(dir, 'q2.tsq')]);
    const req = new Uint8Array(await readFile(join(dir, 'q2.tsq')));
    const resp = createTimestampResponse(req, { privateKey: pki.agency.privateKey, certificate: parseCertificate(pki.agency.certificatePem), chain: [parseCertificate(pki.governmentCa.certificatePem)] }, {});
    const token = new Uint8Array(pkijs.TimeStampResp.fromBER(resp).timeStampToken!.toSchema().toBER());
    const check = await verifyTimestampToken(token, data, { trustAnchors: pki.trustAnchors });
    expect(check.subIndication).toBe('CHAIN_CONSTRAINTS_FAILURE');
  });

  it('interoperates with openssl ts: its query is answered, and our reply verifies with openssl', async () => {
    await writeFile(join(dir, 'data.bin'), data);
    await run('openssl', ['ts', '-query', '-data', join(dir, 'data.bin'), '-sha256', '-cert', '-out', join(dir, 'q.tsq')]);
    const res = await fetch(pki.urls.tsa, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: await readFile(join(dir, 'q.tsq')) });
    expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
    await writeFile(join(dir, 'r.tsr'), Buffer.from(await res.arrayBuffer()));
    await writeFile(join(dir, 'root.pem'), pki.root.certificatePem);
    await writeFile(join(dir, 'untrusted.pem'), pki.governmentCa.certificatePem + pki.tsa.certificatePem);
    const { stdout } = await run('openssl', ['ts', '-verify', '-data', join(dir, 'data.bin'), '-in', join(dir, 'r.tsr'), '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'untrusted.pem')]);
    expect(stdout).toMatch(/Verification: OK/);
  });

  it('reports an unreachable TSA with ERR_SIGNATURE_TIMESTAMP', async () => {
    pki.outages.tsa = true;
    try {
      await expect(requestTimestamp(data, { url: pki.urls.tsa })).rejects.toBeInstanceOf(TimestampError);
    } finally {
      pki.outages.tsa = false;
    }
  });
});
