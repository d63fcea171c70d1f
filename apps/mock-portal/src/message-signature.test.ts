import { createTestPki, signMessage, type TestPki } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustFromPki, verifyRequestSignature } from './message-signature.js';
import { HttpProblem } from './problem.js';
import type { RegisteredSystem } from './store.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki({ serve: false });
});
afterAll(() => pki.close());

const system = (certificatePem: string) => ({ clientId: 'sys-a', agencyCode: '000.00.00.H56', name: 'A', redirectUris: [], scopes: [], createdAt: '', certificatePem }) as RegisteredSystem;

describe('verifyRequestSignature', () => {
  it('accepts the registered certificate and refuses another one, also when asked again (the key is remembered per certificate)', async () => {
    const a = await pki.issueEndEntity({ subject: { commonName: 'System A' }, issuer: 'governmentCa' });
    const b = await pki.issueEndEntity({ subject: { commonName: 'System B' }, issuer: 'governmentCa' });
    const body = { MaHoSo: '000.00.00.H56-251123-0001', TrangThaiHoSo: '2' };
    const signedByA = await signMessage(body, { privateKey: a.privateKey, certificates: a.chainPem });
    const trust = trustFromPki(pki);
    for (let i = 0; i < 2; i++) {
      await expect(verifyRequestSignature(signedByA, body, system(a.certificatePem), trust, new Date())).resolves.toBeUndefined();
      const refused = verifyRequestSignature(signedByA, body, system(b.certificatePem), trust, new Date());
      await expect(refused).rejects.toBeInstanceOf(HttpProblem);
      await expect(refused).rejects.toThrow(/not by the certificate registered for sys-a/);
    }
  });
});
