import { clientCredentials, dvcqgSession } from '@dvc-kit/auth';
import { createNationalPortalClient } from '@dvc-kit/client';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockPortal, MockPortalDispatcher, type MockPortalCore } from '../src/index.js';
import { DOSSIER, register, step, type Credentials, type Send } from './scenario.js';

const BASE = 'http://dichvucong.mock.test';

describe('@dvc-kit/client pointed at the mock through the undici Dispatcher (no network)', () => {
  let core: MockPortalCore;
  let dispatcher: MockPortalDispatcher;
  let creds: Credentials;
  beforeAll(async () => {
    ({ core } = await createMockPortal({ seed: 31, baseUrl: BASE }));
    dispatcher = new MockPortalDispatcher((req) => core.handle(req));
    const send: Send = async (method, url, init = {}) => {
      const r = await request(url, { method: method as 'POST', headers: init.headers, body: init.body, dispatcher });
      return { status: r.statusCode, headers: {}, text: await r.body.text() };
    };
    creds = await register(send, BASE, { clientId: 'h56-client', agencyCode: '000.00.00.H56', dvcqgUsername: 'h56-client', dvcqgPassword: 'client-password' });
  });
  afterAll(() => core.close());

  it('syncs a dossier over rest (private_key_jwt, signed) and reads it back over dvcqg', async () => {
    const rest = createNationalPortalClient({
      baseUrl: BASE,
      dispatcher,
      auth: clientCredentials({ issuer: BASE, clientId: creds.clientId, privateKey: creds.privateKeyPem, dispatcher }),
      signer: { privateKey: creds.privateKeyPem, certificates: creds.chainPem },
      retries: 0,
    });
    const created = await rest.dossiers.upsert(DOSSIER);
    expect(created.version).toBe(1);
    const after = await rest.dossiers.appendEvents(DOSSIER.MaHoSo, [step('4', 'Thụ lý', '20231027093000')]);
    expect(after.dossier.TrangThaiHoSo).toBe('4');
    const procedures: string[] = [];
    for await (const p of rest.procedures.list({ limit: 25 })) procedures.push(p.MaTTHC);
    expect(procedures.length).toBe(core.catalogue.procedures.length);

    const envelope = createNationalPortalClient({
      baseUrl: BASE,
      binding: 'dvcqg',
      dispatcher,
      auth: dvcqgSession({ loginUrl: `${BASE}/dvcqg/login`, username: 'h56-client', password: 'client-password', dispatcher }),
      dvcqg: { agencyCode: '000.00.00.H56' },
      retries: 0,
    });
    const read = await envelope.dossiers.get(DOSSIER.MaHoSo);
    expect(read.dossier).toEqual(after.dossier);
    expect(read.history).toEqual(after.history);
  });
});
