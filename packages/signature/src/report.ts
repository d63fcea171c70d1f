import type { CertificateSubject, ParsedCertificate } from './certificate.js';
import { message, type ValidationMessage } from './messages.js';

/** ETSI EN 319 102-1 main indication. Only `TOTAL_PASSED` means the signature is valid. */
export type Indication = 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';

/** ETSI EN 319 102-1 sub-indications produced by this package. */
export type SubIndication =
  // TOTAL_FAILED
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  // INDETERMINATE
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'REVOKED_NO_POE'
  | 'REVOKED_CA_NO_POE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'TRY_LATER';

export const SUB_INDICATION_INDICATION: Record<SubIndication, Exclude<Indication, 'TOTAL_PASSED'>> = {
  FORMAT_FAILURE: 'TOTAL_FAILED',
  HASH_FAILURE: 'TOTAL_FAILED',
  SIG_CRYPTO_FAILURE: 'TOTAL_FAILED',
  REVOKED: 'TOTAL_FAILED',
  EXPIRED: 'TOTAL_FAILED',
  NOT_YET_VALID: 'TOTAL_FAILED',
  NO_SIGNING_CERTIFICATE_FOUND: 'INDETERMINATE',
  SIG_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  NO_CERTIFICATE_CHAIN_FOUND: 'INDETERMINATE',
  CHAIN_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  CRYPTO_CONSTRAINTS_FAILURE: 'INDETERMINATE',
  REVOKED_NO_POE: 'INDETERMINATE',
  REVOKED_CA_NO_POE: 'INDETERMINATE',
  OUT_OF_BOUNDS_NO_POE: 'INDETERMINATE',
  TRY_LATER: 'INDETERMINATE',
};

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  trustAnchor: boolean;
}

export interface RevocationEvidence {
  /** Subject DN of the certificate whose status this is. */
  certificate: string;
  serialNumber: string;
  source: 'OCSP' | 'CRL' | 'none';
  url?: string;
  status: 'good' | 'revoked' | 'unknown' | 'unavailable' | 'not-checked';
  revocationTime?: string;
  reason?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  /** True when the answer came from the revocation cache rather than the network. */
  cached?: boolean;
  error?: string;
}

export interface TimestampSummary {
  time: string;
  tsa: string;
  serialNumber: string;
  valid: boolean;
}

/** The signer as the certificate names it, plus the whole subject. */
export type SignerIdentity = CertificateSubject & { serialNumber: string; issuer: string };

/** Result of validating one signature (ETSI EN 319 102-1 style). */
export interface ValidationReport {
  indication: Indication;
  subIndication?: SubIndication;
  format: 'JWS' | 'CAdES' | 'PAdES';
  /** Signature algorithm (JWS `alg`, or e.g. `ECDSA-SHA256` for CMS). */
  algorithm?: string;
  signer?: SignerIdentity;
  signingTime: {
    /** Time the signer claims (JWS `sigT`, CMS signing-time); not proof. */
    claimed?: string;
    /** Time proven by a valid RFC 3161 time-stamp. */
    timestamp?: string;
    /** Time the certificates were checked at. */
    validationTime: string;
  };
  chain: CertificateSummary[];
  revocation: RevocationEvidence[];
  timestamp?: TimestampSummary;
  messages: ValidationMessage[];
}

export function summarizeCertificate(cert: ParsedCertificate, trustAnchor: boolean): CertificateSummary {
  return {
    subject: cert.subject.dn,
    issuer: cert.issuerDn,
    serialNumber: cert.serialNumberHex,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    fingerprint256: cert.fingerprint256,
    trustAnchor,
  };
}

/** Who must have signed: identifiers the signing certificate has to carry. */
export interface ExpectedSigner {
  /** Agency identifier code (UID "MDDCQ:…"), e.g. the `madonvi` or agency of the message. */
  agencyCode?: string;
  taxCode?: string;
  citizenId?: string;
}

const EXPECTED_FIELDS: { key: keyof ExpectedSigner; en: string; vi: string }[] = [
  { key: 'agencyCode', en: 'agency identifier code', vi: 'Mã định danh cơ quan' },
  { key: 'taxCode', en: 'tax code', vi: 'Mã số thuế' },
  { key: 'citizenId', en: 'citizen ID', vi: 'Số định danh cá nhân' },
];

/** Messages for each expected identifier the signer does not carry (empty when all match). */
export function checkExpectedSigner(signer: SignerIdentity, expected: ExpectedSigner | undefined): ValidationMessage[] {
  if (!expected) return [];
  return EXPECTED_FIELDS.filter((f) => expected[f.key] !== undefined && signer[f.key] !== expected[f.key]).map((f) =>
    message('SIGNER_MISMATCH', 'error', { field: f.en, fieldVi: f.vi, found: signer[f.key], expected: expected[f.key] }),
  );
}

export function signerIdentity(cert: ParsedCertificate): SignerIdentity {
  return { ...cert.subject, serialNumber: cert.serialNumberHex, issuer: cert.issuerDn };
}

/**
 * A short human-readable rendering of a report.
 *
 * @example
 * console.log(formatReport(report, 'vi'));
 */
export function formatReport(report: ValidationReport, language: 'en' | 'vi' = 'en'): string {
  const vi = language === 'vi';
  const verdict =
    report.indication === 'TOTAL_PASSED'
      ? vi ? 'HỢP LỆ' : 'VALID'
      : report.indication === 'TOTAL_FAILED'
        ? vi ? 'KHÔNG HỢP LỆ' : 'INVALID'
        : vi ? 'CHƯA XÁC ĐỊNH' : 'INDETERMINATE';
  const lines = [`${report.format} ${vi ? 'chữ ký' : 'signature'}: ${verdict} (${report.indication}${report.subIndication ? ` / ${report.subIndication}` : ''})`];
  if (report.signer) {
    const s = report.signer;
    const ids = [
      s.agencyCode && `${vi ? 'mã định danh' : 'agency code'} ${s.agencyCode}`,
      s.taxCode && `${vi ? 'MST' : 'tax code'} ${s.taxCode}`,
      s.citizenId && `${vi ? 'CCCD' : 'citizen ID'} ${s.citizenId}`,
    ].filter(Boolean);
    lines.push(`${vi ? 'Người ký' : 'Signer'}: ${s.commonName ?? s.dn}${s.organization ? `, ${s.organization}` : ''}${ids.length ? ` (${ids.join(', ')})` : ''}`);
  }
  const t = report.signingTime;
  lines.push(
    `${vi ? 'Thời điểm ký' : 'Signing time'}: ${t.timestamp ? `${t.timestamp} (${vi ? 'dấu thời gian' : 'time-stamp'})` : t.claimed ? `${t.claimed} (${vi ? 'tự khai' : 'claimed'})` : '—'}; ${vi ? 'kiểm tra tại' : 'checked at'} ${t.validationTime}`,
  );
  if (report.chain.length) lines.push(`${vi ? 'Chuỗi chứng thư' : 'Chain'}: ${report.chain.map((c) => c.subject.split(', ').find((p) => p.startsWith('CN=')) ?? c.subject).join(' → ')}`);
  for (const m of report.messages) {
    if (m.severity === 'info') continue;
    lines.push(`${m.severity === 'error' ? '✗' : '!'} ${vi ? m.vi : m.en}`);
  }
  return lines.join('\n');
}
