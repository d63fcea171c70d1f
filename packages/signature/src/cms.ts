import { createHash, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { HASH_OIDS, nodeHash, OID_BY_HASH, schemeForKey, SIGNATURE_OID_BY_SCHEME, SIGNATURE_OIDS, signRaw, verifyRaw, type HashName } from './algorithms.js';
import { parseCertificate, readPssParams, type ParsedCertificate } from './certificate.js';
import { toArrayBuffer } from './encoding.js';
import { MalformedSignatureError, SignatureKeyError } from './errors.js';

export const CMS_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

export interface CmsSigner {
  privateKey: KeyObject;
  certificate: ParsedCertificate;
  /** Further certificates to embed (intermediates), without the signer's. */
  chain?: readonly ParsedCertificate[];
}

export interface CreateSignedDataOptions {
  signer: CmsSigner;
  hash?: HashName;
  eContentType?: string;
  /** Attached content; leave out for a detached signature (CAdES detached, PAdES). */
  content?: Uint8Array;
  /** Digest of the (detached) content under `hash`. Computed from `content` when attached. */
  contentDigest?: Uint8Array;
  /** Claimed signing time (the signing-time attribute); `false` leaves it out (PAdES puts it in the PDF). */
  signingTime?: Date | false;
}

function algorithmId(oid: string, withNullParams = false): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: oid, ...(withNullParams ? { algorithmParams: new asn1js.Null() } : {}) });
}

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** ESS signing-certificate-v2 (RFC 5035): binds the signer's certificate into the signed attributes. */
export function signingCertificateV2(cert: ParsedCertificate, hash: HashName = 'SHA-256'): asn1js.Sequence {
  const certHash = createHash(nodeHash(hash)).update(cert.der).digest();
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.asn.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: toArrayBuffer(new Uint8Array(cert.asn.serialNumber.valueBlock.valueHexView)) }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [
      // sha256 is the DEFAULT and so is left out (DER).
      ...(hash === 'SHA-256' ? [] : [algorithmId(OID_BY_HASH[hash as Exclude<HashName, 'MD5'>]).toSchema()]),
      new asn1js.OctetString({ valueHex: toArrayBuffer(certHash) }),
      issuerSerial,
    ],
  });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
}

/** Build and sign a CMS SignedData (RFC 5652) with one signer; returns ContentInfo DER. */
export function createSignedData(options: CreateSignedDataOptions): Uint8Array {
  const hash = options.hash ?? 'SHA-256';
  if (hash === 'MD5') throw new SignatureKeyError('MD5 is not accepted for signing');
  const { privateKey, certificate } = options.signer;
  const scheme = schemeForKey(privateKey);
  if (scheme === 'rsa-pss') throw new SignatureKeyError('CMS signing here supports RSA PKCS#1 v1.5 and ECDSA keys; this key is RSA-PSS only');
  const eContentType = options.eContentType ?? CMS_OID.data;
  const digest = options.contentDigest ?? (options.content ? createHash(nodeHash(hash)).update(options.content).digest() : undefined);
  if (!digest) throw new SignatureKeyError('createSignedData needs the content or its digest');

  const attributes = [
    attribute(CMS_OID.contentType, new asn1js.ObjectIdentifier({ value: eContentType })),
    ...(options.signingTime === false ? [] : [attribute(CMS_OID.signingTime, new asn1js.UTCTime({ valueDate: options.signingTime ?? new Date() }))]),
    attribute(CMS_OID.messageDigest, new asn1js.OctetString({ valueHex: toArrayBuffer(new Uint8Array(digest)) })),
    attribute(CMS_OID.signingCertificateV2, signingCertificateV2(certificate)),
  ];
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
  // The signature covers the attributes DER-encoded as a SET OF, not with their [0] tag (RFC 5652 §5.4).
  const toSign = new Uint8Array(signedAttrs.toSchema().toBER());
  toSign[0] = 0x31;
  const signature = signRaw(scheme, hash, privateKey, toSign);

  const hashOid = OID_BY_HASH[hash];
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.asn.issuer, serialNumber: certificate.asn.serialNumber }),
    digestAlgorithm: algorithmId(hashOid),
    signedAttrs,
    signatureAlgorithm: algorithmId(SIGNATURE_OID_BY_SCHEME[scheme][hash], scheme === 'rsa-pkcs1'),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });
  const signedData = new pkijs.SignedData({
    version: eContentType === CMS_OID.data ? 1 : 3,
    digestAlgorithms: [algorithmId(hashOid)],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType,
      ...(options.content ? { eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(options.content) }) } : {}),
    }),
    certificates: [certificate, ...(options.signer.chain ?? [])].map((c) => c.asn),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: CMS_OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER());
}

/** Parse ContentInfo(SignedData) DER (or PEM "CMS"/"PKCS7"). */
export function parseSignedData(der: Uint8Array): pkijs.SignedData {
  try {
    const info = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
    if (info.contentType !== CMS_OID.signedData) throw new Error(`content type is ${info.contentType}, not signedData`);
    return new pkijs.SignedData({ schema: info.content });
  } catch (cause) {
    throw new MalformedSignatureError('ERR_SIGNATURE_MALFORMED_CMS', `not a CMS SignedData: ${(cause as Error).message}`, { cause });
  }
}

export interface SignerInfoCheck {
  signer?: ParsedCertificate;
  certificates: ParsedCertificate[];
  hash?: HashName;
  /** Signature algorithm name for the report, e.g. `ECDSA-SHA256`. */
  algorithm?: string;
  digestMatches: boolean;
  signatureValid: boolean;
  signingTime?: Date;
  /** signing-certificate(-v2) present and matching the signer certificate. */
  signingCertificateBound: boolean;
  signatureValue: Uint8Array;
  /** The signer was found by serial number only: the issuer name in the SignerInfo differs. */
  nameMismatch?: boolean;
  problem?: string;
}

/** Verify the first SignerInfo over content whose digest `digestOf` computes. */
export function checkSignerInfo(signedData: pkijs.SignedData, digestOf: (hash: HashName) => Uint8Array): SignerInfoCheck {
  const certificates = (signedData.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => parseCertificate(new Uint8Array(c.toSchema().toBER())));
  const si = signedData.signerInfos[0];
  const result: SignerInfoCheck = { certificates, digestMatches: false, signatureValid: false, signingCertificateBound: false, signatureValue: new Uint8Array() };
  if (!si) return { ...result, problem: 'the SignedData has no SignerInfo' };
  result.signatureValue = si.signature.valueBlock.valueHexView;
  const hash = HASH_OIDS[si.digestAlgorithm.algorithmId];
  if (hash) result.hash = hash;
  const sid = si.sid as pkijs.IssuerAndSerialNumber | asn1js.Primitive;
  let signer = certificates.find((c) => {
    if (sid instanceof pkijs.IssuerAndSerialNumber) {
      return c.asn.issuer.isEqual(sid.issuer) && c.asn.serialNumber.isEqual(sid.serialNumber);
    }
    // subjectKeyIdentifier [0]
    const skiExt = c.asn.extensions?.find((e) => e.extnID === '2.5.29.14');
    const want = Buffer.from((sid as asn1js.Primitive).valueBlock.valueHexView);
    return skiExt ? Buffer.from((skiExt.parsedValue as asn1js.OctetString).valueBlock.valueHexView).equals(want) : false;
  });
  if (!signer && sid instanceof pkijs.IssuerAndSerialNumber) {
    // Some producers (node-forge) mangle non-ASCII issuer names in the SignerIdentifier;
    // accept a unique serial-number match: the signature check still binds the key.
    const bySerial = certificates.filter((c) => c.asn.serialNumber.isEqual(sid.serialNumber));
    if (bySerial.length === 1) {
      signer = bySerial[0];
      result.nameMismatch = true;
    }
  }
  if (!signer) return { ...result, problem: 'the signer certificate is not in the SignedData' };
  result.signer = signer;
  if (!hash || hash === 'MD5') return { ...result, problem: `unsupported digest algorithm ${si.digestAlgorithm.algorithmId}` };

  const sigInfo = SIGNATURE_OIDS[si.signatureAlgorithm.algorithmId];
  if (!sigInfo) return { ...result, problem: `unsupported signature algorithm ${si.signatureAlgorithm.algorithmId}` };
  let sigHash: HashName = sigInfo.hash ?? hash;
  let salt: number | undefined;
  if (sigInfo.scheme === 'rsa-pss') ({ hash: sigHash, saltLength: salt } = readPssParams(si.signatureAlgorithm));
  result.algorithm = `${sigInfo.scheme === 'ecdsa' ? 'ECDSA' : sigInfo.scheme === 'rsa-pss' ? 'RSASSA-PSS' : 'RSA'}-${sigHash.replace('-', '')}`;
  const digest = Buffer.from(digestOf(hash));

  if (!si.signedAttrs) return { ...result, problem: 'SignerInfo without signed attributes is not accepted (CAdES requires them)' };
  {
    const attrs = si.signedAttrs.attributes;
    const md = attrs.find((a) => a.type === CMS_OID.messageDigest)?.values[0] as asn1js.OctetString | undefined;
    result.digestMatches = md ? Buffer.from(md.valueBlock.valueHexView).equals(digest) : false;
    const st = attrs.find((a) => a.type === CMS_OID.signingTime)?.values[0] as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
    if (st) result.signingTime = st.toDate();
    result.signingCertificateBound = checkSigningCertificateAttribute(attrs, signer);
    const encoded = new Uint8Array(si.signedAttrs.encodedValue);
    // Verify over the attributes exactly as received, re-tagged as SET OF.
    const signedBytes = new Uint8Array(encoded.length ? encoded : si.signedAttrs.toSchema().toBER());
    signedBytes[0] = 0x31;
    result.signatureValid = verifyRaw(sigInfo.scheme, sigHash, signer.publicKey, signedBytes, result.signatureValue, salt);
  }
  return result;
}

function checkSigningCertificateAttribute(attrs: pkijs.Attribute[], signer: ParsedCertificate): boolean {
  const v2 = attrs.find((a) => a.type === CMS_OID.signingCertificateV2)?.values[0] as asn1js.Sequence | undefined;
  const v1 = attrs.find((a) => a.type === CMS_OID.signingCertificate)?.values[0] as asn1js.Sequence | undefined;
  const attr = v2 ?? v1;
  if (!attr) return false;
  const certs = attr.valueBlock.value[0] as asn1js.Sequence | undefined;
  const first = certs?.valueBlock.value[0] as asn1js.Sequence | undefined;
  if (!first) return false;
  const items = first.valueBlock.value;
  let hash: HashName = v2 ? 'SHA-256' : 'SHA-1';
  let idx = 0;
  if (v2 && items[0] instanceof asn1js.Sequence) {
    hash = HASH_OIDS[new pkijs.AlgorithmIdentifier({ schema: items[0] }).algorithmId] ?? 'SHA-256';
    idx = 1;
  }
  const certHash = items[idx] as asn1js.OctetString | undefined;
  if (!certHash) return false;
  return Buffer.from(certHash.valueBlock.valueHexView).equals(createHash(nodeHash(hash)).update(signer.der).digest());
}
