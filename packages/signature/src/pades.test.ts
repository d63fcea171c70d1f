import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument, PDFName, PDFDict, PDFArray, StandardFonts } from 'pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer } from '@signpdf/utils';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MalformedSignatureError, SignatureInputError } from './errors.js';
import { signPdf, verifyPdf } from './pades.js';
import { formatReport } from './report.js';
import { createTestPki, type TestParty, type TestPki } from './test-pki.js';

const run = promisify(execFile);
const hasPdfsig = !spawnSync('pdfsig', ['-v']).error;
// Interop with poppler is part of "done": skip only on a developer machine without it, never under CI.
const pdfsigTest = hasPdfsig || process.env.CI ? it : it.skip;
if (!hasPdfsig && !process.env.CI) console.warn('pdfsig (poppler-utils) not found: skipping the PAdES interoperability tests; apt-get install -y poppler-utils');

async function pdfsig(file: string): Promise<string> {
  if (!hasPdfsig) throw new Error('pdfsig is required under CI: install poppler-utils (apt-get install -y poppler-utils)');
  // -nocert: poppler checks trust against an NSS database; the test PKI's root is not in one.
  const { stdout, stderr } = await run('pdfsig', ['-nocert', file]);
  return stdout + stderr;
}

let pki: TestPki;
let dir: string;
let rsaSigner: TestParty;

async function resultPdf(useObjectStreams: boolean, pages = 1): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    doc.addPage([595, 842]).drawText(`GIAY PHEP - trang ${i + 1}`, { x: 50, y: 780, size: 16, font });
  }
  return doc.save({ useObjectStreams });
}

beforeAll(async () => {
  pki = await createTestPki();
  dir = await mkdtemp(join(tmpdir(), 'dvc-pades-'));
  rsaSigner = await pki.issueEndEntity({ subject: { commonName: 'Phan mem ky so khac', organization: 'Other Vendor' }, issuer: 'publicCa', keyAlgorithm: 'RSA' });
});
afterAll(async () => {
  await pki.close();
  await rm(dir, { recursive: true, force: true });
});

describe('signPdf / verifyPdf (PAdES)', () => {
  it('signs as an incremental update that keeps the original bytes, and verifies', async () => {
    const pdf = await resultPdf(false);
    const signed = await signPdf(pdf, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, reason: 'Kết quả giải quyết TTHC', location: 'Thanh Hóa' });
    expect(Buffer.from(signed.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    const [report, ...rest] = await verifyPdf(signed, { trustAnchors: pki.trustAnchors });
    expect(rest).toHaveLength(0);
    expect(report!.indication, formatReport(report!)).toBe('TOTAL_PASSED');
    expect(report).toMatchObject({ format: 'PAdES', subFilter: 'ETSI.CAdES.detached', coversWholeDocument: true, fieldName: 'Signature1' });
    expect(report!.signer?.taxCode).toBe('2801234564');
    expect(report!.signingTime.claimed).toBeDefined();
    // pdf-lib still reads the signed file, with the field and the /Reason in UTF-16.
    const doc = await PDFDocument.load(signed);
    expect(doc.getPageCount()).toBe(1);
    expect(Buffer.from(signed).toString('latin1')).toContain('/SubFilter /ETSI.CAdES.detached');
  });

  pdfsigTest('is reported valid by pdfsig (poppler), for classic and object-stream PDFs', async () => {
    for (const useObjectStreams of [false, true]) {
      const signed = await signPdf(await resultPdf(useObjectStreams), { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
      const file = join(dir, `signed-${useObjectStreams}.pdf`);
      await writeFile(file, signed);
      const out = await pdfsig(file);
      expect(out).toContain('Signature Validation: Signature is Valid.');
      expect(out).toContain('Signature Type: ETSI.CAdES.detached');
      expect(out).toContain('Total document signed');
      expect(out).not.toMatch(/Syntax Error|Internal Error/);
    }
  });

  pdfsigTest('keeps the first signature valid when a second is added (pdfsig agrees)', async () => {
    const once = await signPdf(await resultPdf(true, 2), { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    const twice = await signPdf(once, { privateKey: pki.citizen.privateKey, certificates: pki.citizen.chainPem, timestamp: { url: pki.urls.tsa }, visible: { page: 1, rect: [330, 40, 560, 110] } });
    const reports = await verifyPdf(twice, { trustAnchors: pki.trustAnchors });
    expect(reports.map((r) => r.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(reports.map((r) => r.coversWholeDocument)).toEqual([false, true]);
    expect(reports.map((r) => r.fieldName)).toEqual(['Signature1', 'Signature2']);
    expect(reports[1]!.signingTime.timestamp).toBeDefined();
    await writeFile(join(dir, 'twice.pdf'), twice);
    const out = await pdfsig(join(dir, 'twice.pdf'));
    expect(out.match(/Signature is Valid\./g)).toHaveLength(2);
    expect(out).toContain('Not total document signed');
  });

  pdfsigTest('signs PDFs written by another producer (poppler\'s cairo backend), visibly, and pdfsig agrees', async () => {
    await writeFile(join(dir, 'plain.pdf'), await resultPdf(false, 2));
    await run('pdftocairo', ['-pdf', join(dir, 'plain.pdf'), join(dir, 'cairo.pdf')]);
    const cairo = await readFile(join(dir, 'cairo.pdf'));
    const signed = await signPdf(cairo, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, visible: { page: 1, rect: [50, 50, 250, 110] } });
    expect((await verifyPdf(signed, { trustAnchors: pki.trustAnchors }))[0]!.indication).toBe('TOTAL_PASSED');
    await writeFile(join(dir, 'cairo-signed.pdf'), signed);
    const out = await pdfsig(join(dir, 'cairo-signed.pdf'));
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).not.toMatch(/Syntax Error|Internal Error/);
  });

  it('adds a visible signature: a widget with its rectangle and an appearance stream', async () => {
    const signed = await signPdf(await resultPdf(false), { privateKey: pki.citizen.privateKey, certificates: pki.citizen.chainPem, visible: { rect: [330, 40, 560, 110] } });
    const doc = await PDFDocument.load(signed);
    const annots = doc.getPage(0).node.lookup(PDFName.of('Annots'), PDFArray);
    const widget = annots.lookup(0, PDFDict);
    expect(widget.lookup(PDFName.of('Rect'), PDFArray).asArray().map(String)).toEqual(['330', '40', '560', '110']);
    expect(widget.lookup(PDFName.of('AP'), PDFDict).get(PDFName.of('N'))).toBeDefined();
    expect(Buffer.from(signed).toString('latin1')).toMatch(/\(Ky boi \/ Signed by: Nguyen Van An\) Tj/);
    expect((await verifyPdf(signed, { trustAnchors: pki.trustAnchors }))[0]!.indication).toBe('TOTAL_PASSED');
  });

  pdfsigTest('HASH_FAILURE for a changed byte in the signed range; pdfsig also rejects it', async () => {
    const signed = Buffer.from(await signPdf(await resultPdf(false), { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem }));
    const at = signed.indexOf('GIAY PHEP');
    const target = at > 0 ? at : 20;
    signed[target]! ^= 0x01;
    const [report] = await verifyPdf(signed, { trustAnchors: pki.trustAnchors });
    expect([report!.indication, report!.subIndication]).toEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
    await writeFile(join(dir, 'tampered.pdf'), signed);
    expect(await pdfsig(join(dir, 'tampered.pdf'))).not.toContain('Signature is Valid.');
  });

  it('verifies a PDF signed by other tools (@signpdf placing the signature, openssl cms making the CMS)', async () => {
    await writeFile(join(dir, 'rsa.crt'), rsaSigner.certificatePem);
    await writeFile(join(dir, 'rsa.key'), rsaSigner.privateKeyPem);
    await writeFile(join(dir, 'public-ca.crt'), pki.publicCa.certificatePem);
    class OpensslSigner extends Signer {
      override async sign(content: Buffer): Promise<Buffer> {
        await writeFile(join(dir, 'range.bin'), content);
        await run('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-in', join(dir, 'range.bin'), '-signer', join(dir, 'rsa.crt'), '-inkey', join(dir, 'rsa.key'), '-certfile', join(dir, 'public-ca.crt'), '-outform', 'DER', '-out', join(dir, 'range.p7s')]);
        return readFile(join(dir, 'range.p7s'));
      }
    }
    const withPlaceholder = plainAddPlaceholder({ pdfBuffer: Buffer.from(await resultPdf(false)), reason: 'Ký bởi phần mềm khác', contactInfo: 'x@example.vn', name: 'Other', location: 'Hà Nội' });
    const signed = await new SignPdf().sign(withPlaceholder, new OpensslSigner());
    const [report] = await verifyPdf(signed, { trustAnchors: pki.trustAnchors });
    expect(report!.indication, formatReport(report!)).toBe('TOTAL_PASSED');
    expect(report!.subFilter).toBe('adbe.pkcs7.detached');
    expect(report!.signer?.commonName).toBe('Phan mem ky so khac');
    // Our signature added after theirs keeps both valid.
    const both = await signPdf(signed, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
    expect((await verifyPdf(both, { trustAnchors: pki.trustAnchors })).map((r) => r.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
  });

  it('reports an unsigned PDF as having no signatures, and rejects bad input', async () => {
    expect(await verifyPdf(await resultPdf(false), { trustAnchors: pki.trustAnchors })).toEqual([]);
    await expect(verifyPdf(Buffer.from('hello'), { trustAnchors: pki.trustAnchors })).rejects.toBeInstanceOf(MalformedSignatureError);
    await expect(signPdf(Buffer.from('%PDF-1.7 broken'), { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MALFORMED_PDF' });
    await expect(signPdf(await resultPdf(false), { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, visible: { page: 3, rect: [0, 0, 10, 10] } })).rejects.toBeInstanceOf(SignatureInputError);
  });
});
