import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type TestAuthServer } from '../test/oauth-server.js';
import { createTestPki, type TestPki } from '../test/pki.js';
import { createCitizenSignOn } from './citizen-sign-on.js';
import { clientCredentials } from './client-credentials.js';
import { dvcqgSession } from './dvcqg-session.js';
import { AuthConfigError, DiscoveryError, TokenRequestError } from './errors.js';
import { createMtlsDispatcher } from './transport.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
let pki: TestPki;
let server: TestAuthServer;
const peers: string[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  server = await startAuthServer({
    secure: (handler) =>
      createHttpsServer(
        { cert: pki.server.certPem, key: pki.server.keyPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: true },
        (req, res) => {
          peers.push((req.socket as TLSSocket).getPeerCertificate().subject.CN as string);
          handler(req, res);
        },
      ),
  });
  server.register({ clientId: 'H01.SYS', publicJwk: rsa.publicKey.export({ format: 'jwk' }), clientSecret: 'secret' });
});

afterAll(async () => {
  await server.close();
});

describe('mTLS', () => {
  it('presents the client certificate for discovery and the token request, and hands the dispatcher on', async () => {
    peers.length = 0;
    const provider = clientCredentials({
      issuer: server.issuer,
      clientId: 'H01.SYS',
      privateKey: rsa.privateKey,
      tls: { cert: pki.client.certPem, key: pki.client.keyPem, ca: pki.caPem },
    });
    const credential = await provider.getCredential();
    expect(credential.type).toBe('bearer');
    expect(peers).toEqual(['H01.SYS', 'H01.SYS']); // discovery + token

    // The API calls reuse the same transport, so they present the same certificate.
    expect(provider.dispatcher).toBeDefined();
    const response = await request(`${server.issuer}/api/echo`, {
      dispatcher: provider.dispatcher,
      headers: { authorization: `Bearer ${credential.type === 'bearer' ? credential.token : ''}` },
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(peers).toHaveLength(3);
  });

  it('accepts a ready-made mTLS dispatcher', async () => {
    const dispatcher = createMtlsDispatcher({ cert: pki.client.certPem, key: pki.client.keyPem, ca: pki.caPem });
    const provider = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'H01.SYS', clientSecret: 'secret', dispatcher });
    await expect(provider.getCredential()).resolves.toMatchObject({ type: 'bearer' });
    expect(provider.dispatcher).toBe(dispatcher);
  });

  it('fails with a typed error when the server refuses the connection for lack of a client certificate', async () => {
    const noClientCert = new Agent({ connect: { ca: pki.caPem } });
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsa.privateKey, dispatcher: noClientCert });
    await expect(provider.getCredential()).rejects.toBeInstanceOf(DiscoveryError);

    const direct = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'H01.SYS', clientSecret: 'secret', dispatcher: noClientCert });
    await expect(direct.getCredential()).rejects.toBeInstanceOf(TokenRequestError);
  });

  it('fails when the client certificate comes from a CA the server does not trust', async () => {
    const provider = clientCredentials({
      tokenEndpoint: server.tokenEndpoint,
      clientId: 'H01.SYS',
      clientSecret: 'secret',
      tls: { cert: pki.stranger.certPem, key: pki.stranger.keyPem, ca: pki.caPem },
    });
    await expect(provider.getCredential()).rejects.toMatchObject({ code: 'AUTH_TOKEN_REQUEST_FAILED', status: undefined });
  });

  it('passes tls through to the dvcqg login too', async () => {
    const provider = dvcqgSession({
      loginUrl: `${server.issuer}/dvcqg/login`,
      username: 'u',
      password: 'p',
      tls: { cert: pki.client.certPem, key: pki.client.keyPem, ca: pki.caPem },
    });
    // The test server has no dvcqg login: a 404 proves the TLS handshake with the client certificate succeeded.
    await expect(provider.getCredential()).rejects.toMatchObject({ code: 'AUTH_SESSION_LOGIN_FAILED', status: 404 });
  });

  it('runs citizen sign-on over mTLS: discovery, code exchange, JWKS and userinfo through the same Agent', async () => {
    const redirectUri = 'https://dichvucong.h01.gov.vn/auth/callback';
    server.register({ clientId: 'H01.PORTAL', clientSecret: 'portal-secret', redirectUris: [redirectUri] });
    server.userInfo = { SoDinhDanh: '001203004567', HoVaTen: 'Trần Thị Bình' };
    const tls = { cert: pki.client.certPem, key: pki.client.keyPem, ca: pki.caPem };
    const signOn = createCitizenSignOn({ issuer: server.issuer, clientId: 'H01.PORTAL', clientSecret: 'portal-secret', redirectUri, tls });
    peers.length = 0;
    const { url, ...pending } = await signOn.authorizationUrl();
    const browser = await request(url, { dispatcher: createMtlsDispatcher(tls) });
    await browser.body.dump();
    const { profile } = await signOn.handleCallback(browser.headers.location as string, pending);
    expect(profile).toMatchObject({ citizenId: '001203004567', fullName: 'Trần Thị Bình' });
    // discovery, authorize (the browser), token, JWKS, userinfo: every one presented the client certificate
    expect(peers).toEqual(['H01.SYS', 'H01.SYS', 'H01.SYS', 'H01.SYS', 'H01.SYS']);
  });

  it('refuses both tls and dispatcher', () => {
    expect(() =>
      clientCredentials({
        tokenEndpoint: server.tokenEndpoint,
        clientId: 'H01.SYS',
        clientSecret: 'secret',
        dispatcher: new Agent(),
        tls: { cert: pki.client.certPem, key: pki.client.keyPem },
      }),
    ).toThrow(AuthConfigError);
  });
});
