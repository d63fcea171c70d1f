import { generateKeyPairSync } from 'node:crypto';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAuthServer, type TestAuthServer } from '../test/oauth-server.js';
import { basicAuthorization, clientCredentials } from './client-credentials.js';
import type { BearerCredential, Credential, CredentialProvider } from './credential.js';
import { AuthConfigError, DiscoveryError, KeyImportError, TokenRequestError } from './errors.js';
import { withAuthRetry } from './with-auth-retry.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
const rsaPublicJwk = rsa.publicKey.export({ format: 'jwk' });

let server: TestAuthServer;

beforeEach(async () => {
  server = await startAuthServer();
  server.register({ clientId: 'H01.SYS', publicJwk: { ...rsaPublicJwk }, agency: 'H01' });
});

afterEach(async () => {
  vi.useRealTimers();
  await server.close();
});

async function bearer(provider: CredentialProvider): Promise<BearerCredential> {
  const credential = await provider.getCredential();
  if (credential.type !== 'bearer') throw new Error(`expected a bearer credential, got ${credential.type}`);
  return credential;
}

function callResource(credential: Credential) {
  if (credential.type !== 'bearer') throw new Error('bearer expected');
  return request(`${server.issuer}/api/echo`, { headers: { authorization: `Bearer ${credential.token}` } });
}

describe('clientCredentials with private_key_jwt', () => {
  it('finds the token endpoint by discovery and gets a token the resource accepts', async () => {
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem, scope: ['dossier.read', 'dossier.write'] });
    const credential = await bearer(provider);
    expect(credential.scope).toBe('dossier.read dossier.write');
    expect(credential.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    const response = await callResource(credential);
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual({ sub: 'H01.SYS', scope: 'dossier.read dossier.write', agency: 'H01' });
  });

  it('signs ES256 with a JWK (sending its kid) and PS256 with a KeyObject', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecJwk = { ...ec.privateKey.export({ format: 'jwk' }), kid: 'ec-1' };
    server.register({ clientId: 'EC.SYS', publicJwk: { ...ec.publicKey.export({ format: 'jwk' }), alg: 'ES256' } });
    const ecProvider = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'EC.SYS', privateKey: ecJwk });
    expect((await bearer(ecProvider)).token).toMatch(/^ey/);

    server.register({ clientId: 'PS.SYS', publicJwk: { ...rsaPublicJwk, alg: 'PS256' } });
    const psProvider = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'PS.SYS', privateKey: rsa.privateKey, alg: 'PS256' });
    expect((await bearer(psProvider)).token).toMatch(/^ey/);
    expect(server.tokenRequests).toBe(2);
  });

  it('makes one token request for 100 concurrent callers and then serves from the cache', async () => {
    server.tokenDelayMs = 50;
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem });
    const credentials = await Promise.all(Array.from({ length: 100 }, () => bearer(provider)));
    expect(server.tokenRequests).toBe(1);
    expect(new Set(credentials.map((c) => c.token)).size).toBe(1);
    await bearer(provider);
    expect(server.tokenRequests).toBe(1);
  });

  it('renews an expired token once for 100 concurrent callers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    server.expiresIn = 120;
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem });
    const first = await bearer(provider);

    vi.setSystemTime(Date.now() + 50_000); // still outside the 60 s renewal window
    expect((await bearer(provider)).token).toBe(first.token);
    expect(server.tokenRequests).toBe(1);

    vi.setSystemTime(Date.now() + 80_000); // now past expiry
    server.tokenDelayMs = 30;
    const renewed = await Promise.all(Array.from({ length: 100 }, () => bearer(provider)));
    expect(server.tokenRequests).toBe(2);
    expect(new Set(renewed.map((c) => c.token))).toEqual(new Set([renewed[0]?.token]));
    expect(renewed[0]?.token).not.toBe(first.token);
    expect((await callResource(renewed[0] as Credential)).statusCode).toBe(200);
  });

  it('renews a token shortly before expiry (within refreshBeforeExpirySeconds)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    server.expiresIn = 3600;
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem, refreshBeforeExpirySeconds: 300 });
    const first = await bearer(provider);
    vi.setSystemTime(Date.now() + 3_200_000); // 400 s left: still used
    expect((await bearer(provider)).token).toBe(first.token);
    vi.setSystemTime(Date.now() + 200_000); // 200 s left: renewed before it expires
    expect((await bearer(provider)).token).not.toBe(first.token);
    expect(server.tokenRequests).toBe(2);
  });

  it('on a 401 invalidates the token, fetches one new token and retries once', async () => {
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem });
    const first = await bearer(provider);
    server.revoked.add(first.token);

    const response = await withAuthRetry(provider, callResource);
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(server.resourceRequests).toBe(2);
    expect(server.tokenRequests).toBe(2);
  });

  it('100 concurrent calls refused with the same token share one refresh', async () => {
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem });
    server.revoked.add((await bearer(provider)).token);
    server.tokenDelayMs = 20;
    const responses = await Promise.all(Array.from({ length: 100 }, () => withAuthRetry(provider, callResource)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(100).fill(200));
    await Promise.all(responses.map((r) => r.body.dump()));
    expect(server.tokenRequests).toBe(2);
    expect(server.resourceRequests).toBe(200);
  });

  it('retries only once when the new token is refused too, returning the second 401', async () => {
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem });
    server.refuseAllTokens = true;
    const response = await withAuthRetry(provider, callResource);
    expect(response.statusCode).toBe(401);
    await response.body.dump();
    expect(server.resourceRequests).toBe(2);
    expect(server.tokenRequests).toBe(2);
  });

  it('uses a fresh jti per assertion, so renewals are not refused as replays', async () => {
    const provider = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'H01.SYS', privateKey: rsaPem });
    for (let i = 0; i < 3; i++) provider.invalidate(await bearer(provider));
    expect(server.tokenRequests).toBe(3);
    expect(server.rejectedTokenRequests).toEqual([]);
  });

  it('throws AUTH_TOKEN_REQUEST_FAILED with the OAuth error when the client is unknown', async () => {
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'NOT.REGISTERED', privateKey: rsaPem });
    const error = await provider.getCredential().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'AUTH_TOKEN_REQUEST_FAILED', status: 401, oauthError: 'invalid_client', url: server.tokenEndpoint });
  });

  it('throws AUTH_TOKEN_REQUEST_FAILED when the endpoint cannot be reached', async () => {
    const endpoint = server.tokenEndpoint;
    await server.close();
    const provider = clientCredentials({ tokenEndpoint: endpoint, clientId: 'H01.SYS', privateKey: rsaPem });
    const error = await provider.getCredential().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'AUTH_TOKEN_REQUEST_FAILED', status: undefined, url: endpoint });
    expect((error as Error).cause).toBeInstanceOf(Error);
    server = await startAuthServer(); // for afterEach
  });

  it('does not cache a failure: the next call asks again', async () => {
    const provider = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'H01.SYS', privateKey: rsaPem });
    server.tokenAnswerPatch = { token_type: 'mac' };
    await expect(provider.getCredential()).rejects.toMatchObject({ code: 'AUTH_TOKEN_REQUEST_FAILED' });
    server.tokenAnswerPatch = undefined;
    await expect(provider.getCredential()).resolves.toMatchObject({ type: 'bearer' });
    expect(server.tokenRequests).toBe(2);
  });

  it('tries discovery again after it failed', async () => {
    server.discoveryFailures = 1;
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem });
    await expect(provider.getCredential()).rejects.toMatchObject({ code: 'AUTH_DISCOVERY_FAILED', status: 503 });
    await expect(provider.getCredential()).resolves.toMatchObject({ type: 'bearer' });
  });

  it('falls back to the JWT exp when the answer has no expires_in', async () => {
    server.expiresIn = 900;
    server.tokenAnswerPatch = { expires_in: undefined };
    const provider = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'H01.SYS', privateKey: rsaPem });
    const { expiresAt } = await bearer(provider);
    expect(Math.abs(expiresAt - (Date.now() + 900_000))).toBeLessThan(5_000);
  });

  it.each([
    [{ token_type: 'DPoP' }, /token_type "DPoP"/],
    [{ access_token: '' }, /without an access_token/],
    [{ access_token: 'opaque', expires_in: undefined }, /lifetime is unknown/],
  ])('refuses a 200 answer that is not a usable bearer token (%o)', async (patch, message) => {
    server.tokenAnswerPatch = patch;
    const provider = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'H01.SYS', privateKey: rsaPem });
    await expect(provider.getCredential()).rejects.toThrow(message);
    await expect(provider.getCredential()).rejects.toMatchObject({ code: 'AUTH_TOKEN_REQUEST_FAILED', status: 200 });
  });

  it('refuses an issuer whose discovery document names another issuer', async () => {
    const provider = clientCredentials({ issuer: `${server.issuer}/`, clientId: 'H01.SYS', privateKey: rsaPem });
    const error = await provider.getCredential().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error).toMatchObject({ code: 'AUTH_DISCOVERY_FAILED' });
  });

  it('lets one caller abort its wait without failing the others', async () => {
    server.tokenDelayMs = 100;
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H01.SYS', privateKey: rsaPem });
    const controller = new AbortController();
    const aborted = provider.getCredential({ signal: controller.signal });
    const patient = provider.getCredential();
    controller.abort(new Error('user went away'));
    await expect(aborted).rejects.toThrow('user went away');
    await expect(patient).resolves.toMatchObject({ type: 'bearer' });
    expect(server.tokenRequests).toBe(1);
  });
});

describe('clientCredentials with client_secret_basic', () => {
  const secret = 's3cr3t:+/ é%';

  it('sends the form-urlencoded id and secret in a Basic header', async () => {
    server.register({ clientId: 'H02 SYS', clientSecret: secret });
    const provider = clientCredentials({ issuer: server.issuer, clientId: 'H02 SYS', clientSecret: secret });
    const credential = await bearer(provider);
    expect(server.lastTokenRequestHeaders?.authorization).toBe(basicAuthorization('H02 SYS', secret));
    expect(basicAuthorization('H02 SYS', secret)).toBe(`Basic ${Buffer.from('H02+SYS:s3cr3t%3A%2B%2F+%C3%A9%25').toString('base64')}`);
    expect((await callResource(credential)).statusCode).toBe(200);
  });

  it('reports a wrong secret as invalid_client', async () => {
    server.register({ clientId: 'H02.SYS', clientSecret: secret });
    const provider = clientCredentials({ tokenEndpoint: server.tokenEndpoint, clientId: 'H02.SYS', clientSecret: 'wrong' });
    await expect(provider.getCredential()).rejects.toMatchObject({ code: 'AUTH_TOKEN_REQUEST_FAILED', status: 401, oauthError: 'invalid_client' });
  });
});

describe('clientCredentials options', () => {
  it('refuses contradictory or missing settings with AUTH_CONFIG_INVALID', () => {
    const base = { clientId: 'H01.SYS', privateKey: rsaPem };
    expect(() => clientCredentials({ ...base, issuer: 'https://a.example', tokenEndpoint: 'https://a.example/t' })).toThrow(AuthConfigError);
    expect(() => clientCredentials({ ...base })).toThrow(AuthConfigError);
    expect(() => clientCredentials({ clientId: 'H01.SYS', tokenEndpoint: 'https://a.example/t' })).toThrow(/privateKey.*clientSecret/);
    expect(() => clientCredentials({ ...base, clientSecret: 'x', tokenEndpoint: 'https://a.example/t' })).toThrow(AuthConfigError);
    expect(() => clientCredentials({ ...base, tokenEndpoint: 'not a url' })).toThrow(/not a URL/);
    const endpoint = { ...base, tokenEndpoint: 'https://a.example/t' };
    expect(() => clientCredentials({ ...endpoint, assertionLifetimeSeconds: 600 })).toThrow(/between 1 and 300/);
    expect(() => clientCredentials({ ...endpoint, refreshBeforeExpirySeconds: -1 })).toThrow(AuthConfigError);
  });

  it('refuses keys that cannot sign for the portal with AUTH_KEY_INVALID', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const endpoint = { clientId: 'X', tokenEndpoint: 'https://a.example/t' };
    expect(() => clientCredentials({ ...endpoint, privateKey: small })).toThrow(/at least 2048/);
    expect(() => clientCredentials({ ...endpoint, privateKey: p384 })).toThrow(KeyImportError);
    expect(() => clientCredentials({ ...endpoint, privateKey: ec, alg: 'RS256' })).toThrow(/cannot sign RS256/);
    expect(() => clientCredentials({ ...endpoint, privateKey: rsa.publicKey })).toThrow(/expected a private key/);
    expect(() => clientCredentials({ ...endpoint, privateKey: '-----BEGIN NOTHING-----' })).toThrow(
      expect.objectContaining({ code: 'AUTH_KEY_INVALID' }),
    );
  });
});
