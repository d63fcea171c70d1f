import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpProblem } from './errors.js';
import { noMutant } from './mutants.js';
import { PortalDiscovery } from './portal-discovery.js';
import { PortalTokenVerifier } from './portal-token.js';

let server: Server;
let url = '';
let jwksUp = true;
let keys: Awaited<ReturnType<typeof generateKeyPair>>;

beforeAll(async () => {
  keys = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256' };
  server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks` }));
    } else if (req.url === '/jwks' && jwksUp) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function statusOf(verifier: PortalTokenVerifier, header: string | undefined, scope?: string): Promise<number> {
  try {
    await verifier.verify(header, scope ? { scope } : {});
    return 200;
  } catch (e) {
    return (e as HttpProblem).status;
  }
}

const sign = (claims: Record<string, unknown> = {}) =>
  new SignJWT({ scope: 'agency.dossiers.write', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(url).setAudience('client-1').setExpirationTime('5m').sign(keys.privateKey);

describe('PortalTokenVerifier', () => {
  it('accepts a token of the portal for this client and scope, and nothing else', async () => {
    const v = new PortalTokenVerifier(new PortalDiscovery(url), 'client-1', noMutant);
    expect(await statusOf(v, `Bearer ${await sign()}`, 'agency.dossiers.write')).toBe(200);
    expect(await statusOf(v, `Bearer ${await sign()}`, 'agency.payments.write')).toBe(403);
    expect(await statusOf(v, undefined)).toBe(401);
    expect(await statusOf(v, 'Basic abc')).toBe(401);
    expect(await statusOf(v, 'Bearer not-a-jwt')).toBe(401);
    const unsecured = new UnsecuredJWT({ scope: 'agency.dossiers.write' }).setIssuer(url).setAudience('client-1').setExpirationTime('5m').encode();
    expect(await statusOf(v, `Bearer ${unsecured}`)).toBe(401);
    const hmac = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer(url).setAudience('client-1').setExpirationTime('5m').sign(new Uint8Array(32));
    expect(await statusOf(v, `Bearer ${hmac}`)).toBe(401);
  });

  it('answers 503, not 401, when the portal keys cannot be read', async () => {
    jwksUp = false;
    try {
      const v = new PortalTokenVerifier(new PortalDiscovery(url), 'client-1', noMutant);
      expect(await statusOf(v, `Bearer ${await sign()}`)).toBe(503);
      const down = new PortalTokenVerifier(new PortalDiscovery('http://127.0.0.1:9'), 'client-1', noMutant);
      expect(await statusOf(down, `Bearer ${await sign()}`)).toBe(503);
    } finally {
      jwksUp = true;
    }
  });
});
