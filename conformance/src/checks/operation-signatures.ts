import { listOperations, type OperationInfo } from '@dvc-kit/spec';
import { BAD_SIGNATURES, type BadSignature } from './bad-signatures.js';
import { ACCEPTABLE, type Acceptable } from './acceptable-requests.js';
import { kebab, resolve } from './operation-support.js';
import { asPortal, check, isProblem, type Check, type Ctx } from './support.js';

/*
 * DVC-SIG-004 on every signed write of agency-system.yaml, not only receiveDossier (whose
 * signatures.* checks exist): `contract.<operation-id>.signature.<what is wrong>`. Each check
 * first brings a dossier to the state where the request would succeed, so that a refusal can
 * only be the signature's; then the same request signed by the portal must be accepted:
 * nothing of the refused one was applied.
 */

/** The operations whose requests carry X-DVC-Signature (the document's own header parameter). */
export function signedOperations(): OperationInfo[] {
  return listOperations('agency-system').filter((op) =>
    ((op.operation.parameters as unknown[] | undefined) ?? []).some((p) => {
      const param = resolve<{ in?: string; name?: string }>(p as never);
      return param?.in === 'header' && param.name?.toLowerCase() === 'x-dvc-signature';
    }),
  );
}

function badSignatureCheck(op: OperationInfo, bad: BadSignature, acceptable: (ctx: Ctx) => Promise<Acceptable>): Check {
  return check({
    id: `contract.${kebab(op.operationId)}.signature.${bad.slug}`,
    title: `${op.operationId} with ${bad.what} is refused with problem+json, and nothing of it is applied`,
    area: 'signatures',
    requirements: bad.requirements,
    // It waits on the system's pushes (the dossier reaching the right state): started early, before a 429's pause.
    expectedMs: 600,
    // A payment waits for the online payment (full online level).
    ...(op.operationId === 'notifyPayment' ? { online: ['full' as const] } : {}),
    run: async (ctx: Ctx) => {
      const request = await acceptable(ctx);
      const send = (signature: string | null | undefined, label: string) =>
        asPortal(ctx, { method: op.method.toUpperCase(), path: request.path, body: request.body, signature, ...(request.scope ? { scope: request.scope } : {}), label });
      const refused = await send(await bad.make(ctx, request.body), `${op.operationId} with ${bad.what}`);
      ctx.verify(refused.status >= 400 && refused.status < 500 && isProblem(refused), { message: `${op.operationId} with ${bad.what} is refused with problem+json`, expected: '4xx application/problem+json', found: `${refused.status} ${refused.headers['content-type'] ?? ''} ${refused.text.slice(0, 160)}`, response: refused });
      if (refused.status < 300) return;
      const signed = await send(undefined, `the same ${op.operationId}, signed by the portal`);
      ctx.verify(signed.status >= 200 && signed.status < 300, { requirements: ['DVC-SIG-004'], message: 'Nothing of the refused request was applied: signed by the portal, the same request is accepted', expected: '2xx', found: `${signed.status} ${signed.text.slice(0, 160)}`, response: signed });
    },
  });
}

/** Every bad signature on every signed operation the suite can make acceptable, receiveDossier aside. */
export function operationSignatureChecks(): Check[] {
  return signedOperations()
    .filter((op) => op.operationId !== 'receiveDossier')
    .flatMap((op) => {
      const acceptable = ACCEPTABLE[op.operationId];
      return acceptable ? BAD_SIGNATURES.map((bad) => badSignatureCheck(op, bad, acceptable)) : [];
    });
}

/** For a test: the signed operations the suite cannot yet make acceptable (they get no check). */
export const withoutSetup = (): string[] => signedOperations().filter((op) => op.operationId !== 'receiveDossier' && !ACCEPTABLE[op.operationId]).map((op) => op.operationId);
