import { X509Certificate } from 'node:crypto';
import { createTestPki, type TestPki } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';
import { MockPortalError } from './errors.js';
import { PortalStore } from './store.js';
import { registerSystem, type SystemRegistration } from './systems.js';

describe('registerSystem', () => {
  let pki: TestPki;
  const store = new PortalStore();
  const ctx = () => ({ store, pki, clock: systemClock, tokenEndpoint: 'http://portal.test/oauth2/token' });
  beforeAll(async () => {
    pki = await createTestPki({ serve: false });
  });
  afterAll(() => pki.close());

  it('issues a government-CA certificate and secrets when the system brings no key', async () => {
    const creds = await registerSystem({ agencyCode: '000.00.00.H56', clientId: 'h56-reg' }, ctx());
    expect(creds).toMatchObject({ clientId: 'h56-reg', agencyCode: '000.00.00.H56', dvcqgUsername: 'h56-reg', tokenEndpoint: 'http://portal.test/oauth2/token' });
    expect(creds.clientSecret.length).toBeGreaterThanOrEqual(20);
    const leaf = new X509Certificate(creds.certificatePem!);
    expect(leaf.checkIssued(new X509Certificate(pki.governmentCa.certificatePem))).toBe(true);
    expect(store.systems.get('h56-reg')?.scopes).toContain('dossiers.write');
  });

  it('refuses bad input and duplicates with typed errors', async () => {
    const bad: [SystemRegistration, string][] = [
      [{ agencyCode: 'H56' }, 'MOCK_SYSTEM_INVALID'],
      [{ agencyCode: '000.00.00.H56', clientId: 'has space' }, 'MOCK_SYSTEM_INVALID'],
      [{ agencyCode: '000.00.00.H56', callbackBaseUrl: 'ftp://x' }, 'MOCK_SYSTEM_INVALID'],
      [{ agencyCode: '000.00.00.H56', certificatePem: 'not a certificate' }, 'MOCK_SYSTEM_INVALID'],
      [{ agencyCode: '000.00.00.H56', scopes: ['everything'] }, 'MOCK_SYSTEM_INVALID'],
      [{ agencyCode: '000.00.00.H56', clientId: 'h56-reg' }, 'MOCK_SYSTEM_EXISTS'],
    ];
    for (const [input, code] of bad) {
      const error = await registerSystem({ issueCertificate: false, ...input }, ctx()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MockPortalError);
      expect((error as MockPortalError).code).toBe(code);
    }
  });
});
