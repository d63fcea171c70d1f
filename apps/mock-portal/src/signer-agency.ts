import type { SignerIdentity } from '@dvc-kit/signature';
import { parseAgencyCode } from '@dvc-kit/validators';
import { HttpProblem, PROBLEM, pointerError } from './problem.js';

/**
 * The agency identifier code a signer's certificate names: its UID "MDDCQ:…" (dvc-kit's
 * convention, read by the signature package), else its O when that is an agency code (how the
 * portal issues system certificates: `organization: <agencyCode>`, see systems.ts).
 */
export function signerAgencyCode(signer: SignerIdentity | undefined): string | undefined {
  if (signer?.agencyCode) return signer.agencyCode;
  const o = signer?.organization?.trim();
  return o && parseAgencyCode(o).ok ? o : undefined;
}

/**
 * DVC-SIG-005: a message whose signer's certificate names another agency than the caller's
 * (from its access token) is refused like an invalid signature. A certificate that names no
 * agency code is left to the other checks (the registered certificate's key, the trust anchors).
 *
 * Not `verifyMessage`'s `expectedSigner`: it reads only the UID and refuses a certificate
 * without one, and the portal's own system certificates carry the code in O.
 */
export function assertSignerAgency(signer: SignerIdentity | undefined, callerAgency: string): void {
  const named = signerAgencyCode(signer);
  if (named === undefined || named === callerAgency) return;
  const who = signer?.commonName ?? signer?.dn ?? 'the signer';
  throw new HttpProblem(PROBLEM.signatureInvalid, `The message is signed by ${who} of agency ${named}, another agency than the caller's ${callerAgency}.`, {
    errors: [
      pointerError(
        '#/header/X-DVC-Signature',
        'SIGNER_OTHER_AGENCY',
        `the signer's certificate belongs to agency ${named}, not to ${callerAgency}`,
        `Chứng thư của người ký thuộc cơ quan ${named}, không phải cơ quan ${callerAgency} gửi thông điệp`,
      ),
    ],
  });
}
