import { createPublicKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenedVerify, FlattenedSign, importX509 } from 'jose';
import { canonicalize } from './canonicalize.js';
import { SignatureInputError, SignatureKeyError, UnsupportedAlgorithmError } from './errors.js';
import { signMessage, verifyMessage } from './jws.js';
import { createPolicy } from './policy.js';
import { formatReport } from './report.js';
import { RevocationCache, type RevocationFetcher } from './revocation.js';
import { createTestPki, type TestPki } from './test-pki.js';

const DAY = 24 * 3600_000;
const dossier = {
  MaHoSo: '000.00.06.H56-231027-0361',
  MaTTHC: '1.000656',
  TrangThaiHoSo: 4,
  ChuHoSo: 'Nguyễn Văn An',
  NgayTiepNhan: '20231027083000',
};

let pki: TestPki;
let other: TestPki;

beforeAll(async () => {
  // Valid from three years ago, so that expired certificates can be issued under it.
  [pki, other] = await Promise.all([createTestPki({ validFrom: new Date(Date.now() - 3 * 365 * DAY), caKeyAlgorithm: 'RSA' }), createTestPki({ serve: false })]);
});
afterAll(async () => {
  await Promise.all([pki.close(), other.close()]);
});

function header(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
}

describe('signMessage', () => {
  it('makes a compact detached JWS with b64:false, crit and x5c, leaf first', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const [h, p, s] = jws.split('.');
    expect(p).toBe('');
    expect(s!.length).toBeGreaterThan(80);
    const hdr = header(jws);
    expect(hdr).toMatchObject({ alg: 'ES256', b64: false, crit: ['b64'] });
    expect((hdr.x5c as string[]).length).toBe(2);
    expect(Buffer.from((hdr.x5c as string[])[0]!, 'base64')).toEqual(createPublicKey(pki.agency.certificatePem) && Buffer.from(pki.agency.certificatePem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
    expect(h).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('is verified by jose (an independent JOSE implementation) over the RFC 8785 form', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const [protectedHeader, , signature] = jws.split('.');
    const key = await importX509(pki.agency.certificatePem, 'ES256');
    const result = await flattenedVerify({ protected: protectedHeader!, payload: canonicalize(dossier), signature: signature! }, key);
    expect(new TextDecoder().decode(result.payload)).toBe(canonicalize(dossier));
    await expect(flattenedVerify({ protected: protectedHeader!, payload: canonicalize({ ...dossier, TrangThaiHoSo: 5 }), signature: signature! }, key)).rejects.toThrow();
  });

  it('signs with RS256 and PS256 for RSA keys', async () => {
    const rsa = await pki.issueEndEntity({ subject: { commonName: 'RSA signer', taxCode: '0102030405' }, issuer: 'governmentCa', keyAlgorithm: 'RSA' });
    for (const alg of ['RS256', 'PS256'] as const) {
      const jws = await signMessage(dossier, { privateKey: rsa.privateKeyPem, certificates: rsa.chainPem, alg });
      expect(header(jws).alg).toBe(alg);
      const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
      expect(report.indication, formatReport(report)).toBe('TOTAL_PASSED');
      expect(report.algorithm).toBe(alg);
    }
  });

  it('accepts a JWK private key and signs strings and bytes as given', async () => {
    const jwk = pki.citizen.privateKey.export({ format: 'jwk' });
    const text = '{"b":1,  "a":2}';
    const jws = await signMessage(text, { privateKey: jwk, certificates: pki.citizen.chainPem });
    expect((await verifyMessage(jws, Buffer.from(text), { trustAnchors: pki.trustAnchors })).indication).toBe('TOTAL_PASSED');
    // The canonical form of the same JSON is different bytes, so it must not verify.
    expect((await verifyMessage(jws, JSON.parse(text), { trustAnchors: pki.trustAnchors })).subIndication).toBe('SIG_CRYPTO_FAILURE');
  });

  it('rejects bad input with typed errors', async () => {
    await expect(signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: [] })).rejects.toBeInstanceOf(SignatureInputError);
    await expect(signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.citizen.chainPem })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID_KEY' });
    await expect(signMessage(dossier, { privateKey: 'not a key', certificates: pki.agency.chainPem })).rejects.toBeInstanceOf(SignatureKeyError);
    await expect(signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, alg: 'HS256' as 'ES256' })).rejects.toBeInstanceOf(UnsupportedAlgorithmError);
    await expect(signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, alg: 'RS256' })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID_KEY' });
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await expect(signMessage(dossier, { privateKey: weak, certificates: pki.agency.chainPem })).rejects.toThrow(/at least 2048/);
    await expect(signMessage({ x: Number.NaN }, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_CANONICALIZATION' });
  });
});

describe('verifyMessage', () => {
  it('passes a valid agency signature and names the signer with its tax code', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    // Member order does not matter: the payload is canonicalised.
    const reordered = Object.fromEntries(Object.entries(dossier).reverse());
    const report = await verifyMessage(jws, reordered, { trustAnchors: pki.trustAnchors });
    expect(report.indication, formatReport(report)).toBe('TOTAL_PASSED');
    expect(report.subIndication).toBeUndefined();
    expect(report.signer).toMatchObject({ commonName: 'Sở Thông tin và Truyền thông tỉnh Thanh Hóa', organization: 'UBND tỉnh Thanh Hóa', taxCode: '2801234564', agencyCode: '000.00.06.H56' });
    expect(report.chain.map((c) => c.trustAnchor)).toEqual([false, false, true]);
    expect(report.revocation.map((r) => r.status)).toEqual(['good', 'good']);
    expect(report.revocation[0]!.source).toBe('OCSP');
    expect(report.signingTime.claimed).toBeDefined();
    expect(formatReport(report, 'vi')).toContain('HỢP LỆ');
  });

  it('accepts only government-CA signers when the government CA is the trust anchor (DVC-SIG-003)', async () => {
    const opts = { trustAnchors: [pki.governmentCa.certificatePem] };
    const agency = await verifyMessage(await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem }), dossier, opts);
    expect(agency.indication, formatReport(agency)).toBe('TOTAL_PASSED');
    expect(agency.chain.map((c) => c.trustAnchor)).toEqual([false, true]);
    const citizen = await verifyMessage(await signMessage(dossier, { privateKey: pki.citizen.privateKey, certificates: pki.citizen.chainPem }), dossier, opts);
    expect(citizen.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
  });

  it('SIG_CONSTRAINTS_FAILURE: a valid signature by another agency than the message names (DVC-SIG-005)', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const ok = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, expectedSigner: { agencyCode: '000.00.06.H56' } });
    expect(ok.indication).toBe('TOTAL_PASSED');
    const other = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, expectedSigner: { agencyCode: '000.00.00.H26' } });
    expect([other.indication, other.subIndication]).toEqual(['INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE']);
    expect(other.messages.find((m) => m.code === 'SIGNER_MISMATCH')?.en).toBe("The signer's agency identifier code is 000.00.06.H56, expected 000.00.00.H26.");
    const citizen = await verifyMessage(await signMessage(dossier, { privateKey: pki.citizen.privateKey, certificates: pki.citizen.chainPem }), dossier, { trustAnchors: pki.trustAnchors, expectedSigner: { agencyCode: '000.00.06.H56' } });
    expect(citizen.subIndication).toBe('SIG_CONSTRAINTS_FAILURE');
    expect(citizen.messages.find((m) => m.code === 'SIGNER_MISMATCH')?.vi).toMatch(/không có trong chứng thư/);
  });

  it('passes a citizen signature and reads the CCCD number', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.citizen.privateKey, certificates: pki.citizen.chainPem });
    const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
    expect(report.indication).toBe('TOTAL_PASSED');
    expect(report.signer?.citizenId).toBe('038090000123');
  });

  it('HASH/SIG: a tampered byte gives TOTAL_FAILED / SIG_CRYPTO_FAILURE', async () => {
    const body = Buffer.from(JSON.stringify(dossier));
    const jws = await signMessage(body, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const tampered = Buffer.from(body);
    tampered[10]! ^= 0x01;
    const report = await verifyMessage(jws, tampered, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'SIG_CRYPTO_FAILURE']);
    expect(report.messages.some((m) => m.code === 'SIGNATURE_INVALID' && m.vi.length > 0)).toBe(true);
  });

  it('wrong key: a signature presented with another signer\'s certificates fails', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const h = header(jws);
    h.x5c = pki.citizen.chainPem.map((p) => p.replace(/-----[A-Z ]+-----|\s/g, ''));
    const forged = `${Buffer.from(JSON.stringify(h)).toString('base64url')}..${jws.split('.')[2]}`;
    const report = await verifyMessage(forged, dossier, { trustAnchors: pki.trustAnchors });
    expect(report.subIndication).toBe('SIG_CRYPTO_FAILURE');
  });

  it('REVOKED: certificate revoked before the signing time', async () => {
    const p = await pki.issueEndEntity({ subject: { commonName: 'Revoked early' } });
    pki.revoke(p, new Date(Date.now() - 3600_000), 1);
    const jws = await signMessage(dossier, { privateKey: p.privateKey, certificates: p.chainPem });
    const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'REVOKED']);
    expect(report.revocation[0]).toMatchObject({ status: 'revoked', reason: 'keyCompromise', source: 'OCSP' });
  });

  it('REVOKED_NO_POE: revoked after the claimed signing time, with no time-stamp to prove it', async () => {
    const p = await pki.issueEndEntity({ subject: { commonName: 'Revoked later' } });
    const jws = await signMessage(dossier, { privateKey: p.privateKey, certificates: p.chainPem, signingTime: new Date(Date.now() - 2 * 3600_000) });
    pki.revoke(p, new Date(Date.now() - 3600_000));
    const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'REVOKED_NO_POE']);
  });

  it('REVOKED_CA_NO_POE: the issuing CA itself was revoked', async () => {
    const own = await createTestPki({ serve: false });
    try {
      own.revoke(own.governmentCa, new Date(Date.now() - 3600_000), 2);
      const jws = await signMessage(dossier, { privateKey: own.agency.privateKey, certificates: own.agency.chainPem });
      const report = await verifyMessage(jws, dossier, { trustAnchors: own.trustAnchors, revocation: { fetcher: own.fetcher } });
      expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'REVOKED_CA_NO_POE']);
      expect(report.revocation[1]).toMatchObject({ status: 'revoked', reason: 'cACompromise', source: 'CRL' });
    } finally {
      await own.close();
    }
  });

  it('EXPIRED: signed (by its own claim) after the certificate expired', async () => {
    const expired = await pki.expire(pki.citizen);
    const jws = await signMessage(dossier, { privateKey: expired.privateKey, certificates: expired.chainPem });
    const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'EXPIRED']);
  });

  it('OUT_OF_BOUNDS_NO_POE: signed while valid, checked after expiry, no time-stamp', async () => {
    const expired = await pki.expire(pki.citizen);
    const jws = await signMessage(dossier, { privateKey: expired.privateKey, certificates: expired.chainPem, signingTime: new Date(Date.now() - 30 * DAY) });
    const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE']);
    // Validated as of a time inside the validity period, it passes.
    const then = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, at: new Date(Date.now() - 20 * DAY), revocation: { mode: 'off' } });
    expect(then.indication, formatReport(then)).toBe('TOTAL_PASSED');
  });

  it('NOT_YET_VALID: certificate whose validity starts tomorrow', async () => {
    const p = await pki.issueEndEntity({ subject: { commonName: 'Future' }, notBefore: new Date(Date.now() + DAY) });
    const jws = await signMessage(dossier, { privateKey: p.privateKey, certificates: p.chainPem });
    const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['TOTAL_FAILED', 'NOT_YET_VALID']);
  });

  it('NO_CERTIFICATE_CHAIN_FOUND: unknown root', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const report = await verifyMessage(jws, dossier, { trustAnchors: other.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
    // The other PKI's root has the same name but another key: the message says so.
    expect(report.messages.find((m) => m.code === 'NO_CHAIN')?.en).toMatch(/does not verify with the key of/);
  });

  it('NO_CERTIFICATE_CHAIN_FOUND: missing intermediate, found again through the pool', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: [pki.agency.certificatePem] });
    const missing = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
    expect(missing.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    const pooled = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, certificatePool: [pki.governmentCa.certificatePem] });
    expect(pooled.indication).toBe('TOTAL_PASSED');
  });

  it('CRYPTO_CONSTRAINTS_FAILURE: certificate signed with SHA-1', async () => {
    const weak = await pki.weaken(pki.agency, { hash: 'SHA-1' });
    const jws = await signMessage(dossier, { privateKey: weak.privateKey, certificates: weak.chainPem });
    const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
    expect([report.indication, report.subIndication]).toEqual(['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE']);
    expect(report.messages.find((m) => m.code === 'WEAK_HASH')?.en).toMatch(/SHA-1/);
  });

  it('CRYPTO_CONSTRAINTS_FAILURE: RSA-1024 signer (JWS made by hand, since signMessage refuses the key)', async () => {
    const weak = await pki.weaken(pki.agency, { rsaBits: 1024 });
    const h = Buffer.from(JSON.stringify({ alg: 'RS256', b64: false, crit: ['b64'], x5c: weak.chainPem.map((p) => p.replace(/-----[A-Z ]+-----|\s/g, '')) })).toString('base64url');
    const sig = nodeSign('sha256', Buffer.concat([Buffer.from(`${h}.`), Buffer.from(canonicalize(dossier))]), weak.privateKey).toString('base64url');
    const report = await verifyMessage(`${h}..${sig}`, dossier, { trustAnchors: pki.trustAnchors });
    expect(report.subIndication).toBe('CRYPTO_CONSTRAINTS_FAILURE');
    expect(report.messages.find((m) => m.code === 'WEAK_KEY')?.en).toMatch(/1024-bit RSA/);
  });

  it('CHAIN_CONSTRAINTS_FAILURE: unknown critical extension, and a key not meant for signing', async () => {
    const crit = await pki.issueEndEntity({ subject: { commonName: 'Critical' }, extensions: [{ oid: '1.3.6.1.4.1.99999.42', critical: true, value: new Uint8Array([0x05, 0x00]) }] });
    const r1 = await verifyMessage(await signMessage(dossier, { privateKey: crit.privateKey, certificates: crit.chainPem }), dossier, { trustAnchors: pki.trustAnchors });
    expect(r1.subIndication).toBe('CHAIN_CONSTRAINTS_FAILURE');
    expect(r1.messages.some((m) => m.code === 'UNKNOWN_CRITICAL_EXTENSION' && m.en.includes('1.3.6.1.4.1.99999.42'))).toBe(true);
    const enc = await pki.issueEndEntity({ subject: { commonName: 'Encryption only' }, keyUsage: ['keyAgreement'] });
    const r2 = await verifyMessage(await signMessage(dossier, { privateKey: enc.privateKey, certificates: enc.chainPem }), dossier, { trustAnchors: pki.trustAnchors });
    expect(r2.subIndication).toBe('CHAIN_CONSTRAINTS_FAILURE');
  });

  it('TRY_LATER with hard-fail when OCSP and CRL are down; TOTAL_PASSED with soft-fail', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    pki.outages.ocsp = true;
    try {
      // OCSP down alone: the CRL answers instead.
      const viaCrl = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors });
      expect(viaCrl.indication).toBe('TOTAL_PASSED');
      expect(viaCrl.revocation[0]!.source).toBe('CRL');
      pki.outages.crl = true;
      const hard = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, revocation: { mode: 'hard-fail' } });
      expect([hard.indication, hard.subIndication]).toEqual(['INDETERMINATE', 'TRY_LATER']);
      expect(hard.revocation[0]!.status).toBe('unavailable');
      const soft = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, revocation: { mode: 'soft-fail' } });
      expect(soft.indication).toBe('TOTAL_PASSED');
      expect(soft.messages.some((m) => m.code === 'REVOCATION_SOFT_FAIL' && m.severity === 'warning')).toBe(true);
    } finally {
      pki.outages.ocsp = false;
      pki.outages.crl = false;
    }
  });

  it('uses a pluggable fetcher and caches answers until nextUpdate', async () => {
    const calls: string[] = [];
    const fetcher: RevocationFetcher = async (req) => {
      calls.push(req.url);
      return pki.fetcher(req);
    };
    const cache = new RevocationCache();
    const jws = await signMessage(dossier, { privateKey: pki.citizen.privateKey, certificates: pki.citizen.chainPem });
    const first = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, revocation: { fetcher, cache } });
    const second = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, revocation: { fetcher, cache } });
    expect(first.indication).toBe('TOTAL_PASSED');
    expect(second.indication).toBe('TOTAL_PASSED');
    expect(calls).toHaveLength(2);
    expect(first.revocation.every((r) => r.cached === false)).toBe(true);
    expect(second.revocation.every((r) => r.cached === true)).toBe(true);
  });

  it('works without a network through the PKI\'s in-process fetcher', async () => {
    const jws = await signMessage(dossier, { privateKey: other.agency.privateKey, certificates: other.agency.chainPem });
    expect(other.urls.base).toMatch(/\.invalid$/);
    const report = await verifyMessage(jws, dossier, { trustAnchors: other.trustAnchors, revocation: { fetcher: other.fetcher } });
    expect(report.indication, formatReport(report)).toBe('TOTAL_PASSED');
  });

  it('verifies a JWS made by jose with x5c', async () => {
    const payload = new TextEncoder().encode(canonicalize(dossier));
    const x5c = pki.citizen.chainPem.map((p) => p.replace(/-----[A-Z ]+-----|\s/g, ''));
    const flat = await new FlattenedSign(payload).setProtectedHeader({ alg: 'ES256', b64: false, crit: ['b64'], x5c }).sign(pki.citizen.privateKey);
    const report = await verifyMessage(`${flat.protected}..${flat.signature}`, dossier, { trustAnchors: pki.trustAnchors });
    expect(report.indication, formatReport(report)).toBe('TOTAL_PASSED');
  });

  it('FORMAT_FAILURE, NO_SIGNING_CERTIFICATE_FOUND and disallowed algorithms are reported, not thrown', async () => {
    const opts = { trustAnchors: pki.trustAnchors };
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect((await verifyMessage('garbage', dossier, opts)).subIndication).toBe('FORMAT_FAILURE');
    expect((await verifyMessage(`${b64({ alg: 'ES256' })}.e30.c2ln`, dossier, opts)).subIndication).toBe('FORMAT_FAILURE');
    expect((await verifyMessage(`${b64({ alg: 'ES256', b64: true })}..c2ln`, dossier, opts)).subIndication).toBe('FORMAT_FAILURE');
    expect((await verifyMessage(`${b64({ alg: 'ES256', b64: false, crit: ['b64', 'exp'] })}..c2ln`, dossier, opts)).subIndication).toBe('FORMAT_FAILURE');
    const none = await verifyMessage(`${b64({ alg: 'none', b64: false, crit: ['b64'] })}..`, dossier, opts);
    expect([none.indication, none.subIndication]).toEqual(['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE']);
    const noCert = await verifyMessage(`${b64({ alg: 'ES256', b64: false, crit: ['b64'] })}..c2ln`, dossier, opts);
    expect(noCert.subIndication).toBe('NO_SIGNING_CERTIFICATE_FOUND');
    await expect(verifyMessage('x', dossier, { trustAnchors: [] })).rejects.toBeInstanceOf(SignatureInputError);
  });

  it('applies a tightened policy, and refuses a loosened one', async () => {
    const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const report = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, policy: createPolicy({ algorithms: ['PS256'] }) });
    expect(report.subIndication).toBe('CRYPTO_CONSTRAINTS_FAILURE');
    expect(report.messages[0]!.en).toMatch(/ES256 is not allowed/);
    const eku = await verifyMessage(jws, dossier, { trustAnchors: pki.trustAnchors, policy: createPolicy({ requiredExtendedKeyUsage: ['1.3.6.1.5.5.7.3.4'] }) });
    expect(eku.subIndication).toBe('CHAIN_CONSTRAINTS_FAILURE');
    expect(() => createPolicy({ hashes: ['SHA-1', 'SHA-256'] })).toThrow(/may only be narrowed/);
    expect(() => createPolicy({ minRsaBits: 1024 })).toThrow(/may only be raised/);
  });
});
