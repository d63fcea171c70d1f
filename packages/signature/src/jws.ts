import { createPublicKey } from 'node:crypto';
import { jwsAlgorithmForKey, jwsSign, jwsVerify, type JwsAlgorithm } from './algorithms.js';
import { canonicalize } from './canonicalize.js';
import { parseCertificate, type ParsedCertificate } from './certificate.js';
import { base64url, certificateToDer, fromBase64url, isBase64url } from './encoding.js';
import { SignatureInputError, SignatureKeyError } from './errors.js';
import { toPrivateKey, type PrivateKeyInput } from './keys.js';
import { message, type ValidationMessage } from './messages.js';
import { validateCertificatePath, type PathValidationOptions } from './path-validation.js';
import { DEFAULT_POLICY } from './policy.js';
import { checkExpectedSigner, signerIdentity, SUB_INDICATION_INDICATION, type ExpectedSigner, type SubIndication, type ValidationReport } from './report.js';

/** The HTTP header that carries a message signature. */
export const SIGNATURE_HEADER = 'X-DVC-Signature';

export interface SignMessageOptions {
  privateKey: PrivateKeyInput;
  /** The signer's certificate chain, leaf first (PEM or base64 DER); the root may be left out. */
  certificates: readonly string[];
  /** Default: ES256 for EC keys, RS256 for RSA keys, PS256 for RSA-PSS keys. */
  alg?: JwsAlgorithm;
  /**
   * Claimed signing time, written as the JAdES `sigT` header parameter (not critical).
   * Default now; `false` leaves it out.
   */
  signingTime?: Date | false;
}

/**
 * Sign an API message: a compact detached JWS (`header..signature`) with an unencoded
 * payload (RFC 7797, `b64: false`, `crit: ["b64"]`) and the certificate chain in `x5c`.
 * Objects are signed in their RFC 8785 canonical form; bytes and strings as given.
 *
 * @example
 * const jws = await signMessage(dossier, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
 * await fetch(url, { method: 'PUT', body: JSON.stringify(dossier), headers: { [SIGNATURE_HEADER]: jws } });
 */
export async function signMessage(payload: unknown, options: SignMessageOptions): Promise<string> {
  if (!options || typeof options !== 'object') throw new SignatureInputError('signMessage needs options { privateKey, certificates }');
  const key = toPrivateKey(options.privateKey);
  const alg = jwsAlgorithmForKey(key, options.alg);
  if (!Array.isArray(options.certificates) || options.certificates.length === 0) {
    throw new SignatureInputError('options.certificates must list the signer certificate chain, leaf first; got none');
  }
  const ders = options.certificates.map((c) => certificateToDer(c));
  const leaf = parseCertificate(ders[0]!);
  assertKeyMatches(leaf, key);
  const header: Record<string, unknown> = { alg, b64: false, crit: ['b64'], x5c: ders.map((d) => d.toString('base64')) };
  if (options.signingTime !== false) header.sigT = isoSeconds(options.signingTime ?? new Date());
  const encodedHeader = base64url(JSON.stringify(header));
  const signature = jwsSign(alg, key, signingInput(encodedHeader, payloadBytes(payload)));
  return `${encodedHeader}..${base64url(signature)}`;
}

export interface VerifyMessageOptions extends PathValidationOptions {
  /** Validate as of this time instead of now. */
  at?: Date;
  /**
   * Identifiers the signer's certificate must carry, e.g. the agency code the message is
   * about (DVC-SIG-005). A mismatch gives INDETERMINATE / SIG_CONSTRAINTS_FAILURE.
   */
  expectedSigner?: ExpectedSigner;
}

/**
 * Verify a detached JWS made by {@link signMessage} over `payload` and validate the
 * signer's certificate path. Malformed or invalid signatures give a report, not an
 * exception; only `indication === 'TOTAL_PASSED'` means valid.
 *
 * @example
 * const report = await verifyMessage(req.headers['x-dvc-signature'], rawBody, { trustAnchors: pki.trustAnchors });
 * if (report.indication !== 'TOTAL_PASSED') throw new Error(formatReport(report));
 */
export async function verifyMessage(jws: string, payload: unknown, options: VerifyMessageOptions): Promise<ValidationReport> {
  if (typeof jws !== 'string') throw new SignatureInputError(`the JWS must be a string, got ${typeof jws}`);
  if (!options || !Array.isArray(options.trustAnchors) || options.trustAnchors.length === 0) {
    throw new SignatureInputError('options.trustAnchors must list at least one trusted certificate (PEM)');
  }
  const policy = options.policy ?? DEFAULT_POLICY;
  const validationTime = options.at ?? new Date();
  const report: ValidationReport = { indication: 'INDETERMINATE', format: 'JWS', signingTime: { validationTime: validationTime.toISOString() }, chain: [], revocation: [], messages: [] };
  const finish = (sub: SubIndication | undefined, msgs: ValidationMessage[] = []): ValidationReport => {
    report.messages.push(...msgs);
    report.indication = sub ? SUB_INDICATION_INDICATION[sub] : 'TOTAL_PASSED';
    if (sub) report.subIndication = sub;
    return report;
  };
  const format = (detail: string) => finish('FORMAT_FAILURE', [message('FORMAT', 'error', { detail })]);

  const parts = jws.trim().split('.');
  if (parts.length !== 3) return format(`a compact JWS has 3 dot-separated parts, this has ${parts.length}`);
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  if (encodedPayload !== '') return format('expected a detached payload (header..signature), found an embedded one');
  if (!isBase64url(encodedHeader) || !isBase64url(encodedSignature)) return format('header or signature is not base64url');
  const signatureBytes = fromBase64url(encodedSignature);
  // Only the canonical encoding: otherwise several signature strings verify as the same one.
  if (base64url(signatureBytes) !== encodedSignature) return format('the signature is not in canonical base64url (stray trailing bits or padding)');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(fromBase64url(encodedHeader).toString('utf8')) as Record<string, unknown>;
  } catch {
    return format('the protected header is not JSON');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) return format('the protected header is not a JSON object');
  if (header.b64 !== false) return format('the header must have "b64": false (RFC 7797 unencoded payload)');
  if (!Array.isArray(header.crit) || !header.crit.includes('b64') || header.crit.some((c) => c !== 'b64')) {
    return format(`"crit" must be ["b64"], found ${JSON.stringify(header.crit)}`);
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !(policy.algorithms as readonly string[]).includes(alg)) {
    return finish('CRYPTO_CONSTRAINTS_FAILURE', [message('ALGORITHM_NOT_ALLOWED', 'error', { alg: String(alg), allowed: policy.algorithms.join(', ') })]);
  }
  report.algorithm = alg;
  let claimed: Date | undefined;
  if (header.sigT !== undefined) {
    claimed = typeof header.sigT === 'string' ? new Date(header.sigT) : undefined;
    if (!claimed || Number.isNaN(claimed.getTime())) return format('"sigT" is not an RFC 3339 date-time');
    report.signingTime.claimed = claimed.toISOString();
  }
  const x5c = header.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0) return finish('NO_SIGNING_CERTIFICATE_FOUND', [message('NO_SIGNING_CERTIFICATE', 'error')]);
  let certs: ParsedCertificate[];
  try {
    certs = x5c.map((c) => {
      if (typeof c !== 'string') throw new Error('x5c entries must be base64 strings');
      return parseCertificate(c);
    });
  } catch (e) {
    return format(`x5c: ${(e as Error).message}`);
  }
  const leaf = certs[0]!;
  report.signer = signerIdentity(leaf);

  let data: Uint8Array;
  try {
    data = signingInput(encodedHeader, payloadBytes(payload));
  } catch (e) {
    return format(`the payload cannot be canonicalised: ${(e as Error).message}`);
  }
  if (!jwsVerify(alg as JwsAlgorithm, leaf.publicKey, data, signatureBytes)) {
    return finish('SIG_CRYPTO_FAILURE', [message('SIGNATURE_INVALID', 'error', { detail: `${alg}, key of "${leaf.subject.dn}"` })]);
  }
  report.messages.push(message('SIGNATURE_VALID', 'info'));
  if (claimed) report.messages.push(message('CLAIMED_TIME_ONLY', 'info', { time: claimed.toISOString() }));

  const path = await validateCertificatePath(leaf, certs.slice(1), options, { validationTime, ...(claimed ? { claimed } : {}) });
  report.chain = path.summaries;
  report.revocation = path.revocation;
  const mismatch = checkExpectedSigner(report.signer, options.expectedSigner);
  // The certificate's own verdict comes first; a sound certificate of the wrong signer is a policy failure.
  if (!path.subIndication && mismatch.length) return finish('SIG_CONSTRAINTS_FAILURE', [...path.messages, ...mismatch]);
  return finish(path.subIndication, path.messages);
}

/** Bytes signed for a payload: objects in RFC 8785 form, strings as UTF-8, bytes as they are. */
export function payloadBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  return Buffer.from(canonicalize(payload), 'utf8');
}

function signingInput(encodedHeader: string, payload: Uint8Array): Buffer {
  const head = Buffer.from(`${encodedHeader}.`, 'ascii');
  return Buffer.concat([head, payload]);
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// SPKI export costs ~0.4 ms under OpenSSL 3: remember it per key and per certificate.
const matchedKeys = new WeakMap<object, string>();

function assertKeyMatches(leaf: ParsedCertificate, key: ReturnType<typeof toPrivateKey>): void {
  let leafSpki = matchedKeys.get(leaf);
  if (!leafSpki) {
    leafSpki = leaf.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    matchedKeys.set(leaf, leafSpki);
  }
  let spki = matchedKeys.get(key);
  if (!spki) {
    spki = createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64');
    matchedKeys.set(key, spki);
  }
  if (spki !== leafSpki) {
    throw new SignatureKeyError(`the private key does not belong to the first certificate ("${leaf.subject.dn}"); list the signer's certificate first`);
  }
}
