import type { TestPki } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsServer, type TestHttpsServer } from '../../test/https-server.js';
import { UsageError } from '../errors.js';
import { createTransportClient, parseResolveRule } from './transport-client.js';

let server: TestHttpsServer;
let pki: TestPki;
let port: number;

beforeAll(async () => {
  server = await startHttpsServer('dichvucong.thanhhoa.gov.vn', (req, res) => res.end(`host ${req.headers.host}`));
  ({ pki, port } = server);
});
afterAll(() => server?.close());

describe('parseResolveRule', () => {
  it('reads host:port:address as curl does', () => {
    expect(parseResolveRule('DichVuCong.ThanhHoa.gov.vn:443:10.0.0.5')).toEqual({ host: 'dichvucong.thanhhoa.gov.vn', port: 443, address: '10.0.0.5' });
    expect(parseResolveRule('a.example:*:[::1]')).toEqual({ host: 'a.example', port: 0, address: '::1' });
  });

  it('refuses anything else with a usage error', () => {
    for (const bad of ['a.example:443', 'a.example:443:not-an-ip', 'a.example:x:1.2.3.4', '']) expect(() => parseResolveRule(bad)).toThrow(UsageError);
  });
});

describe('createTransportClient', () => {
  it('reaches a public host name on loopback, trusting the run\'s root, with SNI and the Host header of that name', async () => {
    const client = createTransportClient({ ca: pki.trustAnchors, resolve: [{ host: 'dichvucong.thanhhoa.gov.vn', port, address: '127.0.0.1' }] });
    try {
      const res = await client.fetch(`https://dichvucong.thanhhoa.gov.vn:${port}/x`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(`host dichvucong.thanhhoa.gov.vn:${port}`);
      expect(client.resolveAddress('dichvucong.thanhhoa.gov.vn', port)).toBe('127.0.0.1');
      expect(client.resolveAddress('dichvucong.thanhhoa.gov.vn', port + 1)).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('does not trust the run\'s certificates without its root', async () => {
    const client = createTransportClient({ resolve: [{ host: 'dichvucong.thanhhoa.gov.vn', port: 0, address: '127.0.0.1' }] });
    try {
      await expect(client.fetch(`https://dichvucong.thanhhoa.gov.vn:${port}/`)).rejects.toMatchObject({ cause: { code: expect.stringMatching(/UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE/) } });
    } finally {
      await client.close();
    }
  });

  it('still checks the host name: 127.0.0.1 is not a name the certificate carries', async () => {
    const client = createTransportClient({ ca: pki.trustAnchors });
    try {
      await expect(client.fetch(`https://127.0.0.1:${port}/`)).rejects.toMatchObject({ cause: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
    } finally {
      await client.close();
    }
  });
});
