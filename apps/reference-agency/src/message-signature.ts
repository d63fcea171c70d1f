import { signMessage, verifyMessage } from '@dvc-kit/signature';
import type { RevocationMode } from './config.js';
import { problems } from './errors.js';
import type { Mutant } from './mutants.js';

/**
 * Detached JWS message signatures (`X-DVC-Signature`): verifies what the portal sends
 * against the trust anchors, and signs what this system pushes with its own key and chain.
 */
export class MessageSigner {
  readonly #privateKeyPem: string;
  readonly #certificates: string[];
  readonly #trustAnchors: string[];
  readonly #revocation: RevocationMode;
  readonly #mutant: Mutant;

  constructor(options: { privateKeyPem: string; certificates: string[]; trustAnchors: string[]; revocation: RevocationMode; mutant: Mutant }) {
    this.#privateKeyPem = options.privateKeyPem;
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
    const report = await verifyMessage(jws, body, { trustAnchors: this.#trustAnchors, revocation: { mode: this.#revocation } });
    if (report.indication !== 'TOTAL_PASSED') {
      const first = report.messages.find((m) => m.severity === 'error');
      throw problems.signatureInvalid(
        `X-DVC-Signature is not valid (${report.indication}${report.subIndication ? `/${report.subIndication}` : ''})${first ? `: ${first.en}` : ''}`,
      );
    }
  }

  /** The X-DVC-Signature value for a body this system sends, or undefined (events-unsigned mutant). */
  async signBody(body: unknown): Promise<string | undefined> {
    if (this.#mutant.is('events-unsigned')) return undefined;
    const signed = this.#mutant.is('events-badly-signed') ? { tampered: true, body } : body;
    return signMessage(signed, { privateKey: this.#privateKeyPem, certificates: this.#certificates });
  }
}

