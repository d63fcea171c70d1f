import { createTestPki, signMessage, type TestParty, type TestPki } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProblem } from './errors.js';
import { MessageSigner } from './message-signature.js';
import { mutantNamed, noMutant, type Mutant } from './mutants.js';

let pki: TestPki;
let portal: TestParty;
let byOrganization: TestParty;
let byUid: TestParty;
const body = { MaHoSoQuocGia: 'G22.99-251124-ABCDEFGHIJ', ChuHoSo: 'Nguyễn Văn An' };

beforeAll(async () => {
  pki = await createTestPki({ serve: false });
  portal = await pki.issueEndEntity({ subject: { commonName: 'Cổng Dịch vụ công quốc gia', organization: 'Văn phòng Chính phủ', country: 'VN' }, issuer: 'governmentCa' });
  // Agency system certificates from the same trusted CA: the code in O, or in the UID MDDCQ:<code>.
  byOrganization = await pki.issueEndEntity({ subject: { commonName: 'Một cửa H29', organization: '000.00.00.H29', country: 'VN' }, issuer: 'governmentCa' });
  byUid = await pki.issueEndEntity({ subject: { commonName: 'Một cửa H29', organization: 'UBND tỉnh', agencyCode: '000.00.00.H29', country: 'VN' }, issuer: 'governmentCa' });
}, 60_000);

afterAll(() => pki?.close());

const verifier = (mutant: Mutant = noMutant) =>
  new MessageSigner({ privateKeyPem: portal.privateKeyPem, certificates: portal.chainPem, trustAnchors: pki.trustAnchors, revocation: 'off', mutant });
const signedBy = (party: TestParty) => signMessage(body, { privateKey: party.privateKey, certificates: party.chainPem });

describe('MessageSigner.verifyRequest (DVC-SIG-005)', () => {
  it("accepts the portal's signature", async () => {
    await expect(verifier().verifyRequest(await signedBy(portal), body)).resolves.toBeUndefined();
  });

  it("refuses a valid signature made with an agency system's certificate, whether the code is in O or in the UID", async () => {
    for (const party of [byOrganization, byUid]) {
      const refused = await verifier().verifyRequest(await signedBy(party), body).then(() => undefined, (e: unknown) => e);
      expect(refused).toBeInstanceOf(HttpProblem);
      expect((refused as HttpProblem).status).toBe(403);
      expect((refused as HttpProblem).message).toMatch(/agency 000\.00\.00\.H29/);
    }
  });

  it('lets it through with the signer-agency-unchecked mutant', async () => {
    await expect(verifier(mutantNamed('signer-agency-unchecked')).verifyRequest(await signedBy(byOrganization), body)).resolves.toBeUndefined();
  });
});
