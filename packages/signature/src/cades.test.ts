import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signFile, verifyFile } from './cades.js';
import { parseSignedData } from './cms.js';
import { formatReport } from './report.js';
import { createTestPki, type TestPki } from './test-pki.js';

const run = promisify(execFile);
const DAY = 24 * 3600_000;
let pki: TestPki;
let dir: string;
const file = Buffer.from('%PDF-1.7 giấy phép xây dựng số 123/GPXD — kết quả giải quyết hồ sơ\n'.repeat(50));

beforeAll(async () => {
  pki = await createTestPki({ validFrom: new Date(Date.now() - 3 * 365 * DAY), caKeyAlgorithm: 'RSA' });
  dir = await mkdtemp(join(tmpdir(), 'dvc-cades-'));
  await writeFile(join(dir, 'data.bin'), file);
  await writeFile(join(dir, 'root.pem'), pki.root.certificatePem);
  await writeFile(join(dir, 'agency.pem'), pki.agency.certificatePem);
  await writeFile(join(dir, 'agency.key'), pki.agency.privateKeyPem);
  await writeFile(join(dir, 'gov.pem'), pki.governmentCa.certificatePem);
});
afterAll(async () => {
  await pki.close();
  await rm(dir, { recursive: true, force: true });
});

describe('signFile / verifyFile (CAdES detached)', () => {
  it('signs and verifies, with signing-time and signing-certificate-v2', async () => {
    const sig = await signFile(file, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const attrs = parseSignedData(sig).signerInfos[0]!.signedAttrs!.attributes.map((a) => a.type);
    expect(attrs).toEqual(['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.5', '1.2.840.113549.1.9.4', '1.2.840.113549.1.9.16.2.47']);
    expect(parseSignedData(sig).encapContentInfo.eContent).toBeUndefined();
    const report = await verifyFile(sig, file, { trustAnchors: pki.trustAnchors });
    expect(report.indication, formatReport(report)).toBe('TOTAL_PASSED');
    expect(report.format).toBe('CAdES');
    expect(report.algorithm).toBe('ECDSA-SHA256');
    expect(report.signer?.taxCode).toBe('2801234564');
    expect(report.signingTime.claimed).toBeDefined();
    const wrongTaxCode = await verifyFile(sig, file, { trustAnchors: pki.trustAnchors, expectedSigner: { taxCode: '0100109106' } });
    expect(wrongTaxCode.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
  });

  it('HASH_FAILURE: one changed byte in the file', async () => {
    const sig = await signFile(file, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const tampered = Buffer.from(file);
    tampered[100]! ^= 0x20;
    const report = await verifyFile(sig, tampered, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
  });

  it('SIG_CRYPTO_FAILURE: a signature value that does not match the attributes', async () => {
    const sig = Buffer.from(await signFile(file, { privateKey: pki.citizen.privateKey, certificates: pki.citizen.chainPem }));
    sig[sig.length - 3]! ^= 0x01;
    const report = await verifyFile(sig, file, { trustAnchors: pki.trustAnchors });
    expect(report.subIndication).toBe('SIG_CRYPTO_FAILURE');
  });

  it('finds the signer by serial number when a tool garbles the issuer name in the SignerInfo', async () => {
    const pkijs = await import('pkijs');
    const signed = parseSignedData(await signFile(file, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem }));
    const sid = signed.signerInfos[0]!.sid as InstanceType<typeof pkijs.IssuerAndSerialNumber>;
    // Another name, as node-forge produces when it double-encodes UTF-8.
    sid.issuer = pkijs.Certificate.fromBER(Buffer.from(pki.root.certificatePem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')).subject;
    const der = new Uint8Array(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) }).toSchema().toBER());
    const report = await verifyFile(der, file, { trustAnchors: pki.trustAnchors });
    expect(report.indication, formatReport(report)).toBe('TOTAL_PASSED');
    expect(report.messages.some((m) => m.severity === 'warning' && m.en.includes('matched by serial number'))).toBe(true);
  });

  it('CRYPTO_CONSTRAINTS_FAILURE for a signer key on a curve outside the policy (secp256k1)', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    const p = await pki.issueEndEntity({ subject: { commonName: 'Weak curve' }, privateKey: k1 });
    const sig = await signFile(file, { privateKey: p.privateKey, certificates: p.chainPem });
    const report = await verifyFile(sig, file, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE']);
    expect(report.messages.find((m) => m.code === 'WEAK_KEY')?.en).toMatch(/curve secp256k1/);
  });

  it('FORMAT_FAILURE for bytes that are not CMS', async () => {
    const report = await verifyFile(Buffer.from('not cms'), file, { trustAnchors: pki.trustAnchors });
    expect(report.subIndication).toBe('FORMAT_FAILURE');
  });

  it('is verified by openssl cms -verify', async () => {
    const sig = await signFile(file, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    await writeFile(join(dir, 'ours.p7s'), sig);
    const { stderr } = await run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'ours.p7s'), '-content', join(dir, 'data.bin'), '-CAfile', join(dir, 'root.pem'), '-purpose', 'any', '-out', '/dev/null']);
    expect(stderr).toMatch(/Verification successful/);
    // And openssl rejects it over other content.
    await writeFile(join(dir, 'other.bin'), 'other');
    await expect(run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'ours.p7s'), '-content', join(dir, 'other.bin'), '-CAfile', join(dir, 'root.pem'), '-purpose', 'any', '-out', '/dev/null'])).rejects.toThrow(/digest failure|verification failure/i);
  });

  it.each([['plain CMS', []], ['CAdES (-cades)', ['-cades']]])('verifies a detached signature made by openssl cms -sign (%s)', async (_name, flags) => {
    const out = join(dir, `openssl${flags.length}.p7s`);
    await run('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', ...flags, '-in', join(dir, 'data.bin'), '-signer', join(dir, 'agency.pem'), '-inkey', join(dir, 'agency.key'), '-certfile', join(dir, 'gov.pem'), '-outform', 'DER', '-out', out]);
    const report = await verifyFile(await readFile(out), file, { trustAnchors: pki.trustAnchors });
    expect(report.indication, formatReport(report)).toBe('TOTAL_PASSED');
    expect(report.messages.some((m) => m.severity === 'warning' && m.en.includes('signing-certificate-v2'))).toBe(flags.length === 0);
    const tampered = Buffer.from(file);
    tampered[0]! ^= 1;
    expect((await verifyFile(await readFile(out), tampered, { trustAnchors: pki.trustAnchors })).subIndication).toBe('HASH_FAILURE');
  });

  it('verifies RSA-PSS signatures made by openssl, and refuses SHA-1 ones (CRYPTO_CONSTRAINTS_FAILURE)', async () => {
    const rsa = await pki.issueEndEntity({ subject: { commonName: 'RSA-PSS signer' }, issuer: 'governmentCa', keyAlgorithm: 'RSA' });
    await writeFile(join(dir, 'rsa.pem'), rsa.certificatePem);
    await writeFile(join(dir, 'rsa.key'), rsa.privateKeyPem);
    // -keyopt applies to the -signer before it.
    const sign = (out: string, md: string, keyopt: string[]) =>
      run('openssl', ['cms', '-sign', '-binary', '-md', md, '-in', join(dir, 'data.bin'), '-signer', join(dir, 'rsa.pem'), '-inkey', join(dir, 'rsa.key'), ...keyopt, '-certfile', join(dir, 'gov.pem'), '-outform', 'DER', '-out', join(dir, out)]);
    await sign('pss.p7s', 'sha256', ['-keyopt', 'rsa_padding_mode:pss']);
    const pss = await verifyFile(await readFile(join(dir, 'pss.p7s')), file, { trustAnchors: pki.trustAnchors });
    expect(pss.indication, formatReport(pss)).toBe('TOTAL_PASSED');
    expect(pss.algorithm).toBe('RSASSA-PSS-SHA256');
    await sign('sha1.p7s', 'sha1', []);
    const sha1 = await verifyFile(await readFile(join(dir, 'sha1.p7s')), file, { trustAnchors: pki.trustAnchors });
    expect([sha1.indication, sha1.subIndication]).toEqual(['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE']);
    expect(sha1.messages.find((m) => m.code === 'WEAK_HASH')?.en).toMatch(/SHA-1/);
  });

  it('accepts PEM ("-----BEGIN CMS-----") as written by openssl', async () => {
    await run('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-in', join(dir, 'data.bin'), '-signer', join(dir, 'agency.pem'), '-inkey', join(dir, 'agency.key'), '-certfile', join(dir, 'gov.pem'), '-outform', 'PEM', '-out', join(dir, 'o.pem')]);
    const report = await verifyFile(await readFile(join(dir, 'o.pem'), 'utf8'), file, { trustAnchors: pki.trustAnchors });
    expect(report.indication).toBe('TOTAL_PASSED');
  });
});

describe('CAdES-T: signature time-stamps as proof of the signing time', () => {
  it('a time-stamped signature stays valid after its certificate is revoked', async () => {
    const p = await pki.issueEndEntity({ subject: { commonName: 'Cán bộ một cửa' }, issuer: 'governmentCa' });
    const stamped = await signFile(file, { privateKey: p.privateKey, certificates: p.chainPem, timestamp: { url: pki.urls.tsa } });
    const plain = await signFile(file, { privateKey: p.privateKey, certificates: p.chainPem, signingTime: new Date(Date.now() - 60_000) });
    pki.revoke(p, new Date(Date.now() + 1000), 4);
    await new Promise((r) => setTimeout(r, 1100));
    const withTs = await verifyFile(stamped, file, { trustAnchors: pki.trustAnchors });
    expect(withTs.indication, formatReport(withTs)).toBe('TOTAL_PASSED');
    expect(withTs.timestamp?.tsa).toContain('Time-Stamping Authority');
    expect(withTs.messages.some((m) => m.code === 'CERT_REVOKED_AFTER_POE')).toBe(true);
    const without = await verifyFile(plain, file, { trustAnchors: pki.trustAnchors });
    expect(without.subIndication).toBe('REVOKED_NO_POE');
  });

  it('a time-stamp from while the certificate was valid lifts OUT_OF_BOUNDS_NO_POE', async () => {
    const expired = await pki.expire(pki.citizen);
    const validAt = new Date(parseCertValidity(expired.certificatePem).getTime() - 10 * DAY);
    pki.tsaTime = validAt;
    try {
      const stamped = await signFile(file, { privateKey: expired.privateKey, certificates: expired.chainPem, signingTime: validAt, timestamp: { url: pki.urls.tsa } });
      const report = await verifyFile(stamped, file, { trustAnchors: pki.trustAnchors });
      expect(report.indication, formatReport(report)).toBe('TOTAL_PASSED');
      expect(report.signingTime.timestamp).toBe(validAt.toISOString());
    } finally {
      pki.tsaTime = undefined;
    }
    const unstamped = await signFile(file, { privateKey: expired.privateKey, certificates: expired.chainPem, signingTime: validAt });
    expect((await verifyFile(unstamped, file, { trustAnchors: pki.trustAnchors })).subIndication).toBe('OUT_OF_BOUNDS_NO_POE');
  });

  it('bad TSA token: a token moved from another signature gives HASH_FAILURE', async () => {
    const a = await signFile(file, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, timestamp: { url: pki.urls.tsa } });
    const b = await signFile(Buffer.from('other'), { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, timestamp: { url: pki.urls.tsa } });
    const sa = parseSignedData(a);
    const sb = parseSignedData(b);
    sa.signerInfos[0]!.unsignedAttrs = sb.signerInfos[0]!.unsignedAttrs!;
    const pkijs = await import('pkijs');
    const swapped = new Uint8Array(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sa.toSchema(true) }).toSchema().toBER());
    const report = await verifyFile(swapped, file, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
    expect(report.messages.some((m) => m.code === 'TIMESTAMP_INVALID')).toBe(true);
  });

  it('a CAdES-T signature made here verifies with openssl cms', async () => {
    const sig = await signFile(file, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, timestamp: { url: pki.urls.tsa } });
    await writeFile(join(dir, 't.p7s'), sig);
    const { stderr } = await run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 't.p7s'), '-content', join(dir, 'data.bin'), '-CAfile', join(dir, 'root.pem'), '-purpose', 'any', '-out', '/dev/null']);
    expect(stderr).toMatch(/Verification successful/);
  });
});

function parseCertValidity(pem: string): Date {
  return new Date(new X509Certificate(pem).validTo);
}
