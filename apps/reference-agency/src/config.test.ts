import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki } from '@dvc-kit/signature';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const dir = mkdtempSync(join(tmpdir(), 'ra-config-'));
writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');
writeFileSync(join(dir, 'chain.pem'), CERT + CERT);
writeFileSync(join(dir, 'anchors.pem'), CERT);
const base = {
  DVC_PORTAL_URL: 'http://127.0.0.1:4010/',
  DVC_CLIENT_ID: 'thanhhoa-motcua',
  DVC_AGENCY_CODE: '000.00.00.H56',
  DVC_CLIENT_KEY_FILE: join(dir, 'key.pem'),
  DVC_CLIENT_CERT_FILE: join(dir, 'chain.pem'),
  DVC_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
};

function failure(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('loadConfig accepted it');
}

describe('loadConfig', () => {
  it('reads the onboarding contract with its defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({ portalUrl: 'http://127.0.0.1:4010', binding: 'rest', host: '127.0.0.1', port: 4020, publicUrl: 'http://127.0.0.1:4020', stepIntervalMs: 60000, revocationMode: 'soft-fail' });
    expect(c.clientCertificates).toHaveLength(2);
    expect(c.mutant.name).toBeUndefined();
  });

  it('names the variable that is missing or malformed', () => {
    expect(failure({ ...base, DVC_CLIENT_ID: undefined }).variable).toBe('DVC_CLIENT_ID');
    expect(failure({ ...base, DVC_AGENCY_CODE: 'H56' }).variable).toBe('DVC_AGENCY_CODE');
    expect(failure({ ...base, DVC_BINDING: 'soap' }).variable).toBe('DVC_BINDING');
    expect(failure({ ...base, DVC_BINDING: 'dvcqg' }).variable).toBe('DVC_DVCQG_USERNAME');
    expect(failure({ ...base, PORT: 'eighty' }).variable).toBe('PORT');
    expect(failure({ ...base, DVC_PORTAL_URL: 'ftp://x' }).variable).toBe('DVC_PORTAL_URL');
    expect(failure({ ...base, DVC_CLIENT_KEY_FILE: join(dir, 'missing.pem') }).message).toMatch(/cannot read .*ENOENT/);
    expect(failure({ ...base, DVC_TRUST_ANCHORS_FILE: join(dir, 'key.pem') }).variable).toBe('DVC_TRUST_ANCHORS_FILE');
    expect(failure({ ...base, DVC_CLIENT_KEY_FILE: join(dir, 'chain.pem') }).message).toMatch(/no PEM private key/);
    expect(failure({ ...base, DVC_MUTANT: 'x' }).code).toBe('AGENCY_CONFIG_INVALID');
  });

  it('needs both DVC_TLS_CERT_FILE and DVC_TLS_KEY_FILE, a key that matches, and reads DVC_PORTAL_CA_FILE', async () => {
    const pki = await createTestPki();
    try {
      const a = await pki.issueEndEntity({ subject: { commonName: 'a.example.vn' }, subjectAltNames: { dns: ['a.example.vn'] } });
      const b = await pki.issueEndEntity({ subject: { commonName: 'b.example.vn' }, subjectAltNames: { dns: ['b.example.vn'] } });
      writeFileSync(join(dir, 'tls.pem'), a.chainPem.join('\n'));
      writeFileSync(join(dir, 'tls.key'), a.privateKeyPem);
      writeFileSync(join(dir, 'other.key'), b.privateKeyPem);
      writeFileSync(join(dir, 'ca.pem'), pki.trustAnchors.join('\n'));
      const cert = join(dir, 'tls.pem');
      expect(failure({ ...base, DVC_TLS_CERT_FILE: cert }).message).toMatch(/^DVC_TLS_KEY_FILE: is required when DVC_TLS_CERT_FILE is set/);
      expect(failure({ ...base, DVC_TLS_KEY_FILE: join(dir, 'tls.key') }).variable).toBe('DVC_TLS_CERT_FILE');
      expect(failure({ ...base, DVC_TLS_CERT_FILE: cert, DVC_TLS_KEY_FILE: join(dir, 'other.key') }).message).toMatch(/cannot be used with the certificate/);
      const c = loadConfig({ ...base, DVC_TLS_CERT_FILE: cert, DVC_TLS_KEY_FILE: join(dir, 'tls.key'), DVC_PORTAL_CA_FILE: join(dir, 'ca.pem') });
      expect(c.publicUrl).toBe('https://127.0.0.1:4020');
      expect(c.portalCaPem).toHaveLength(pki.trustAnchors.length);
      expect(failure({ ...base, DVC_PORTAL_CA_FILE: join(dir, 'tls.key') }).variable).toBe('DVC_PORTAL_CA_FILE');
    } finally {
      await pki.close();
    }
  });
});
