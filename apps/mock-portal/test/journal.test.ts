import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { getJson, send } from './helpers.js';
import { DOSSIER, register, signedJson, token } from './scenario.js';

describe('request journal', () => {
  let portal: MockPortal;
  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 8 });
    const creds = await register(send, portal.url, { clientId: 'h56-journal', agencyCode: '000.00.00.H56' });
    const access = await token(send, portal.url, creds);
    const put = await signedJson(creds, DOSSIER);
    await send('PUT', `${portal.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', 'x-dvc-signature': put.signature, 'x-request-id': 'journal-put-1' }, body: put.body });
    await send('GET', `${portal.url}/v1/procedures?limit=0`, { headers: { authorization: `Bearer ${access}` } });
  });
  afterAll(() => portal.close());

  it('records each request with its verdict, queryable over the admin API', async () => {
    const all = await getJson(`${portal.url}/__admin/journal?clientId=h56-journal`);
    const put = all.body.items.find((e: { requestId: string }) => e.requestId === 'journal-put-1');
    expect(put).toMatchObject({ operationId: 'upsertDossier', status: 201, valid: true, method: 'PUT' });
    const invalid = await getJson(`${portal.url}/__admin/journal?invalid=true`);
    expect(invalid.body.items).toHaveLength(1);
    expect(invalid.body.items[0]).toMatchObject({ operationId: 'listProcedures', status: 400, valid: false, errors: [{ pointer: '#/query/limit', code: 'TOO_SMALL' }] });
  });

  it('redacts secrets and personal data, also in the HAR export', async () => {
    const har = await getJson(`${portal.url}/__admin/journal.har`);
    const text = JSON.stringify(har.body);
    expect(har.body.log.version).toBe('1.2');
    const put = har.body.log.entries.find((e: { _operationId: string }) => e._operationId === 'upsertDossier');
    expect(put.request.headers).toEqual(expect.arrayContaining([{ name: 'authorization', value: 'Bearer [redacted]' }]));
    expect(JSON.parse(put.request.postData.text).ChuHoSo).toBe('Lê ************ng');
    expect(text).not.toContain('038190004521');
    expect(text).not.toContain('client_assertion=ey');
    const tokenEntry = har.body.log.entries.find((e: { _operationId: string }) => e._operationId === 'requestToken');
    expect(JSON.parse(tokenEntry.response.content.text).access_token).toBe('[redacted]');
  });
});

describe('response verdicts', () => {
  it('checks the portal’s own answers against the document', async () => {
    const portal = await startMockPortal({ port: 0, seed: 8 });
    try {
      const creds = await register(send, portal.url, { clientId: 'h56-answers', agencyCode: '000.00.00.H56' });
      const access = await token(send, portal.url, creds);
      for (const path of ['/v1/procedures?limit=3', '/v1/procedures/1.001612', '/v1/agencies?limit=5', '/v1/reference/provinces?asOf=2025-07-01', '/v1/reference/ministries', '/v1/feedback', '/v1/dossiers/000.00.06.H56-231027-0999']) {
        await send('GET', `${portal.url}${path}`, { headers: { authorization: `Bearer ${access}` } });
      }
      await send('GET', `${portal.url}/.well-known/openid-configuration`);
      const views = (await getJson(`${portal.url}/__admin/journal`)).body.items as { operationId: string; status: number; responseValid: boolean | null; responseErrors: unknown[] }[];
      const checked = views.filter((v) => v.responseValid !== null);
      expect(checked.length).toBeGreaterThanOrEqual(8);
      expect(checked.filter((v) => !v.responseValid).map((v) => [v.operationId, v.status, v.responseErrors])).toEqual([]);
    } finally {
      await portal.close();
    }
  });
});
