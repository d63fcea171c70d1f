import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { nodeHash, type HashName } from './algorithms.js';
import { parseCertificate, type ParsedCertificate } from './certificate.js';
import { CMS_OID, checkSignerInfo, createSignedData, parseSignedData } from './cms.js';
import { certificateToDer, pemBlocks, toArrayBuffer } from './encoding.js';
import { SignatureInputError } from './errors.js';
import type { VerifyMessageOptions } from './jws.js';
import { toPrivateKey, type PrivateKeyInput } from './keys.js';
import { message, type ValidationMessage } from './messages.js';
import { validateCertificatePath } from './path-validation.js';
import { checkHash, DEFAULT_POLICY } from './policy.js';
import { checkExpectedSigner, signerIdentity, SUB_INDICATION_INDICATION, type SubIndication, type ValidationReport } from './report.js';
import type { RevocationFetcher } from './revocation.js';
import { requestTimestamp, verifyTimestampToken } from './timestamp.js';

export interface SignFileOptions {
  privateKey: PrivateKeyInput;
  /** Signer certificate first, then intermediates (PEM or base64 DER). */
  certificates: readonly string[];
  hash?: Exclude<HashName, 'MD5' | 'SHA-1'>;
  /** Claimed signing time (signing-time attribute); default now. */
  signingTime?: Date;
  /** Add a signature time-stamp (CAdES-T) from this RFC 3161 TSA. */
  timestamp?: { url: string; fetcher?: RevocationFetcher };
}

/**
 * Sign a file: a detached CAdES-BES signature (CMS SignedData with content-type,
 * message-digest, signing-time and signing-certificate-v2), DER-encoded; with
 * `timestamp` it becomes CAdES-T.
 *
 * @example
 * const p7s = await signFile(pdfBytes, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem, timestamp: { url: pki.urls.tsa } });
 */
export async function signFile(data: Uint8Array, options: SignFileOptions): Promise<Uint8Array> {
  if (!(data instanceof Uint8Array)) throw new SignatureInputError(`signFile signs bytes (Uint8Array/Buffer), got ${typeof data}`);
  const { signer, hash } = prepareSigner(options);
  const der = createSignedData({ signer, hash, contentDigest: createHash(nodeHash(hash)).update(data).digest(), signingTime: options.signingTime ?? new Date() });
  return options.timestamp ? addSignatureTimestamp(der, options.timestamp) : der;
}

export function prepareSigner(options: Pick<SignFileOptions, 'privateKey' | 'certificates' | 'hash'>) {
  const privateKey = toPrivateKey(options.privateKey);
  if (!Array.isArray(options.certificates) || options.certificates.length === 0) {
    throw new SignatureInputError('options.certificates must list the signer certificate chain, leaf first; got none');
  }
  const [leaf, ...chain] = options.certificates.map((c) => parseCertificate(certificateToDer(c)));
  const hash = options.hash ?? 'SHA-256';
  return { signer: { privateKey, certificate: leaf!, chain }, hash };
}

/** Time-stamp the signature value and add it as the id-aa-signatureTimeStampToken unsigned attribute. */
export async function addSignatureTimestamp(cms: Uint8Array, tsa: { url: string; fetcher?: RevocationFetcher }): Promise<Uint8Array> {
  const signed = parseSignedData(cms);
  const si = signed.signerInfos[0]!;
  const token = await requestTimestamp(si.signature.valueBlock.valueHexView, { url: tsa.url, ...(tsa.fetcher ? { fetcher: tsa.fetcher } : {}) });
  const tokenSchema = asn1js.fromBER(toArrayBuffer(token)).result;
  si.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 1,
    attributes: [...(si.unsignedAttrs?.attributes ?? []), new pkijs.Attribute({ type: CMS_OID.signatureTimeStampToken, values: [tokenSchema] })],
  });
  const info = new pkijs.ContentInfo({ contentType: CMS_OID.signedData, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER());
}

/**
 * Verify a detached CAdES / CMS signature over `data` and validate the signer's path.
 * A valid signature time-stamp is used as proof of the signing time.
 *
 * @example
 * const report = await verifyFile(p7s, pdfBytes, { trustAnchors: pki.trustAnchors });
 */
export async function verifyFile(signature: Uint8Array | string, data: Uint8Array, options: VerifyMessageOptions): Promise<ValidationReport> {
  if (!(data instanceof Uint8Array)) throw new SignatureInputError('verifyFile needs the signed file as bytes');
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0) {
    throw new SignatureInputError('options.trustAnchors must list at least one trusted certificate (PEM)');
  }
  let der: Uint8Array;
  if (typeof signature === 'string') {
    const block = [...pemBlocks(signature, 'CMS'), ...pemBlocks(signature, 'PKCS7')][0];
    der = block ?? Buffer.from(signature.replace(/\s+/g, ''), 'base64');
  } else der = signature;
  return validateCmsSignature(der, (hash) => createHash(nodeHash(hash)).update(data).digest(), options, 'CAdES');
}

/** Shared by CAdES and PAdES: verify a CMS SignedData over content given by its digest. */
export async function validateCmsSignature(
  der: Uint8Array,
  digestOf: (hash: HashName) => Uint8Array,
  options: VerifyMessageOptions,
  format: 'CAdES' | 'PAdES',
  extra: { /** Claimed time from outside the CMS (PDF /M). */ claimed?: Date; messages?: ValidationMessage[] } = {},
): Promise<ValidationReport> {
  const policy = options.policy ?? DEFAULT_POLICY;
  const validationTime = options.at ?? new Date();
  const report: ValidationReport = { indication: 'INDETERMINATE', format, signingTime: { validationTime: validationTime.toISOString() }, chain: [], revocation: [], messages: [...(extra.messages ?? [])] };
  const finish = (sub: SubIndication | undefined, msgs: ValidationMessage[] = []): ValidationReport => {
    report.messages.push(...msgs);
    report.indication = sub ? SUB_INDICATION_INDICATION[sub] : 'TOTAL_PASSED';
    if (sub) report.subIndication = sub;
    return report;
  };
  let signed: pkijs.SignedData;
  try {
    signed = parseSignedData(der);
  } catch (e) {
    return finish('FORMAT_FAILURE', [message('FORMAT', 'error', { detail: (e as Error).message })]);
  }
  if (signed.signerInfos.length !== 1) {
    return finish('FORMAT_FAILURE', [message('FORMAT', 'error', { detail: `expected one SignerInfo, found ${signed.signerInfos.length}` })]);
  }
  const si = checkSignerInfo(signed, digestOf);
  if (si.algorithm) report.algorithm = si.algorithm;
  if (!si.signer) return finish('NO_SIGNING_CERTIFICATE_FOUND', [message('NO_SIGNING_CERTIFICATE', 'error')]);
  report.signer = signerIdentity(si.signer);
  if (si.nameMismatch) {
    report.messages.push(message('FORMAT', 'warning', { detail: 'the SignerInfo spells the issuer name differently from the certificate (an encoding fault of the signing tool); the signer was matched by serial number' }));
  }
  if (si.problem) return finish('FORMAT_FAILURE', [message('FORMAT', 'error', { detail: si.problem })]);
  const weak = checkHash(si.hash, 'The signed digest', 'Giá trị băm được ký', policy);
  if (weak.length) return finish('CRYPTO_CONSTRAINTS_FAILURE', weak);
  if (!si.digestMatches) return finish('HASH_FAILURE', [message('DIGEST_MISMATCH', 'error', { what: `${si.hash} digest` })]);
  if (!si.signatureValid) return finish('SIG_CRYPTO_FAILURE', [message('SIGNATURE_INVALID', 'error', { detail: `${si.algorithm}, key of "${si.signer.subject.dn}"` })]);
  report.messages.push(message('SIGNATURE_VALID', 'info'));
  if (!si.signingCertificateBound) {
    const attrs = signed.signerInfos[0]!.signedAttrs?.attributes ?? [];
    if (attrs.some((a) => a.type === CMS_OID.signingCertificateV2 || a.type === CMS_OID.signingCertificate)) {
      return finish('NO_SIGNING_CERTIFICATE_FOUND', [message('FORMAT', 'error', { detail: 'the signing-certificate attribute names another certificate than the signer' })]);
    }
    report.messages.push(message('FORMAT', 'warning', { detail: 'no signing-certificate-v2 attribute (plain CMS, not CAdES-BES)' }));
  }
  // The CMS signing-time wins; PAdES signatures carry theirs in the PDF's /M instead.
  const claimed = si.signingTime ?? extra.claimed;
  if (claimed) report.signingTime.claimed = claimed.toISOString();

  // Signature time-stamp (CAdES-T / PAdES-T): proof that the signature existed at genTime.
  let poe: Date | undefined;
  const tsAttr = signed.signerInfos[0]!.unsignedAttrs?.attributes.find((a) => a.type === CMS_OID.signatureTimeStampToken);
  if (tsAttr) {
    const token = new Uint8Array((tsAttr.values[0] as asn1js.BaseBlock).toBER());
    const ts = await verifyTimestampToken(token, si.signatureValue, { ...options, at: validationTime });
    if (ts.subIndication) return finish(ts.subIndication, ts.messages);
    poe = ts.time!;
    report.signingTime.timestamp = poe.toISOString();
    report.timestamp = { time: poe.toISOString(), tsa: ts.tsa!.subject.dn, serialNumber: ts.serialNumber!, valid: true };
    report.messages.push(...ts.messages);
  } else if (claimed) {
    report.messages.push(message('CLAIMED_TIME_ONLY', 'info', { time: claimed.toISOString() }));
  }

  const carried: ParsedCertificate[] = si.certificates.filter((c) => c !== si.signer);
  const path = await validateCertificatePath(si.signer, carried, options, { validationTime, ...(poe ? { poe } : {}), ...(claimed ? { claimed } : {}) });
  report.chain = path.summaries;
  report.revocation = path.revocation;
  const mismatch = checkExpectedSigner(report.signer, options.expectedSigner);
  if (!path.subIndication && mismatch.length) return finish('SIG_CONSTRAINTS_FAILURE', [...path.messages, ...mismatch]);
  return finish(path.subIndication, path.messages);
}
