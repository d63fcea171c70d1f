import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceAgency, type ReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { FakePortal } from './support/fake-portal.js';

let portal: FakePortal;
let agency: ReferenceAgency;

beforeAll(async () => {
  portal = await FakePortal.start();
  const server = await portal.pki.issueEndEntity({ subject: { commonName: '127.0.0.1', organization: 'UBND tỉnh Thanh Hóa' }, issuer: 'governmentCa' });
  const dir = mkdtempSync(join(tmpdir(), 'ra-tls-'));
  writeFileSync(join(dir, 'tls.pem'), server.chainPem.join('\n'));
  writeFileSync(join(dir, 'tls.key'), server.privateKeyPem);
  agency = await startReferenceAgency(loadConfig(portal.agencyEnv({ DVC_TLS_CERT_FILE: join(dir, 'tls.pem'), DVC_TLS_KEY_FILE: join(dir, 'tls.key') })));
}, 120_000);

afterAll(async () => {
  await agency?.close();
  await portal?.close();
});

function get(path: string, tls: { maxVersion?: 'TLSv1.1' | 'TLSv1.3' } = {}): Promise<{ status: number; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${agency.url}${path}`, { ca: portal.pki.trustAnchors, checkServerIdentity: () => undefined, ...(tls.maxVersion ? { maxVersion: tls.maxVersion, minVersion: 'TLSv1' } : {}) }, (res) => {
      const protocol = (res.socket as import('node:tls').TLSSocket).getProtocol() ?? '';
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, protocol }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS', () => {
  it('serves over TLS 1.2 or later with the configured certificate, and refuses TLS 1.1', async () => {
    expect(agency.url).toMatch(/^https:\/\//);
    const ok = await get('/health');
    expect(ok.status).toBe(200);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(ok.protocol);
    await expect(get('/health', { maxVersion: 'TLSv1.1' })).rejects.toThrow();
  });
});
