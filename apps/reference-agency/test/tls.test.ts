import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceAgency, type ReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakePortal } from './support/fake-portal.js';
import { call, submission, waitFor } from './support/http.js';

let portal: FakePortal;

beforeAll(async () => {
  portal = await FakePortal.start({ https: true });
}, 120_000);

afterAll(async () => {
  await portal?.close();
});

/** The agency's HTTPS certificate files, for 127.0.0.1, from the test PKI. */
async function serverCertificateFiles(): Promise<{ DVC_TLS_CERT_FILE: string; DVC_TLS_KEY_FILE: string }> {
  const server = await portal.pki.issueEndEntity({ subject: { commonName: '127.0.0.1', organization: 'UBND tỉnh Thanh Hóa' }, issuer: 'governmentCa', subjectAltNames: { ip: ['127.0.0.1'] } });
  const dir = mkdtempSync(join(tmpdir(), 'ra-tls-'));
  writeFileSync(join(dir, 'tls.pem'), server.chainPem.join('\n'));
  writeFileSync(join(dir, 'tls.key'), server.privateKeyPem);
  return { DVC_TLS_CERT_FILE: join(dir, 'tls.pem'), DVC_TLS_KEY_FILE: join(dir, 'tls.key') };
}

/** GET over TLS with the host name verified against the test PKI; `old`: a client that offers only TLS 1.0/1.1. */
function tlsGet(url: string, ca: string[], old = false): Promise<{ status: number; protocol: string }> {
  return new Promise((resolve, reject) => {
    const options = { ca, ...(old ? { minVersion: 'TLSv1' as const, maxVersion: 'TLSv1.1' as const, ciphers: 'DEFAULT@SECLEVEL=0' } : {}) };
    const req = request(url, options, (res) => {
      const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, protocol }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS (DVC-TLS-001)', () => {
  let agency: ReferenceAgency;
  beforeAll(async () => {
    agency = await startReferenceAgency(loadConfig(portal.agencyEnv(await serverCertificateFiles())));
  }, 60_000);
  afterAll(async () => {
    await agency?.close();
  });

  it('serves over TLS 1.2 or later with the configured certificate, refuses TLS 1.1, and has no plain-HTTP listener', async () => {
    expect(agency.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const ok = await tlsGet(`${agency.url}/health`, portal.pki.trustAnchors);
    expect(ok.status).toBe(200);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(ok.protocol);
    await expect(tlsGet(`${agency.url}/health`, portal.pki.trustAnchors, true)).rejects.toThrow();
    await expect(fetch(`${agency.url.replace('https:', 'http:')}/health`)).rejects.toThrow();
  });

  it('marks the session cookie Secure when the public URL is https', () => {
    expect(agency.services.signOn.setCookie('v')).toMatch(/; Secure$/);
  });
});

describe('the portal over HTTPS (DVC-TLS-002)', () => {
  it('pushes to the portal trusting DVC_PORTAL_CA_FILE; refuses a certificate for another host name (nothing reaches the portal) and delivers once the right one is served', async () => {
    const agency = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_STEP_INTERVAL_MS: '3600000' })), { sync: { baseBackoffMs: 20, maxBackoffMs: 200 } });
    try {
      const token = await portal.token({ scope: 'agency.dossiers.write' });
      const first = await call(portal, agency.url, 'POST', '/v1/dossiers', { token, body: submission({ MaCoQuanThucHien: '000.00.41.H56' }), sign: true });
      expect(first.status).toBe(201);
      await waitFor(() => portal.statuses(first.body.MaHoSo).includes('2'), 'the first push over TLS');

      await portal.serveCertificateFor({ dns: ['dichvucong.example.vn'] });
      const second = await call(portal, agency.url, 'POST', '/v1/dossiers', { token, body: submission({ MaCoQuanThucHien: '000.00.41.H56' }), sign: true });
      expect(second.status).toBe(201);
      const code: string = second.body.MaHoSo;
      const refused = await waitFor(() => agency.services.outbox.entries(code).find((e) => e.attempts >= 2), 'two refused attempts');
      expect(refused.state).toBe('pending');
      expect(refused.lastError).toMatch(/altname|certificate|host/i);
      expect(portal.calls.some((c) => c.path.includes(code))).toBe(false);

      await portal.serveCertificateFor({ ip: ['127.0.0.1'] });
      await waitFor(() => portal.statuses(code).includes('2'), 'the queued push delivered');
      // The portal has it before the system has read the answer: wait for the outbox to settle.
      await waitFor(() => agency.services.outbox.entries(code).every((e) => e.state === 'delivered'), 'the outbox entry marked delivered');
    } finally {
      await agency.close();
    }
  });
});
