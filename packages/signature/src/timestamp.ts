import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { HASH_OIDS, nodeHash, OID_BY_HASH, type HashName } from './algorithms.js';
import { CMS_OID, checkSignerInfo, createSignedData, parseSignedData, type CmsSigner } from './cms.js';
import type { ParsedCertificate } from './certificate.js';
import { toArrayBuffer } from './encoding.js';
import { TimestampError } from './errors.js';
import { message, type ValidationMessage } from './messages.js';
import { validateCertificatePath, type PathValidationOptions } from './path-validation.js';
import { checkHash, DEFAULT_POLICY } from './policy.js';
import type { CertificateSummary, RevocationEvidence, SubIndication } from './report.js';
import type { RevocationFetcher } from './revocation.js';

export interface RequestTimestampOptions {
  /** The TSA's URL (RFC 3161 over HTTP, `application/timestamp-query`). */
  url: string;
  hash?: Exclude<HashName, 'MD5' | 'SHA-1'>;
  /** Default: HTTP through the global fetch, 10 s timeout. */
  fetcher?: RevocationFetcher;
}

/**
 * Ask an RFC 3161 time-stamp authority to stamp `data`; returns the token (CMS
 * ContentInfo DER), checked to answer this request (imprint and nonce).
 *
 * @example
 * const token = await requestTimestamp(signatureValue, { url: pki.urls.tsa });
 */
export async function requestTimestamp(data: Uint8Array, options: RequestTimestampOptions): Promise<Uint8Array> {
  const hash = options.hash ?? 'SHA-256';
  const digest = createHash(nodeHash(hash)).update(data).digest();
  const nonce = randomBytes(8);
  // Positive and minimal as a DER INTEGER, so the echo compares byte for byte.
  nonce[0] = (nonce[0]! & 0x7f) | 0x01;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_BY_HASH[hash] }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(digest) }),
    }),
    nonce: new asn1js.Integer({ valueHex: toArrayBuffer(nonce) }),
    certReq: true,
  });
  const body = new Uint8Array(req.toSchema().toBER());
  let der: Uint8Array;
  try {
    der = options.fetcher
      ? await options.fetcher({ url: options.url, method: 'POST', body, contentType: 'application/timestamp-query' })
      : await httpPost(options.url, body);
  } catch (cause) {
    throw new TimestampError(`the time-stamp authority ${options.url} could not be reached: ${(cause as Error).message}`, { cause });
  }
  let resp: pkijs.TimeStampResp;
  try {
    resp = pkijs.TimeStampResp.fromBER(toArrayBuffer(der));
  } catch (cause) {
    throw new TimestampError(`${options.url} did not answer with an RFC 3161 TimeStampResp`, { cause });
  }
  const status = resp.status.status;
  if ((status !== 0 && status !== 1) || !resp.timeStampToken) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ');
    throw new TimestampError(`the time-stamp authority ${options.url} refused the request (status ${status}${text ? `: ${text}` : ''})`);
  }
  const token = new Uint8Array(resp.timeStampToken.toSchema().toBER());
  const tst = readTstInfo(token);
  if (!Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(digest)) {
    throw new TimestampError('the time-stamp token stamps other data than requested');
  }
  if (!tst.nonce || !Buffer.from(tst.nonce.valueBlock.valueHexView).equals(nonce)) {
    throw new TimestampError('the time-stamp token does not echo the request nonce');
  }
  return token;
}

async function httpPost(url: string, body: Uint8Array): Promise<Uint8Array> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/timestamp-query' }, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new TimestampError(`${url} answered HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The TSTInfo inside a time-stamp token. */
export function readTstInfo(token: Uint8Array): pkijs.TSTInfo {
  const signed = parseSignedData(token);
  if (signed.encapContentInfo.eContentType !== CMS_OID.tstInfo || !signed.encapContentInfo.eContent) {
    throw new TimestampError('the token does not encapsulate a TSTInfo');
  }
  try {
    return pkijs.TSTInfo.fromBER(eContentBytes(signed));
  } catch (cause) {
    throw new TimestampError('the TSTInfo cannot be parsed', { cause });
  }
}

function eContentBytes(signed: pkijs.SignedData): ArrayBuffer {
  // eContent may arrive constructed (BER); pkijs exposes the joined octets through getValue().
  const e = signed.encapContentInfo.eContent!;
  return toArrayBuffer(new Uint8Array(e.getValue()));
}

export interface TimestampCheck {
  /** Undefined when the token is valid for `data`. */
  subIndication?: SubIndication;
  time?: Date;
  tsa?: ParsedCertificate;
  serialNumber?: string;
  chain: CertificateSummary[];
  revocation: RevocationEvidence[];
  messages: ValidationMessage[];
}

/**
 * Check an RFC 3161 token over `data`: the imprint, the TSA's signature, and the TSA
 * certificate's path (id-kp-timeStamping) to the trust anchors.
 */
export async function verifyTimestampToken(token: Uint8Array, data: Uint8Array, options: PathValidationOptions & { at?: Date }): Promise<TimestampCheck> {
  const policy = options.policy ?? DEFAULT_POLICY;
  const bad = (sub: SubIndication, detail: string): TimestampCheck => ({
    subIndication: sub,
    chain: [],
    revocation: [],
    messages: [message('TIMESTAMP_INVALID', 'error', { detail })],
  });
  let signed: pkijs.SignedData;
  let tst: pkijs.TSTInfo;
  try {
    signed = parseSignedData(token);
    tst = readTstInfo(token);
  } catch (e) {
    return bad('FORMAT_FAILURE', (e as Error).message);
  }
  const imprintHash = HASH_OIDS[tst.messageImprint.hashAlgorithm.algorithmId];
  const weak = checkHash(imprintHash, 'The time-stamp imprint', 'Giá trị băm trong dấu thời gian', policy);
  if (weak.length) return { subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', chain: [], revocation: [], messages: weak };
  const expected = createHash(nodeHash(imprintHash!)).update(data).digest();
  if (!Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(expected)) {
    return bad('HASH_FAILURE', 'its message imprint does not match the signature it is attached to');
  }
  const content = new Uint8Array(eContentBytes(signed));
  const si = checkSignerInfo(signed, (h) => createHash(nodeHash(h)).update(content).digest());
  if (si.problem || !si.signer) return bad('FORMAT_FAILURE', si.problem ?? 'no signer');
  const hashProblems = checkHash(si.hash, 'The time-stamp signature', 'Chữ ký của dấu thời gian', policy);
  if (hashProblems.length) return { subIndication: 'CRYPTO_CONSTRAINTS_FAILURE', chain: [], revocation: [], messages: hashProblems };
  if (!si.digestMatches) return bad('HASH_FAILURE', 'the TSTInfo does not match the digest the TSA signed');
  if (!si.signatureValid) return bad('SIG_CRYPTO_FAILURE', `the signature of "${si.signer.subject.dn}" on the token does not verify`);
  const genTime = tst.genTime;
  const path = await validateCertificatePath(si.signer, si.certificates.filter((c) => c !== si.signer), options, { validationTime: options.at ?? new Date(), claimed: genTime }, 'timestamping');
  const serialNumber = Buffer.from(tst.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase();
  return {
    ...(path.subIndication ? { subIndication: path.subIndication } : {}),
    time: genTime,
    tsa: si.signer,
    serialNumber,
    chain: path.summaries,
    revocation: path.revocation,
    messages: path.subIndication
      ? [message('TIMESTAMP_INVALID', 'error', { detail: `the TSA certificate is not acceptable (${path.subIndication})` }), ...path.messages]
      : [message('TIMESTAMP_VALID', 'info', { tsa: si.signer.subject.commonName ?? si.signer.subject.dn, time: genTime.toISOString() })],
  };
}

/** Make a granted TimeStampResp (used by the test PKI's TSA). */
export function createTimestampResponse(request: Uint8Array, tsa: CmsSigner, options: { genTime?: Date; serialNumber?: Uint8Array; policyOid?: string }): Uint8Array {
  const req = pkijs.TimeStampReq.fromBER(toArrayBuffer(request));
  const hash = HASH_OIDS[req.messageImprint.hashAlgorithm.algorithmId];
  if (!hash || hash === 'MD5') {
    const rejection = new pkijs.TimeStampResp({
      status: new pkijs.PKIStatusInfo({ status: 2, statusStrings: [new asn1js.Utf8String({ value: 'unsupported hash algorithm' })] }),
    });
    return new Uint8Array(rejection.toSchema().toBER());
  }
  // A positive INTEGER in minimal DER: no leading zero byte, top bit clear (openssl rejects padding).
  const serial = Buffer.from(options.serialNumber ?? randomBytes(8));
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: options.policyOid ?? '1.3.6.1.4.1.99999.1.1',
    messageImprint: req.messageImprint,
    serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(serial) }),
    genTime: options.genTime ?? new Date(),
    ...(req.nonce ? { nonce: req.nonce } : {}),
  });
  const content = new Uint8Array(tst.toSchema().toBER());
  const token = createSignedData({ signer: tsa, eContentType: CMS_OID.tstInfo, content, signingTime: options.genTime ?? new Date() });
  const resp = new pkijs.TimeStampResp({
    status: new pkijs.PKIStatusInfo({ status: 0 }),
    timeStampToken: pkijs.ContentInfo.fromBER(toArrayBuffer(token)),
  });
  return new Uint8Array(resp.toSchema().toBER());
}
