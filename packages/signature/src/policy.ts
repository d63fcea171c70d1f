import { JWS_ALGORITHMS, type HashName, type JwsAlgorithm } from './algorithms.js';
import { UNDERSTOOD_EXTENSIONS, type ParsedCertificate } from './certificate.js';
import { SignatureInputError } from './errors.js';
import { message, type ValidationMessage } from './messages.js';

/** What a signature must meet to be accepted. Build one with {@link createPolicy}. */
export interface SignaturePolicy {
  /** JWS algorithms accepted for messages. */
  readonly algorithms: readonly JwsAlgorithm[];
  /** Hashes accepted in certificate, CRL, OCSP, CMS and time-stamp signatures. */
  readonly hashes: readonly HashName[];
  readonly minRsaBits: number;
  readonly curves: readonly string[];
  /** Extended key usages the signing certificate must carry (any one), if set. */
  readonly requiredExtendedKeyUsage?: readonly string[];
  /** Longest accepted path, trust anchor included. */
  readonly maxPathLength: number;
}

/** The default policy: RS256/PS256/ES256, SHA-256 or better, RSA ≥ 2048, P-256/384/521. */
export const DEFAULT_POLICY: SignaturePolicy = Object.freeze({
  algorithms: JWS_ALGORITHMS,
  hashes: ['SHA-256', 'SHA-384', 'SHA-512'] as HashName[],
  minRsaBits: 2048,
  curves: ['P-256', 'P-384', 'P-521'],
  maxPathLength: 8,
});

/**
 * A policy at least as strict as the default. Loosening (SHA-1, RSA < 2048, another
 * curve or algorithm) is refused: the standard does not allow it.
 *
 * @example
 * const policy = createPolicy({ minRsaBits: 3072, algorithms: ['PS256', 'ES256'] });
 */
export function createPolicy(changes: Partial<SignaturePolicy> = {}, base: SignaturePolicy = DEFAULT_POLICY): SignaturePolicy {
  const subset = (name: string, wanted: readonly string[] | undefined, allowed: readonly string[]) => {
    const extra = (wanted ?? []).filter((x) => !allowed.includes(x));
    if (extra.length) {
      throw new SignatureInputError(`policy.${name} may only be narrowed; ${extra.join(', ')} is not in the base policy (${allowed.join(', ')})`);
    }
  };
  subset('algorithms', changes.algorithms, base.algorithms);
  subset('hashes', changes.hashes, base.hashes);
  subset('curves', changes.curves, base.curves);
  if (changes.minRsaBits !== undefined && changes.minRsaBits < base.minRsaBits) {
    throw new SignatureInputError(`policy.minRsaBits may only be raised; ${changes.minRsaBits} is below ${base.minRsaBits}`);
  }
  if (changes.maxPathLength !== undefined && changes.maxPathLength > base.maxPathLength) {
    throw new SignatureInputError(`policy.maxPathLength may only be lowered; ${changes.maxPathLength} is above ${base.maxPathLength}`);
  }
  return Object.freeze({ ...base, ...changes });
}

/** Problems with a hash used in a signature (certificate, CRL, OCSP, CMS). */
export function checkHash(hash: HashName | undefined, where: string, whereVi: string, policy: SignaturePolicy): ValidationMessage[] {
  if (hash && policy.hashes.includes(hash)) return [];
  return [message('WEAK_HASH', 'error', { where, whereVi, hash: hash ?? 'an unknown algorithm', allowed: policy.hashes.join(', ') })];
}

/** Problems with a certificate's own key and signature algorithm under the policy. */
export function checkCertificateCrypto(cert: ParsedCertificate, policy: SignaturePolicy, isAnchor: boolean): ValidationMessage[] {
  const problems: ValidationMessage[] = [];
  const who = `Certificate "${cert.subject.dn}"`;
  const whoVi = `Chứng thư "${cert.subject.dn}"`;
  // A trust anchor is trusted by configuration; its self-signature carries no meaning.
  if (!isAnchor) problems.push(...checkHash(cert.signature.hash, `${who} signature`, `Chữ ký của ${whoVi.toLowerCase()}`, policy));
  problems.push(...checkKey(cert.key, who, whoVi, policy));
  return problems;
}

export function checkKey(key: ParsedCertificate['key'], who: string, whoVi: string, policy: SignaturePolicy): ValidationMessage[] {
  if (key.type === 'rsa' || key.type === 'rsa-pss') {
    if ((key.bits ?? 0) < policy.minRsaBits) {
      return [message('WEAK_KEY', 'error', { where: who, whereVi: whoVi, detail: `${key.bits}-bit RSA key`, detailVi: `khóa RSA ${key.bits} bit`, allowed: `RSA ≥ ${policy.minRsaBits}` })];
    }
    return [];
  }
  if (key.type === 'ec') {
    if (!key.curve || !policy.curves.includes(key.curve)) {
      return [message('WEAK_KEY', 'error', { where: who, whereVi: whoVi, detail: `key on curve ${key.curve}`, detailVi: `khóa trên đường cong ${key.curve}`, allowed: policy.curves.join(', ') })];
    }
    return [];
  }
  return [message('WEAK_KEY', 'error', { where: who, whereVi: whoVi, detail: `${key.type} key`, detailVi: `khóa ${key.type}`, allowed: 'RSA, EC' })];
}

/** Critical extensions the validator cannot process make a certificate unusable (RFC 5280 §4.2). */
export function unknownCriticalExtensions(cert: ParsedCertificate): string[] {
  return cert.criticalExtensions.filter((oid) => !UNDERSTOOD_EXTENSIONS.includes(oid));
}
