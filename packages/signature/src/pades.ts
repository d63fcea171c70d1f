import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import type { PDFDict, PDFDocument, PDFObject, PDFRef } from 'pdf-lib';
import { nodeHash, type HashName } from './algorithms.js';
import { addSignatureTimestamp, prepareSigner, validateCmsSignature, type SignFileOptions } from './cades.js';
import { createSignedData } from './cms.js';
import { toArrayBuffer } from './encoding.js';
import { MalformedSignatureError, SignatureInputError } from './errors.js';
import type { VerifyMessageOptions } from './jws.js';
import { message } from './messages.js';
import { SUB_INDICATION_INDICATION, type ValidationReport } from './report.js';

export interface SignPdfOptions extends Pick<SignFileOptions, 'privateKey' | 'certificates' | 'hash' | 'timestamp'> {
  /** Written as the signature dictionary's /M (PAdES keeps signing-time out of the CMS). Default now. */
  signingTime?: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Signature field name (default `Signature<n>`). */
  fieldName?: string;
  /**
   * A visible signature: a box on `page` (0-based, default 0) at `rect` [x1, y1, x2, y2]
   * in PDF points, showing `text` lines (default: signer, organisation, date).
   */
  visible?: { page?: number; rect: [number, number, number, number]; text?: string[] };
  /** Bytes reserved for the CMS (default 12 KiB, 20 KiB with a time-stamp). */
  signatureSize?: number;
}

export type PdfSignatureReport = ValidationReport & {
  /** Byte range the signature covers, as in /ByteRange. */
  byteRange: [number, number, number, number];
  /** False when incremental updates (e.g. later signatures) follow the signed revision. */
  coversWholeDocument: boolean;
  subFilter?: string;
  fieldName?: string;
};

const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 ********** ********** **********]';

/**
 * Sign a PDF (PAdES baseline B, or B-T with `timestamp`) as an incremental update:
 * the original bytes are kept unchanged, so earlier signatures stay valid.
 *
 * @example
 * const signed = await signPdf(resultPdf, {
 *   privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem,
 *   reason: 'Kết quả giải quyết TTHC', visible: { rect: [360, 40, 560, 110] },
 * });
 */
/** pdf-lib is big (about 140 ms to load): only signPdf needs it, so it is loaded on first use, not with the package. */
type PdfLib = typeof import('pdf-lib');
let pdfLib: Promise<PdfLib> | undefined;
const loadPdfLib = (): Promise<PdfLib> => (pdfLib ??= import('pdf-lib'));

export async function signPdf(pdf: Uint8Array, options: SignPdfOptions): Promise<Uint8Array> {
  if (!(pdf instanceof Uint8Array)) throw new SignatureInputError('signPdf needs the PDF as bytes');
  const { signer, hash } = prepareSigner(options);
  const original = Buffer.from(pdf);
  const lib = await loadPdfLib();
  const { PDFDocument, PDFName, PDFRef, PDFDict, PDFNumber } = lib;
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(original, { updateMetadata: false });
  } catch (cause) {
    throw new MalformedSignatureError('ERR_SIGNATURE_MALFORMED_PDF', `the input is not a readable PDF: ${(cause as Error).message}`, { cause });
  }
  if (doc.isEncrypted) throw new MalformedSignatureError('ERR_SIGNATURE_MALFORMED_PDF', 'encrypted PDFs cannot be signed here');
  const prevXref = lastStartXref(original);
  const ctx = doc.context;
  // pdf-lib forgets object and xref stream numbers, so also respect the previous /Size.
  const prevSize = Number(/\/Size\s+(\d+)/.exec(original.subarray(prevXref, prevXref + 4096).toString('latin1'))?.[1] ?? 0);
  let nextNumber = Math.max(ctx.largestObjectNumber + 1, prevSize);
  const sigNum = nextNumber++;
  const widgetNum = nextNumber++;
  const apNum = options.visible ? nextNumber++ : undefined;

  const pages = doc.getPages();
  const pageIndex = options.visible?.page ?? 0;
  const page = pages[pageIndex];
  if (!page) throw new SignatureInputError(`visible.page ${pageIndex} does not exist; the document has ${pages.length} page(s)`);
  const modified = new Map<number, { ref: PDFRef; obj: PDFObject }>();
  const touch = (ref: PDFRef, obj: PDFObject) => modified.set(ref.objectNumber, { ref, obj });

  // AcroForm and its Fields may be inline or indirect; rewrite whichever object holds the change.
  const catalogRef = ctx.trailerInfo.Root as PDFRef;
  let acroForm = doc.catalog.get(PDFName.of('AcroForm'));
  let acroDict: PDFDict;
  if (acroForm instanceof PDFRef) {
    acroDict = ctx.lookup(acroForm, PDFDict);
    touch(acroForm, acroDict);
  } else if (acroForm instanceof PDFDict) {
    acroDict = acroForm;
    touch(catalogRef, doc.catalog);
  } else {
    acroDict = ctx.obj({});
    doc.catalog.set(PDFName.of('AcroForm'), acroDict);
    touch(catalogRef, doc.catalog);
  }
  const widgetRef = PDFRef.of(widgetNum);
  const existingFields = appendToArray(lib, acroDict, 'Fields', widgetRef, ctx, touch);
  acroDict.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  appendToArray(lib, page.node, 'Annots', widgetRef, ctx, touch, page.ref);
  const fieldName = options.fieldName ?? `Signature${existingFields + 1}`;

  const signingTime = options.signingTime ?? new Date();
  const size = options.signatureSize ?? (options.timestamp ? 20_480 : 12_288);
  const sigDict = [
    '<<',
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    '/SubFilter /ETSI.CAdES.detached',
    BYTE_RANGE_PLACEHOLDER,
    `/Contents <${'0'.repeat(size * 2)}>`,
    `/M ${pdfString(pdfDate(signingTime))}`,
    `/Name ${pdfString(signer.certificate.subject.commonName ?? signer.certificate.subject.dn)}`,
    ...(options.reason ? [`/Reason ${pdfString(options.reason)}`] : []),
    ...(options.location ? [`/Location ${pdfString(options.location)}`] : []),
    ...(options.contactInfo ? [`/ContactInfo ${pdfString(options.contactInfo)}`] : []),
    '>>',
  ].join('\n');

  const rect = options.visible?.rect ?? [0, 0, 0, 0];
  const widget = [
    '<<',
    '/Type /Annot /Subtype /Widget /FT /Sig',
    `/T ${pdfString(fieldName)}`,
    `/V ${sigNum} 0 R`,
    `/P ${page.ref.objectNumber} ${page.ref.generationNumber} R`,
    `/Rect [${rect.map(num).join(' ')}]`,
    '/F 132',
    ...(apNum ? [`/AP << /N ${apNum} 0 R >>`] : []),
    '>>',
  ].join('\n');

  const parts: { num: number; gen: number; body: Buffer }[] = [
    { num: sigNum, gen: 0, body: Buffer.from(sigDict, 'latin1') },
    { num: widgetNum, gen: 0, body: Buffer.from(widget, 'latin1') },
  ];
  if (apNum && options.visible) {
    const s = signer.certificate.subject;
    const lines = options.visible.text ?? [
      `Ky boi / Signed by: ${s.commonName ?? s.dn}`,
      ...(s.organization ? [`Don vi: ${s.organization}`] : []),
      `Ngay ky: ${signingTime.toISOString().replace('T', ' ').slice(0, 19)} UTC`,
      ...(options.reason ? [`Ly do: ${options.reason}`] : []),
    ];
    parts.push({ num: apNum, gen: 0, body: appearanceStream(rect, lines) });
  }
  for (const { ref, obj } of modified.values()) parts.push({ num: ref.objectNumber, gen: ref.generationNumber, body: Buffer.from(obj.toString(), 'latin1') });

  // Append the update: objects, a classic xref section chained by /Prev, the trailer.
  const chunks: Buffer[] = [original];
  let length = original.length;
  const push = (b: Buffer) => {
    chunks.push(b);
    length += b.length;
  };
  if (original[original.length - 1] !== 0x0a) push(Buffer.from('\n'));
  const offsets = new Map<number, { offset: number; gen: number }>();
  let sigOffset = 0;
  for (const p of parts) {
    offsets.set(p.num, { offset: length, gen: p.gen });
    if (p.num === sigNum) sigOffset = length;
    push(Buffer.concat([Buffer.from(`${p.num} ${p.gen} obj\n`), p.body, Buffer.from('\nendobj\n')]));
  }
  const trailer = ctx.trailerInfo;
  // Answer in the form of the previous cross-reference: readers follow /Prev from a
  // table to a table, or from a stream to a stream (object streams need the latter).
  const prevIsStream = !original.subarray(prevXref, prevXref + 4).equals(Buffer.from('xref'));
  const xrefNum = prevIsStream ? nextNumber++ : undefined;
  const xrefSize = Math.max(nextNumber, ctx.largestObjectNumber + 1);
  const trailerEntries = [
    `/Size ${xrefSize}`,
    `/Root ${catalogRef.objectNumber} ${catalogRef.generationNumber} R`,
    ...(trailer.Info ? [`/Info ${trailer.Info.toString()}`] : []),
    ...(trailer.ID ? [`/ID ${trailer.ID.toString()}`] : []),
    `/Prev ${prevXref}`,
  ];
  const xrefOffset = length;
  if (xrefNum !== undefined) {
    offsets.set(xrefNum, { offset: xrefOffset, gen: 0 });
    const { index, data } = xrefStreamData(offsets);
    const dict = `<< /Type /XRef ${trailerEntries.join(' ')} /W [1 4 2] /Index [${index.join(' ')}] /Length ${data.length} >>`;
    push(Buffer.concat([Buffer.from(`${xrefNum} 0 obj\n${dict}\nstream\n`, 'latin1'), data, Buffer.from('\nendstream\nendobj\n')]));
    push(Buffer.from(`startxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
  } else {
    push(Buffer.from(xrefSection(offsets), 'latin1'));
    push(Buffer.from(`trailer\n<<\n${trailerEntries.join('\n')}\n>>\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
  }
  const out = Buffer.concat(chunks, length);

  // Fill /ByteRange around /Contents, then sign exactly those bytes.
  const contentsStart = out.indexOf('/Contents <', sigOffset, 'latin1') + '/Contents '.length;
  const contentsEnd = out.indexOf('>', contentsStart, 'latin1') + 1;
  const byteRange: [number, number, number, number] = [0, contentsStart, contentsEnd, out.length - contentsEnd];
  const rangeText = `/ByteRange [${byteRange.join(' ')}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' ');
  const rangeAt = out.indexOf(BYTE_RANGE_PLACEHOLDER, sigOffset, 'latin1');
  out.write(rangeText, rangeAt, 'latin1');
  const digest = createHash(nodeHash(hash)).update(out.subarray(0, contentsStart)).update(out.subarray(contentsEnd)).digest();
  let cms = createSignedData({ signer, hash, contentDigest: digest, signingTime: false });
  if (options.timestamp) cms = await addSignatureTimestamp(cms, options.timestamp);
  const hex = Buffer.from(cms).toString('hex').toUpperCase();
  if (hex.length > size * 2) {
    throw new SignatureInputError(`the signature needs ${hex.length / 2} bytes but only ${size} were reserved; raise signatureSize`);
  }
  out.write(hex, contentsStart + 1, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function appendToArray(
  { PDFArray, PDFName, PDFRef }: PdfLib,
  dict: PDFDict,
  key: string,
  ref: PDFRef,
  ctx: PDFDocument['context'],
  touch: (ref: PDFRef, obj: PDFObject) => void,
  owner?: PDFRef,
): number {
  const value = dict.get(PDFName.of(key));
  if (value instanceof PDFRef) {
    const arr = ctx.lookup(value, PDFArray);
    const before = arr.size();
    arr.push(ref);
    touch(value, arr);
    return before;
  }
  const arr = value instanceof PDFArray ? value : ctx.obj([]);
  const before = arr.size();
  arr.push(ref);
  dict.set(PDFName.of(key), arr);
  if (owner) touch(owner, dict);
  return before;
}

function xrefSection(offsets: Map<number, { offset: number; gen: number }>): string {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let out = 'xref\n0 1\n0000000000 65535 f\r\n';
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    out += `${nums[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const e = offsets.get(nums[k]!)!;
      out += `${String(e.offset).padStart(10, '0')} ${String(e.gen).padStart(5, '0')} n\r\n`;
    }
    i = j + 1;
  }
  return out;
}

function xrefStreamData(offsets: Map<number, { offset: number; gen: number }>): { index: number[]; data: Buffer } {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const index: number[] = [];
  const rows: Buffer[] = [];
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
    index.push(nums[i]!, j - i + 1);
    for (let k = i; k <= j; k++) {
      const e = offsets.get(nums[k]!)!;
      const row = Buffer.alloc(7);
      row[0] = 1;
      row.writeUInt32BE(e.offset, 1);
      row.writeUInt16BE(e.gen, 5);
      rows.push(row);
    }
    i = j + 1;
  }
  return { index, data: Buffer.concat(rows) };
}

function lastStartXref(pdf: Buffer): number {
  const tail = pdf.subarray(Math.max(0, pdf.length - 2048)).toString('latin1');
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail) ?? [...tail.matchAll(/startxref\s+(\d+)/g)].pop();
  if (!m) throw new MalformedSignatureError('ERR_SIGNATURE_MALFORMED_PDF', 'no "startxref" at the end of the PDF');
  return Number(m[1]);
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** A PDF literal string; text outside Latin-1 is written as UTF-16BE with a BOM. */
function pdfString(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/([\\()])/g, '\\$1')})`;
  return `<FEFF${Buffer.from(text, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
}

function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}+00'00'`;
}

function parsePdfDate(text: string | undefined): Date | undefined {
  const m = text && /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+-])?(\d{2})?'?(\d{2})?/.exec(text);
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  const utc = Date.UTC(+y!, +mo - 1, +d, +h, +mi, +s);
  const offset = (sign === '-' ? -1 : sign === '+' ? 1 : 0) * (+oh * 60 + +om) * 60_000;
  return new Date(utc - offset);
}

/**
 * A visible signature box. Helvetica (a standard font, nothing embedded) cannot show
 * Vietnamese diacritics, so the text is written without them.
 */
function appearanceStream(rect: number[], lines: string[]): Buffer {
  const w = Math.abs(rect[2]! - rect[0]!);
  const h = Math.abs(rect[3]! - rect[1]!);
  const fontSize = Math.max(5, Math.min(9, (h - 6) / Math.max(1, lines.length) - 1.5));
  const ascii = (t: string) =>
    t
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^\x20-\x7e]/g, '?')
      .replace(/([\\()])/g, '\\$1');
  // Helvetica averages about half an em per character; cut what would leave the box.
  const maxChars = Math.max(4, Math.floor((w - 8) / (fontSize * 0.5)));
  const fit = (t: string) => (t.length > maxChars ? `${t.slice(0, maxChars - 3)}...` : t);
  const text = lines.map((l, i) => `1 0 0 1 4 ${num(h - 4 - fontSize * (i + 1) - i * 1.5)} Tm (${fit(ascii(l))}) Tj`).join('\n');
  const content = `q 0.1 0.3 0.6 RG 1 w 0.5 0.5 ${num(w - 1)} ${num(h - 1)} re S Q\nq BT /F1 ${num(fontSize)} Tf 0 0 0 rg\n${text}\nET Q\n`;
  const dict = `<< /Type /XObject /Subtype /Form /BBox [0 0 ${num(w)} ${num(h)}] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> >> >> /Length ${Buffer.byteLength(content, 'latin1')} >>`;
  return Buffer.from(`${dict}\nstream\n${content}endstream`, 'latin1');
}

/**
 * Verify every signature in a PDF, whichever tool made it (ETSI.CAdES.detached or
 * adbe.pkcs7.detached), and validate each signer's path.
 *
 * @example
 * const [report] = await verifyPdf(signed, { trustAnchors: pki.trustAnchors });
 */
export async function verifyPdf(pdf: Uint8Array, options: VerifyMessageOptions): Promise<PdfSignatureReport[]> {
  if (!(pdf instanceof Uint8Array)) throw new SignatureInputError('verifyPdf needs the PDF as bytes');
  const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const text = bytes.toString('latin1');
  if (!text.startsWith('%PDF-')) throw new MalformedSignatureError('ERR_SIGNATURE_MALFORMED_PDF', 'the input does not start with "%PDF-"');
  const reports: PdfSignatureReport[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const byteRange = m.slice(1, 5).map(Number) as [number, number, number, number];
    const [a, b, c, d] = byteRange;
    const objStart = text.lastIndexOf(' obj', m.index);
    const objEnd = text.indexOf('endobj', c);
    const dict = text.slice(objStart, objEnd === -1 ? undefined : objEnd);
    // The signature's own dictionary, not the text around it.
    const dictNoContents = dict.replace(/\/Contents\s*<[0-9A-Fa-f\s]*>/, '');
    if (/\/Type\s*\/DocTimeStamp/.test(dictNoContents)) continue;
    const subFilter = /\/SubFilter\s*\/([A-Za-z0-9.#_-]+)/.exec(dictNoContents)?.[1];
    const claimedText = /\/M\s*\((D:[^)]*)\)/.exec(dictNoContents)?.[1];
    const base = { byteRange, coversWholeDocument: c + d === bytes.length || /^\s*$/.test(text.slice(c + d)), ...(subFilter ? { subFilter } : {}) };
    const fail = (detail: string): PdfSignatureReport => ({
      indication: SUB_INDICATION_INDICATION.FORMAT_FAILURE,
      subIndication: 'FORMAT_FAILURE',
      format: 'PAdES',
      signingTime: { validationTime: (options.at ?? new Date()).toISOString() },
      chain: [],
      revocation: [],
      messages: [message('FORMAT', 'error', { detail })],
      ...base,
    });
    const gap = text.slice(b, c);
    if (a !== 0 || b >= c || c + d > bytes.length || !/^<[0-9A-Fa-f\s]*>$/.test(gap)) {
      reports.push(fail(`the /ByteRange [${byteRange.join(' ')}] does not exclude exactly the /Contents value`));
      continue;
    }
    if (subFilter === 'adbe.pkcs7.sha1' || subFilter === 'adbe.x509.rsa_sha1') {
      reports.push({ ...fail(''), indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', messages: [message('WEAK_HASH', 'error', { where: `SubFilter ${subFilter}`, hash: 'SHA-1', allowed: 'ETSI.CAdES.detached, adbe.pkcs7.detached' })] });
      continue;
    }
    const contents = Buffer.from(gap.slice(1, -1).replace(/\s+/g, ''), 'hex');
    const parsed = asn1js.fromBER(toArrayBuffer(contents));
    if (parsed.offset === -1) {
      reports.push(fail('/Contents does not hold a DER CMS object'));
      continue;
    }
    const der = contents.subarray(0, parsed.offset);
    const digestOf = (hash: HashName) => createHash(nodeHash(hash)).update(bytes.subarray(a, a + b)).update(bytes.subarray(c, c + d)).digest();
    const claimed = parsePdfDate(claimedText);
    const report = await validateCmsSignature(der, digestOf, options, 'PAdES', {
      ...(claimed ? { claimed } : {}),
      ...(base.coversWholeDocument ? {} : { messages: [message('PDF_NOT_WHOLE_FILE', 'info')] }),
    });
    const fieldName = findFieldName(text, objStart);
    reports.push({ ...report, ...base, ...(fieldName ? { fieldName } : {}) });
  }
  return reports;
}

/** The /T of the field whose /V points at the signature object starting at `objStart`. */
function findFieldName(text: string, objStart: number): string | undefined {
  const header = /(\d+)\s+(\d+)\s*$/.exec(text.slice(Math.max(0, objStart - 24), objStart));
  if (!header) return undefined;
  const v = new RegExp(`/V\\s+${header[1]}\\s+${header[2]}\\s+R`).exec(text);
  if (!v) return undefined;
  const dictStart = text.lastIndexOf('<<', v.index);
  const t = /\/T\s*\(([^)]*)\)/.exec(text.slice(dictStart, text.indexOf('>>', v.index) + 2));
  return t?.[1];
}
