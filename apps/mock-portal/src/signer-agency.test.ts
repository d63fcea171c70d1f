import { randomUUID } from 'node:crypto';
import { signMessage, type TestParty } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../test/helpers.js';
import { DOSSIER, register, token, type Credentials } from '../test/scenario.js';
import { startMockPortal, type MockPortal } from './index.js';
import { PROBLEM } from './problem.js';
import { signerAgencyCode } from './signer-agency.js';

// DVC-SIG-005 over real HTTP: the portal's own government CA issues every certificate here, so
// each one is trusted and validly signs; only the agency it was issued to differs.
describe('the signer must belong to the calling agency (DVC-SIG-005)', () => {
  let portal: MockPortal;
  let withCert: Credentials;
  let tokenWithCert: string;
  let tokenKeyless: string;
  let otherAgency: TestParty;
  let ownAgency: TestParty;
  let otherAgencyUid: TestParty;
  const H56 = '000.00.00.H56';
  const H22 = '000.00.00.H22';

  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 5 });
    withCert = await register(send, portal.url, { clientId: 'h56-cert', agencyCode: H56 });
    tokenWithCert = await token(send, portal.url, withCert, 'dossiers.write dossiers.read');
    // A system that registered no certificate (client_secret_basic): only the agency check binds its signer.
    await register(send, portal.url, { clientId: 'h56-keyless', agencyCode: H56, clientSecret: 'h56-keyless-secret', issueCertificate: false });
    const basic = Buffer.from('h56-keyless:h56-keyless-secret').toString('base64');
    const t = await send('POST', `${portal.url}/oauth2/token`, { headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=dossiers.write%20dossiers.read' });
    expect(t.status, t.text).toBe(200);
    tokenKeyless = (JSON.parse(t.text) as { access_token: string }).access_token;
    const pki = portal.core.pki;
    otherAgency = await pki.issueEndEntity({ subject: { commonName: 'Hệ thống một cửa Hà Nam', organization: H22, country: 'VN' }, issuer: 'governmentCa' });
    ownAgency = await pki.issueEndEntity({ subject: { commonName: 'Hệ thống một cửa Thanh Hóa', organization: H56, country: 'VN' }, issuer: 'governmentCa' });
    otherAgencyUid = await pki.issueEndEntity({ subject: { commonName: 'Sở Nội vụ Hà Nam', agencyCode: H22, country: 'VN' }, issuer: 'governmentCa' });
  });
  afterAll(() => portal.close());

  const dossier = (n: string) => ({ ...DOSSIER, MaHoSo: `000.00.06.H56-231027-${n}` });
  const sign = (body: unknown, party: { privateKeyPem?: string; chainPem?: string[] }) => signMessage(body, { privateKey: party.privateKeyPem!, certificates: party.chainPem! });
  const put = (body: { MaHoSo: string }, accessToken: string, signature: string, key = randomUUID()) =>
    send('PUT', `${portal.url}/v1/dossiers/${body.MaHoSo}`, {
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', 'idempotency-key': key, 'x-dvc-signature': signature },
      body: JSON.stringify(body),
    });

  function expectOtherAgencyRefusal(r: { status: number; headers: Record<string, string>; text: string }, agency: string) {
    expect(r.status, r.text).toBe(403);
    expect(r.headers['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(r.text) as { type: string; detail: string; errors: { code: string; message: { vi: string; en: string } }[] };
    expect(problem.type).toBe(PROBLEM.signatureInvalid);
    expect(problem.detail).toContain(`of agency ${agency}, another agency than the caller's ${H56}`);
    expect(problem.errors[0]).toMatchObject({ code: 'SIGNER_OTHER_AGENCY', message: { vi: expect.stringContaining(`thuộc cơ quan ${agency}`), en: expect.stringContaining(`belongs to agency ${agency}`) } });
  }

  it('accepts a system signing with its own certificate', async () => {
    const body = dossier('0501');
    const r = await put(body, tokenWithCert, await sign(body, withCert));
    expect(r.status, r.text).toBe(201);
  });

  it("refuses another agency's certificate from the same CA, stores nothing, and then accepts the correct signature under the same idempotency key", async () => {
    const body = dossier('0502');
    const key = randomUUID();
    expectOtherAgencyRefusal(await put(body, tokenWithCert, await sign(body, otherAgency), key), H22);
    expect(portal.store.dossiers.get(body.MaHoSo)).toBeUndefined();
    const again = await put(body, tokenWithCert, await sign(body, withCert), key);
    expect(again.status, again.text).toBe(201);
    expect(portal.store.dossiers.get(body.MaHoSo)?.dossier.TrangThaiHoSo).toBe('2');
  });

  it('binds the signer of a system without a registered certificate to its agency (O or UID MDDCQ), also for a batch', async () => {
    const body = dossier('0503');
    expectOtherAgencyRefusal(await put(body, tokenKeyless, await sign(body, otherAgency)), H22);
    expectOtherAgencyRefusal(await put(body, tokenKeyless, await sign(body, otherAgencyUid)), H22);
    const batch = { items: [dossier('0504')] };
    const b = await send('POST', `${portal.url}/v1/dossier-batches`, {
      headers: { authorization: `Bearer ${tokenKeyless}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'x-dvc-signature': await sign(batch, otherAgency) },
      body: JSON.stringify(batch),
    });
    expectOtherAgencyRefusal(b, H22);
    expect(portal.store.dossiers.get(body.MaHoSo)).toBeUndefined();
    expect(portal.store.dossiers.get('000.00.06.H56-231027-0504')).toBeUndefined();
    const own = await put(body, tokenKeyless, await sign(body, ownAgency));
    expect(own.status, own.text).toBe(201);
  });
});

describe('signerAgencyCode', () => {
  it('reads the UID MDDCQ first, then an O that is an agency code, else nothing', () => {
    expect(signerAgencyCode({ dn: 'x', agencyCode: '000.00.06.H56', organization: '000.00.00.H22' } as never)).toBe('000.00.06.H56');
    expect(signerAgencyCode({ dn: 'x', organization: ' 000.00.00.H22 ' } as never)).toBe('000.00.00.H22');
    expect(signerAgencyCode({ dn: 'x', organization: 'UBND tỉnh Thanh Hóa' } as never)).toBeUndefined();
    expect(signerAgencyCode(undefined)).toBeUndefined();
  });
});
