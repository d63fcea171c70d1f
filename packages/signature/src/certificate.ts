import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { HASH_OIDS, SIGNATURE_OIDS, type HashName, type SignatureScheme } from './algorithms.js';
import { certificateToDer, toPem } from './encoding.js';
import { CertificateError } from './errors.js';

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export const OID = {
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  qcStatements: '1.3.6.1.5.5.7.1.3',
  ekuServerAuth: '1.3.6.1.5.5.7.3.1',
  ekuTimeStamping: '1.3.6.1.5.5.7.3.8',
  ekuOcspSigning: '1.3.6.1.5.5.7.3.9',
  ocsp: '1.3.6.1.5.5.7.48.1',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  title: '2.5.4.12',
  uid: '0.9.2342.19200300.100.1.1',
  email: '1.2.840.113549.1.9.1',
} as const;

/** Extensions this validator understands, so their criticality is no reason to reject. */
export const UNDERSTOOD_EXTENSIONS: readonly string[] = [
  OID.keyUsage,
  OID.basicConstraints,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.crlDistributionPoints,
  OID.certificatePolicies,
  OID.authorityInfoAccess,
  OID.ocspNoCheck,
  OID.qcStatements,
];

const NAME_LABELS: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.serialNumber]: 'SERIALNUMBER',
  [OID.country]: 'C',
  [OID.locality]: 'L',
  [OID.state]: 'ST',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  [OID.title]: 'T',
  [OID.uid]: 'UID',
  [OID.email]: 'E',
};

/** Identity of the holder as Vietnamese CAs write it (UID "MST:…", "CCCD:…", "CMND:…", "HC:…"). */
export interface CertificateSubject {
  /** RFC 4514-like rendering, most specific first as written in the certificate. */
  dn: string;
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  title?: string;
  locality?: string;
  state?: string;
  country?: string;
  email?: string;
  /** Mã số thuế (tax code), from a UID or serialNumber attribute "MST:…". */
  taxCode?: string;
  /** Số định danh cá nhân / CCCD (12 digits) or legacy CMND (9 digits). */
  citizenId?: string;
  /** Passport number ("HC:…"). */
  passport?: string;
  /**
   * Agency identifier code (mã định danh cơ quan, QCVN 102:2016, e.g. `000.00.06.H56`),
   * from a UID attribute "MDDCQ:…" — dvc-kit's convention, so that a receiver can match
   * the signer to the agency a message names (requirement DVC-SIG-005).
   */
  agencyCode?: string;
}

/** A parsed certificate with what path validation needs, computed once. */
export interface ParsedCertificate {
  der: Buffer;
  pem: string;
  x509: X509Certificate;
  asn: pkijs.Certificate;
  fingerprint256: string;
  serialNumberHex: string;
  subject: CertificateSubject;
  issuerDn: string;
  notBefore: Date;
  notAfter: Date;
  selfIssued: boolean;
  basicConstraints?: { ca: boolean; pathLength?: number };
  keyUsage?: Set<KeyUsageName>;
  extKeyUsage?: string[];
  extensionOids: string[];
  criticalExtensions: string[];
  crlUrls: string[];
  ocspUrls: string[];
  ocspNoCheck: boolean;
  signature: { oid: string; scheme?: SignatureScheme; hash?: HashName; pssSaltLength?: number };
  publicKey: KeyObject;
  key: { type: string; bits?: number; curve?: string };
}

const cache = new Map<string, ParsedCertificate>();
const CACHE_LIMIT = 2000;

/**
 * Parse a certificate (PEM, base64 DER or DER). Results are memoised by content, so
 * validating the same chain again does not parse it again.
 */
export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  const der = certificateToDer(input);
  const key = der.toString('base64');
  const hit = cache.get(key);
  if (hit) return hit;
  const parsed = parseUncached(der);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, parsed);
  return parsed;
}

function parseUncached(der: Buffer): ParsedCertificate {
  let x509: X509Certificate;
  let asn: pkijs.Certificate;
  try {
    x509 = new X509Certificate(der);
    asn = pkijs.Certificate.fromBER(der);
  } catch (cause) {
    throw new CertificateError(`could not parse the certificate as X.509 DER: ${(cause as Error).message}`, { cause });
  }
  const extensions = asn.extensions ?? [];
  const ext = (oid: string) => extensions.find((e) => e.extnID === oid);

  let basicConstraints: ParsedCertificate['basicConstraints'];
  const bc = ext(OID.basicConstraints)?.parsedValue as pkijs.BasicConstraints | undefined;
  if (bc) {
    const pathLen = bc.pathLenConstraint;
    basicConstraints = {
      ca: bc.cA === true,
      ...(pathLen !== undefined ? { pathLength: typeof pathLen === 'number' ? pathLen : pathLen.valueBlock.valueDec } : {}),
    };
  }

  let keyUsage: Set<KeyUsageName> | undefined;
  const ku = ext(OID.keyUsage)?.parsedValue as asn1js.BitString | undefined;
  if (ku) {
    keyUsage = new Set();
    const bytes = ku.valueBlock.valueHexView;
    KEY_USAGE_BITS.forEach((name, bit) => {
      const byte = bytes[bit >> 3] ?? 0;
      if (byte & (0x80 >> (bit & 7))) keyUsage!.add(name);
    });
  }

  const eku = ext(OID.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;

  const crlUrls: string[] = [];
  const dps = ext(OID.crlDistributionPoints)?.parsedValue as pkijs.CRLDistributionPoints | undefined;
  for (const dp of dps?.distributionPoints ?? []) {
    const names = Array.isArray(dp.distributionPoint) ? dp.distributionPoint : [];
    for (const n of names) if (n.type === 6) crlUrls.push(String(n.value));
  }
  const ocspUrls: string[] = [];
  const aia = ext(OID.authorityInfoAccess)?.parsedValue as pkijs.InfoAccess | undefined;
  for (const ad of aia?.accessDescriptions ?? []) {
    if (ad.accessMethod === OID.ocsp && ad.accessLocation.type === 6) ocspUrls.push(String(ad.accessLocation.value));
  }

  const sigOid = asn.signatureAlgorithm.algorithmId;
  const sigInfo = SIGNATURE_OIDS[sigOid];
  let hash = sigInfo?.hash;
  let pssSaltLength: number | undefined;
  if (sigInfo?.scheme === 'rsa-pss') {
    const params = readPssParams(asn.signatureAlgorithm);
    hash = params.hash;
    pssSaltLength = params.saltLength;
  }

  const publicKey = x509.publicKey;
  const details = publicKey.asymmetricKeyDetails ?? {};
  const serialNumberHex = Buffer.from(asn.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase();

  return {
    der,
    pem: toPem(der, 'CERTIFICATE'),
    x509,
    asn,
    fingerprint256: createHash('sha256').update(der).digest('hex'),
    serialNumberHex,
    subject: readSubject(asn.subject),
    issuerDn: renderName(asn.issuer),
    notBefore: asn.notBefore.value,
    notAfter: asn.notAfter.value,
    selfIssued: Buffer.from(asn.subject.valueBeforeDecode).equals(Buffer.from(asn.issuer.valueBeforeDecode)),
    ...(basicConstraints ? { basicConstraints } : {}),
    ...(keyUsage ? { keyUsage } : {}),
    ...(eku ? { extKeyUsage: eku.keyPurposes } : {}),
    extensionOids: extensions.map((e) => e.extnID),
    criticalExtensions: extensions.filter((e) => e.critical).map((e) => e.extnID),
    crlUrls,
    ocspUrls,
    ocspNoCheck: Boolean(ext(OID.ocspNoCheck)),
    signature: { oid: sigOid, ...(sigInfo ? { scheme: sigInfo.scheme } : {}), ...(hash ? { hash } : {}), ...(pssSaltLength !== undefined ? { pssSaltLength } : {}) },
    publicKey,
    key: {
      type: publicKey.asymmetricKeyType ?? 'unknown',
      ...(details.modulusLength ? { bits: details.modulusLength } : {}),
      ...(details.namedCurve ? { curve: curveName(details.namedCurve) } : {}),
    },
  };
}

export function readPssParams(alg: pkijs.AlgorithmIdentifier): { hash: HashName; saltLength: number } {
  try {
    const params = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams });
    return { hash: HASH_OIDS[params.hashAlgorithm.algorithmId] ?? 'SHA-1', saltLength: params.saltLength };
  } catch {
    // RFC 4055 defaults: SHA-1, salt 20.
    return { hash: 'SHA-1', saltLength: 20 };
  }
}

function curveName(curve: string): string {
  return curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : curve;
}

function attributeValue(tv: pkijs.AttributeTypeAndValue): string {
  const v = tv.value as unknown as { valueBlock: { value?: unknown } };
  const value = v.valueBlock?.value;
  return typeof value === 'string' ? value : String(value ?? '');
}

export function renderName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${NAME_LABELS[tv.type] ?? tv.type}=${attributeValue(tv).replace(/([,+"\\<>;])/g, '\\$1')}`)
    .reverse()
    .join(', ');
}

/** Read the holder's identity, including the Vietnamese identifiers carried in UID / serialNumber. */
export function readSubject(name: pkijs.RelativeDistinguishedNames): CertificateSubject {
  const subject: CertificateSubject = { dn: renderName(name) };
  const first = (oid: string) => {
    const tv = name.typesAndValues.find((t) => t.type === oid);
    return tv ? attributeValue(tv) : undefined;
  };
  const set = <K extends keyof CertificateSubject>(key: K, value: string | undefined) => {
    if (value !== undefined && value !== '') subject[key] = value;
  };
  set('commonName', first(OID.commonName));
  set('organization', first(OID.organization));
  set('organizationalUnit', first(OID.organizationalUnit));
  set('title', first(OID.title));
  set('locality', first(OID.locality));
  set('state', first(OID.state));
  set('country', first(OID.country));
  set('email', first(OID.email));
  for (const tv of name.typesAndValues) {
    if (tv.type !== OID.uid && tv.type !== OID.serialNumber) continue;
    const m = /^\s*(MST|CCCD|CMND|HC|MDDCQ)\s*[:：]\s*([0-9A-Za-z.-]+)\s*$/i.exec(attributeValue(tv));
    if (!m) continue;
    const kind = m[1]!.toUpperCase();
    if (kind === 'MST') set('taxCode', m[2]);
    else if (kind === 'MDDCQ') set('agencyCode', m[2]);
    else if (kind === 'HC') set('passport', m[2]);
    else set('citizenId', m[2]);
  }
  return subject;
}
