import { createHash } from 'node:crypto';
import { canonicalize, signMessage, verifyMessage, type ValidationReport, type RevocationMode } from '@dvc-kit/signature';
import { ConformanceError } from './errors.js';

/** A certifier's signature over a JSON report (the file `*.attestation.json`). */
export interface Attestation {
  attestationVersion: 1;
  /** SHA-256 (hex) of the report's RFC 8785 canonical form: what was signed. */
  reportDigest: string;
  verdict: string;
  target: string;
  signedAt: string;
  /** Detached JWS (RFC 7797, x5c chain) over the canonical report, made with @dvc-kit/signature. */
  jws: string;
}

export interface AttestOptions {
  /** PEM or KeyObject of the certifier. */
  privateKey: Parameters<typeof signMessage>[1]['privateKey'];
  /** Certifier's chain, leaf first (PEM). */
  certificates: readonly string[];
  signingTime?: Date;
}

function digest(report: unknown): string {
  return createHash('sha256').update(canonicalize(report)).digest('hex');
}

/** Signs a JSON report so anyone holding the trust anchors can check it offline. */
export async function attestReport(report: Record<string, unknown>, options: AttestOptions): Promise<Attestation> {
  const signingTime = options.signingTime ?? new Date();
  const jws = await signMessage(report, { privateKey: options.privateKey, certificates: options.certificates, signingTime });
  return {
    attestationVersion: 1,
    reportDigest: digest(report),
    verdict: String(report.verdict ?? ''),
    target: String((report.target as { url?: string } | undefined)?.url ?? ''),
    signedAt: signingTime.toISOString(),
    jws,
  };
}

export interface AttestationCheck {
  valid: boolean;
  /** Why it is not valid, one line per problem. */
  problems: string[];
  signature: ValidationReport;
}

/**
 * Verifies an attestation against the report as it is now. Any change to the report
 * (one character of evidence, an outcome) breaks the digest and the signature.
 * Revocation is not checked by default, so that verification works offline.
 */
export async function verifyAttestation(
  report: unknown,
  attestation: unknown,
  options: { trustAnchors: readonly string[]; revocation?: RevocationMode; at?: Date },
): Promise<AttestationCheck> {
  const a = attestation as Partial<Attestation>;
  if (!a || a.attestationVersion !== 1 || typeof a.jws !== 'string' || typeof a.reportDigest !== 'string') {
    throw new ConformanceError('ERR_ATTESTATION_INVALID', 'Not a dvc-conformance attestation: expected { attestationVersion: 1, reportDigest, jws, … }.');
  }
  const problems: string[] = [];
  const actual = digest(report);
  if (actual !== a.reportDigest) problems.push(`The report was changed after signing: its SHA-256 is ${actual}, the attestation signed ${a.reportDigest}.`);
  const signature = await verifyMessage(a.jws, report, {
    trustAnchors: options.trustAnchors,
    revocation: { mode: options.revocation ?? 'off' },
    ...(options.at ? { at: options.at } : a.signedAt ? { at: new Date(a.signedAt) } : {}),
  });
  if (signature.indication !== 'TOTAL_PASSED') {
    problems.push(`The signature does not verify: ${signature.indication}${signature.subIndication ? `/${signature.subIndication}` : ''} ${signature.messages.filter((m) => m.severity === 'error').map((m) => m.en).join('; ')}`.trim());
  }
  return { valid: problems.length === 0, problems, signature };
}
