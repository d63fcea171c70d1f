import { describe, expect, it } from 'vitest';
import { BAD_SIGNATURES } from './bad-signatures.js';
import { operationSignatureChecks, signedOperations, withoutSetup } from './operation-signatures.js';

describe('per-operation signature checks', () => {
  it('cover every signed operation of agency-system.yaml but receiveDossier, with every bad signature', () => {
    const signed = signedOperations().map((op) => op.operationId);
    expect(signed).toEqual(expect.arrayContaining(['receiveDossier', 'submitSupplement', 'withdrawDossier', 'notifyPayment']));
    // A signed operation added to the document without a way to make its request acceptable would go unchecked.
    expect(withoutSetup()).toEqual([]);
    const ids = operationSignatureChecks().map((c) => c.id);
    expect(ids).toHaveLength((signed.length - 1) * BAD_SIGNATURES.length);
    expect(ids).toContain('contract.notify-payment.signature.hs256');
    expect(new Set(ids).size).toBe(ids.length);
  });
});
