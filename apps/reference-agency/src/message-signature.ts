import { createPrivateKey, type KeyObject } from 'node:crypto';
import { RevocationCache, signMessage, verifyMessage, type SignerIdentity } from '@dvc-kit/signature';
import { parseAgencyCode } from '@dvc-kit/validators';
import type { RevocationMode } from './config.js';
import { problems } from './errors.js';
import type { Mutant } from './mutants.js';

/**
 * The agency a signer certificate belongs to, when it is an agency system's certificate (its
 * UID "MDDCQ:<code>", or an organization that is an agency identifier code). What the portal sends is signed by the portal,
 * never by an agency: such a signature is another agency's (DVC-SIG-005).
 */
function agencyOf(signer: SignerIdentity): string | undefined {
  if (signer.agencyCode) return signer.agencyCode;
  const organization = signer.organization?.trim();
  return organization && parseAgencyCode(organization).ok ? organization : undefined;
}

/**
 * Detached JWS message signatures (`X-DVC-Signature`): verifies what the portal sends
 * against the trust anchors, and signs what this system pushes with its own key and chain.
 */
export class MessageSigner {
  /** Parsed once: parsing the PEM on every push cost about a millisecond of CPU each. */
  readonly #privateKey: KeyObject;
  readonly #certificates: string[];
  readonly #trustAnchors: string[];
  readonly #revocation: RevocationMode;
  readonly #mutant: Mutant;
  readonly #cacheMs: number;
  #cache: { made: number; cache: RevocationCache } | undefined;

  constructor(options: { privateKeyPem: string; certificates: string[]; trustAnchors: string[]; revocation: RevocationMode; mutant: Mutant; revocationCacheMs?: number }) {
    this.#cacheMs = options.revocationCacheMs ?? 0;
    this.#privateKey = createPrivateKey(options.privateKeyPem);
    this.#certificates = options.certificates;
    this.#trustAnchors = options.trustAnchors;
    this.#revocation = options.revocation;
    this.#mutant = options.mutant;
  }

  /** Refuses (403 problem) a request whose signature is missing or does not validate. */
  async verifyRequest(header: string | string[] | undefined, body: unknown): Promise<void> {
    if (this.#mutant.is('request-signature-unchecked')) return;
    const jws = Array.isArray(header) ? header[0] : header;
    if (!jws) throw problems.signatureInvalid('The request must be signed: the X-DVC-Signature header is missing.');
    const cache = this.#revocationCache();
    const report = await verifyMessage(jws, body, { trustAnchors: this.#trustAnchors, revocation: { mode: this.#revocation, ...(cache ? { cache } : {}) } });
    if (report.indication !== 'TOTAL_PASSED') {
      const first = report.messages.find((m) => m.severity === 'error');
      throw problems.signatureInvalid(
        `X-DVC-Signature is not valid (${report.indication}${report.subIndication ? `/${report.subIndication}` : ''})${first ? `: ${first.en}` : ''}`,
      );
    }
    const agency = report.signer && !this.#mutant.is('signer-agency-unchecked') ? agencyOf(report.signer) : undefined;
    if (agency) throw problems.signatureInvalid(`X-DVC-Signature is by agency ${agency}'s certificate, not the national portal's (DVC-SIG-005).`);
  }

  /**
   * CRLs and OCSP answers are reused for at most `revocationCacheMs` (a fresh cache after
   * that), so a revocation is seen within that time without fetching on every request.
   */
  #revocationCache(): RevocationCache | undefined {
    if (this.#cacheMs <= 0) return undefined;
    const now = Date.now();
    if (!this.#cache || now - this.#cache.made >= this.#cacheMs) this.#cache = { made: now, cache: new RevocationCache() };
    return this.#cache.cache;
  }

  /** The X-DVC-Signature value for a body this system sends, or undefined (events-unsigned mutant). */
  async signBody(body: unknown): Promise<string | undefined> {
    if (this.#mutant.is('events-unsigned')) return undefined;
    const signed = this.#mutant.is('events-badly-signed') ? { tampered: true, body } : body;
    return signMessage(signed, { privateKey: this.#privateKey, certificates: this.#certificates });
  }
}

