import { X509Certificate } from 'node:crypto';
import { RevocationCache, verifyMessage, type RevocationOptions, type TestPki } from '@dvc-kit/signature';
import { HttpProblem, PROBLEM, pointerError } from './problem.js';
import { assertSignerAgency } from './signer-agency.js';
import type { RegisteredSystem } from './store.js';

export interface SignatureTrust {
  trustAnchors: string[];
  revocation?: RevocationOptions;
}

/** Trust settings from a test PKI: its root, and its revocation services answered in-process. */
export function trustFromPki(pki: TestPki): SignatureTrust {
  return { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher, cache: new RevocationCache() } };
}

// Parsing a certificate and exporting its key costs ~1 ms; a system signs every push with the same one.
const spkiCache = new Map<string, string>();

/** The certificate's public key (SPKI, base64); `cert` is PEM, or base64 DER as in x5c. */
function spkiOf(cert: string): string {
  let spki = spkiCache.get(cert);
  if (spki === undefined) {
    const parsed = new X509Certificate(cert.includes('-----BEGIN') ? cert : Buffer.from(cert, 'base64'));
    spki = parsed.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    if (spkiCache.size >= 256) spkiCache.clear();
    spkiCache.set(cert, spki);
  }
  return spki;
}

/**
 * Verifies the detached JWS of `X-DVC-Signature` over the JSON body (RFC 8785 form): valid
 * signature, certificate path to the trust anchors, not revoked; the signer's certificate must
 * not name another agency than `callerAgency` (the access token's, DVC-SIG-005); and the signer
 * must be the calling system (its registered certificate's key) when it registered one.
 */
export async function verifyRequestSignature(jws: string | undefined, body: unknown, system: RegisteredSystem | undefined, trust: SignatureTrust, at: Date, callerAgency?: string): Promise<void> {
  if (!jws) {
    throw new HttpProblem(PROBLEM.signatureInvalid, 'The X-DVC-Signature header is required on this operation.', {
      errors: [pointerError('#/header/X-DVC-Signature', 'required', 'a detached JWS of the body is required', 'Thiếu chữ ký số của thông điệp')],
    });
  }
  const options = trust.revocation ? { trustAnchors: trust.trustAnchors, revocation: trust.revocation, at } : { trustAnchors: trust.trustAnchors, at };
  const report = await verifyMessage(jws, body, options);
  if (report.indication !== 'TOTAL_PASSED') {
    const why = report.messages.filter((m) => m.severity === 'error').map((m) => m.en).join('; ');
    throw new HttpProblem(PROBLEM.signatureInvalid, `X-DVC-Signature is not valid: ${report.subIndication ?? report.indication}${why ? ` (${why})` : ''}.`, {
      errors: [pointerError('#/header/X-DVC-Signature', report.subIndication ?? 'invalid', `signature check failed: ${report.subIndication ?? report.indication}`, 'Chữ ký số không hợp lệ')],
    });
  }
  // Before the key check: "signed by another agency" says more than "not your certificate".
  if (callerAgency !== undefined) assertSignerAgency(report.signer, callerAgency);
  if (system?.certificatePem) {
    const header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8')) as { x5c: string[] };
    const signer = spkiOf(header.x5c[0]!);
    if (signer !== spkiOf(system.certificatePem)) {
      throw new HttpProblem(PROBLEM.signatureInvalid, `The message is signed by ${report.signer?.commonName ?? 'another key'}, not by the certificate registered for ${system.clientId}.`);
    }
  }
}
