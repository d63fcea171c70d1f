import { parseCertificate, OID, type ParsedCertificate } from './certificate.js';
import { message, type ValidationMessage } from './messages.js';
import { checkCertificateCrypto, DEFAULT_POLICY, unknownCriticalExtensions, type SignaturePolicy } from './policy.js';
import { summarizeCertificate, type CertificateSummary, type RevocationEvidence, type SubIndication } from './report.js';
import { checkRevocation, httpRevocationFetcher, RevocationCache, type RevocationOptions, type RevocationStatus } from './revocation.js';

/** What the certified key is being used for; decides the key usage checks on the end entity. */
export type CertificatePurpose = 'signing' | 'timestamping';

export interface PathValidationOptions {
  /** Trusted root (or other anchor) certificates, PEM. */
  trustAnchors: readonly (string | Uint8Array)[];
  /** Extra certificates to build the path from (intermediates not carried by the signature). */
  certificatePool?: readonly (string | Uint8Array)[];
  revocation?: RevocationOptions;
  policy?: SignaturePolicy;
}

export interface SignatureTimes {
  /** The time of validation ("now"). */
  validationTime: Date;
  /** Proof of existence: the signature existed at this time (a valid time-stamp). */
  poe?: Date;
  /** The time the signer claims to have signed. */
  claimed?: Date;
}

export interface PathValidationResult {
  /** Undefined when the path is acceptable. */
  subIndication?: SubIndication;
  chain: ParsedCertificate[];
  summaries: CertificateSummary[];
  revocation: RevocationEvidence[];
  messages: ValidationMessage[];
}

// When several problems are found, report the most decisive one (TOTAL_FAILED first).
const SEVERITY_ORDER: SubIndication[] = [
  'REVOKED',
  'EXPIRED',
  'NOT_YET_VALID',
  'CRYPTO_CONSTRAINTS_FAILURE',
  'CHAIN_CONSTRAINTS_FAILURE',
  'REVOKED_NO_POE',
  'REVOKED_CA_NO_POE',
  'OUT_OF_BOUNDS_NO_POE',
  'TRY_LATER',
];

const signatureChecks = new Map<string, boolean>();

/** Memoised: whether `child` is signed by `issuer`'s key (a pure function of both DERs). */
function issuedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (!child.asn.issuer.isEqual(issuer.asn.subject)) return false;
  const key = `${child.fingerprint256}|${issuer.fingerprint256}`;
  let ok = signatureChecks.get(key);
  if (ok === undefined) {
    ok = child.x509.verify(issuer.publicKey);
    if (signatureChecks.size > 10_000) signatureChecks.clear();
    signatureChecks.set(key, ok);
  }
  return ok;
}

/** Build a path leaf → … → trust anchor, depth-first over the candidates. */
export function buildPath(
  leaf: ParsedCertificate,
  candidates: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
  maxLength: number,
): { path?: ParsedCertificate[]; detail: string } {
  const anchorPrints = new Set(anchors.map((a) => a.fingerprint256));
  let detail = `no certificate named "${leaf.issuerDn}" signed it`;
  const walk = (path: ParsedCertificate[]): ParsedCertificate[] | undefined => {
    const last = path[path.length - 1]!;
    if (anchorPrints.has(last.fingerprint256)) return path;
    if (path.length >= maxLength) {
      detail = `the path is longer than ${maxLength} certificates`;
      return undefined;
    }
    const named = [...anchors, ...candidates].filter((c) => !path.some((p) => p.fingerprint256 === c.fingerprint256) && last.asn.issuer.isEqual(c.asn.subject));
    if (!named.length) {
      detail = `the issuer "${last.issuerDn}" of "${last.subject.dn}" is neither a trust anchor nor among the certificates supplied`;
    }
    for (const c of named) {
      if (!issuedBy(last, c)) {
        detail = `the signature on "${last.subject.dn}" does not verify with the key of "${c.subject.dn}"`;
        continue;
      }
      const found = walk([...path, c]);
      if (found) return found;
    }
    return undefined;
  };
  const path = walk([leaf]);
  return path ? { path, detail: '' } : { detail };
}

/**
 * Validate the certification path of a signing certificate at the given times
 * (RFC 5280 §6 basic path validation, ETSI EN 319 102-1 X.509 validation).
 */
export async function validateCertificatePath(
  leaf: ParsedCertificate,
  carried: readonly ParsedCertificate[],
  options: PathValidationOptions,
  times: SignatureTimes,
  purpose: CertificatePurpose = 'signing',
): Promise<PathValidationResult> {
  const policy = options.policy ?? DEFAULT_POLICY;
  const anchors = options.trustAnchors.map((a) => parseCertificate(a));
  const pool = [...carried, ...(options.certificatePool ?? []).map((c) => parseCertificate(c))];
  const messages: ValidationMessage[] = [];
  const found: SubIndication[] = [];
  const fail = (sub: SubIndication, msg: ValidationMessage) => {
    found.push(sub);
    messages.push(msg);
  };

  const { path, detail } = buildPath(leaf, pool, anchors, policy.maxPathLength);
  if (!path) {
    return {
      subIndication: 'NO_CERTIFICATE_CHAIN_FOUND',
      chain: [],
      summaries: [],
      revocation: [],
      messages: [message('NO_CHAIN', 'error', { subject: leaf.subject.dn, detail })],
    };
  }
  const anchorIndex = path.length - 1;
  messages.push(message('CHAIN_BUILT', 'info', { length: path.length, anchor: path[anchorIndex]!.subject.dn }));

  path.forEach((cert, i) => {
    const isAnchor = i === anchorIndex;
    for (const m of checkCertificateCrypto(cert, policy, isAnchor)) fail('CRYPTO_CONSTRAINTS_FAILURE', m);
    if (!isAnchor) {
      for (const oid of unknownCriticalExtensions(cert)) fail('CHAIN_CONSTRAINTS_FAILURE', message('UNKNOWN_CRITICAL_EXTENSION', 'error', { subject: cert.subject.dn, oid }));
    }
    if (i > 0) checkIssuerConstraints(cert, path.slice(1, i), fail);
  });
  checkEndEntityUsage(leaf, purpose, policy, fail);

  // Validity periods. The best proven time is the POE, else the validation time.
  const best = times.poe ?? times.validationTime;
  for (const cert of path.slice(0, anchorIndex)) {
    const args = { subject: cert.subject.dn, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() };
    if (cert.notBefore > best || (times.claimed && cert.notBefore > times.claimed)) {
      const time = times.claimed && cert.notBefore > times.claimed ? times.claimed : best;
      fail('NOT_YET_VALID', message('CERT_NOT_YET_VALID', 'error', { ...args, time: time.toISOString() }));
    } else if (times.claimed && times.claimed > cert.notAfter) {
      fail('EXPIRED', message('CERT_EXPIRED', 'error', { ...args, time: times.claimed.toISOString() }));
    } else if (best > cert.notAfter) {
      fail('OUT_OF_BOUNDS_NO_POE', message('CERT_OUT_OF_BOUNDS', 'error', { ...args, time: best.toISOString() }));
    }
  }

  const revocation = await checkPathRevocation(path, options.revocation, policy, times, fail, messages);
  const subIndication = SEVERITY_ORDER.find((s) => found.includes(s));
  return {
    ...(subIndication ? { subIndication } : {}),
    chain: path,
    summaries: path.map((c, i) => summarizeCertificate(c, i === anchorIndex)),
    revocation,
    messages,
  };
}

function checkIssuerConstraints(issuer: ParsedCertificate, below: ParsedCertificate[], fail: (s: SubIndication, m: ValidationMessage) => void): void {
  const problems: string[] = [];
  // Version 1 certificates have no extensions; RFC 5280 only lets them act as CAs when they are trust anchors.
  if (!issuer.basicConstraints?.ca) problems.push('basicConstraints does not say cA=TRUE');
  if (issuer.keyUsage && !issuer.keyUsage.has('keyCertSign')) problems.push('keyUsage lacks keyCertSign');
  const pathLength = issuer.basicConstraints?.pathLength;
  const intermediatesBelow = below.filter((c) => !c.selfIssued).length;
  if (pathLength !== undefined && intermediatesBelow > pathLength) {
    problems.push(`pathLenConstraint ${pathLength} allows ${pathLength} intermediate CA(s) below it, the path has ${intermediatesBelow}`);
  }
  if (problems.length) fail('CHAIN_CONSTRAINTS_FAILURE', message('CA_CONSTRAINTS', 'error', { subject: issuer.subject.dn, detail: problems.join('; ') }));
}

function checkEndEntityUsage(
  leaf: ParsedCertificate,
  purpose: CertificatePurpose,
  policy: SignaturePolicy,
  fail: (s: SubIndication, m: ValidationMessage) => void,
): void {
  const args = purpose === 'signing' ? { purpose: 'sign documents', purposeVi: 'ký số tài liệu' } : { purpose: 'sign time-stamps', purposeVi: 'ký dấu thời gian' };
  if (leaf.keyUsage && !leaf.keyUsage.has('digitalSignature') && !leaf.keyUsage.has('nonRepudiation')) {
    fail('CHAIN_CONSTRAINTS_FAILURE', message('LEAF_KEY_USAGE', 'error', { subject: leaf.subject.dn, ...args, detail: 'keyUsage has neither digitalSignature nor nonRepudiation' }));
  }
  if (purpose === 'timestamping') {
    // RFC 3161 §2.3: the TSA certificate carries exactly id-kp-timeStamping.
    if (leaf.extKeyUsage?.length !== 1 || leaf.extKeyUsage[0] !== OID.ekuTimeStamping) {
      fail('CHAIN_CONSTRAINTS_FAILURE', message('LEAF_KEY_USAGE', 'error', { subject: leaf.subject.dn, ...args, detail: 'extendedKeyUsage is not exactly id-kp-timeStamping' }));
    }
  } else if (policy.requiredExtendedKeyUsage?.length) {
    if (!leaf.extKeyUsage?.some((u) => policy.requiredExtendedKeyUsage!.includes(u))) {
      fail('CHAIN_CONSTRAINTS_FAILURE', message('LEAF_KEY_USAGE', 'error', { subject: leaf.subject.dn, ...args, detail: `extendedKeyUsage has none of ${policy.requiredExtendedKeyUsage.join(', ')}` }));
    }
  }
}

async function checkPathRevocation(
  path: ParsedCertificate[],
  options: RevocationOptions | undefined,
  policy: SignaturePolicy,
  times: SignatureTimes,
  fail: (s: SubIndication, m: ValidationMessage) => void,
  messages: ValidationMessage[],
): Promise<RevocationEvidence[]> {
  const mode = options?.mode ?? 'hard-fail';
  const subjects = path.slice(0, -1);
  if (mode === 'off') {
    messages.push(message('REVOCATION_OFF', 'warning'));
    return subjects.map((c) => ({ certificate: c.subject.dn, serialNumber: c.serialNumberHex, source: 'none', status: 'not-checked' }));
  }
  const fetcher = options?.fetcher ?? httpRevocationFetcher();
  const cache = options?.cache ?? new RevocationCache();
  const statuses: RevocationStatus[] = await Promise.all(
    subjects.map((cert, i) => checkRevocation(cert, path[i + 1]!, { fetcher, cache, policy, now: times.validationTime })),
  );
  return statuses.map((status, index) => {
    const { revokedAt, ...evidence } = status;
    const subject = status.certificate;
    if (status.status === 'revoked' && revokedAt) {
      const args = { subject, revokedAt: revokedAt.toISOString(), reason: status.reason };
      if (times.poe && times.poe < revokedAt) {
        messages.push(message('CERT_REVOKED_AFTER_POE', 'warning', { ...args, time: times.poe.toISOString() }));
      } else {
        const signedAt = times.claimed ?? times.validationTime;
        if (index > 0) {
          // A revoked CA: without proof that the signature predates it, nothing below can be trusted (ETSI REVOKED_CA_NO_POE).
          fail('REVOKED_CA_NO_POE', message('CERT_REVOKED_NO_POE', 'error', { ...args, time: signedAt.toISOString() }));
        } else if (signedAt >= revokedAt) fail('REVOKED', message('CERT_REVOKED', 'error', { ...args, time: signedAt.toISOString() }));
        else fail('REVOKED_NO_POE', message('CERT_REVOKED_NO_POE', 'error', { ...args, time: signedAt.toISOString() }));
      }
    } else if (status.status === 'good') {
      messages.push(message('REVOCATION_GOOD', 'info', { subject, source: status.source, cached: status.cached ? 'yes' : undefined }));
    } else if (mode === 'hard-fail') {
      fail('TRY_LATER', message('REVOCATION_UNAVAILABLE', 'error', { subject, detail: status.error ?? status.status }));
    } else {
      messages.push(message('REVOCATION_UNAVAILABLE', 'warning', { subject, detail: status.error ?? status.status }));
      messages.push(message('REVOCATION_SOFT_FAIL', 'warning', { subject }));
    }
    return evidence;
  });
}
