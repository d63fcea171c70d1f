import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from './cades.js';
import { signMessage, verifyMessage } from './jws.js';
import { verifyPdf } from './pades.js';
import { createTestPki, type TestPki } from './test-pki.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki({ serve: false });
});
afterAll(async () => {
  await pki.close();
});

// Whatever arrives in a header or a file, verification answers with a report, never an exception, and never a pass.
describe('hostile input', () => {
  it('verifyMessage: any string is reported, never thrown, never passed', async () => {
    const opts = { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher } };
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.base64String(), fc.tuple(fc.base64String(), fc.base64String()).map(([a, b]) => `${a.replace(/[+/=]/g, '')}..${b.replace(/[+/=]/g, '')}`)), async (jws) => {
        const report = await verifyMessage(jws, { a: 1 }, opts);
        expect(report.indication).not.toBe('TOTAL_PASSED');
      }),
      { numRuns: 200 },
    );
  });

  it('verifyMessage: the last signature character changed in its unused bits is refused', async () => {
    const jws = await signMessage({ a: 1 }, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const last = jws[jws.length - 1]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 64 signature bytes leave 4 unused bits in the last character: same bytes, other text.
    const twin = alphabet[alphabet.indexOf(last) ^ 0x01]!;
    const report = await verifyMessage(jws.slice(0, -1) + twin, { a: 1 }, { trustAnchors: pki.trustAnchors, revocation: { mode: 'off' } });
    expect(report.subIndication).toBe('FORMAT_FAILURE');
  });

  it('verifyMessage: a valid JWS with any single character changed never passes', async () => {
    const body = { MaHoSo: '000.00.06.H56-231027-0361', TrangThaiHoSo: 9 };
    const jws = await signMessage(body, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const opts = { trustAnchors: pki.trustAnchors, revocation: { mode: 'off' as const } };
    await fc.assert(
      fc.asyncProperty(fc.nat(jws.length - 1), fc.constantFrom(...'AQgw_-.x'), async (at, ch) => {
        fc.pre(jws[at] !== ch);
        const changed = jws.slice(0, at) + ch + jws.slice(at + 1);
        const report = await verifyMessage(changed, body, opts);
        expect(report.indication).not.toBe('TOTAL_PASSED');
      }),
      { numRuns: 150 },
    );
  });

  it('verifyFile and verifyPdf: random bytes are reported or rejected with a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const report = await verifyFile(bytes, new Uint8Array([1]), { trustAnchors: pki.trustAnchors });
        expect(report.indication).not.toBe('TOTAL_PASSED');
        const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n/ByteRange [0 10 20 5] /Contents <'), Buffer.from(bytes).toString('hex').length ? Buffer.from(Buffer.from(bytes).toString('hex')) : Buffer.alloc(0), Buffer.from('>\nendobj\n')]);
        const reports = await verifyPdf(pdf, { trustAnchors: pki.trustAnchors });
        expect(reports.every((r) => r.indication !== 'TOTAL_PASSED')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
