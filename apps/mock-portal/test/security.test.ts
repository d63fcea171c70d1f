import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { request } from 'undici';
import { createTestPki, signMessage } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { PROBLEM } from '../src/problem.js';
import { clientAssertion, DOSSIER, register, signedJson, step, token, type Credentials, type Send } from './scenario.js';

const send: Send = async (method, url, init = {}) => {
  const r = await request(url, { method: method as 'GET', headers: init.headers, body: init.body });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return { status: r.statusCode, headers, text: await r.body.text() };
};

async function json(method: string, url: string, headers: Record<string, string>, body?: unknown) {
  const r = await send(method, url, { headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, headers: r.headers, body: r.text ? (JSON.parse(r.text) as Record<string, unknown>) : {} };
}

describe('security matrix', () => {
  let portal: MockPortal;
  let base: string;
  let h56: Credentials;
  let h22: Credentials;
  let tokenH56: string;
  let tokenH22: string;

  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 11 });
    base = portal.url;
    h56 = await register(send, base, { clientId: 'h56', agencyCode: '000.00.00.H56', clientSecret: 'h56-secret-value' });
    h22 = await register(send, base, { clientId: 'h22', agencyCode: '000.00.00.H22' });
    tokenH56 = await token(send, base, h56);
    tokenH22 = await token(send, base, h22);
    const put = await signedJson(h56, DOSSIER);
    const r = await send('PUT', `${base}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { authorization: `Bearer ${tokenH56}`, 'content-type': 'application/json', 'x-dvc-signature': put.signature }, body: put.body });
    expect(r.status).toBe(201);
  });
  afterAll(() => portal.close());

  const readDossier = (authorization?: string) => json('GET', `${base}/v1/dossiers/${DOSSIER.MaHoSo}`, authorization ? { authorization } : {});

  async function portalSigned(claims: Record<string, unknown>, opts: { aud?: string; exp?: number } = {}) {
    const key = portal.core.keys.current;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: 'dossiers.read', agency: '000.00.00.H56', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(base).setSubject('h56').setAudience(opts.aud ?? 'dvcqg-api').setIssuedAt(now - 60).setExpirationTime(opts.exp ?? now + 60)
      .sign(key.privateKey);
  }

  it('refuses a missing token with 401 and a Bearer challenge', async () => {
    const r = await readDossier();
    expect(r.status).toBe(401);
    expect(r.body.type).toBe(PROBLEM.unauthorized);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(r.headers['content-type']).toBe('application/problem+json');
  });

  it('accepts a well-formed portal token (the control for the refusals below)', async () => {
    expect((await readDossier(`Bearer ${await portalSigned({})}`)).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const r = await readDossier(`Bearer ${await portalSigned({}, { exp: Math.floor(Date.now() / 1000) - 5 })}`);
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(/expired/);
  });

  it('refuses a token for another audience', async () => {
    const r = await readDossier(`Bearer ${await portalSigned({}, { aud: 'someone-else' })}`);
    expect(r.status).toBe(401);
    expect(r.body.type).toBe(PROBLEM.unauthorized);
  });

  it('refuses alg none', async () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ iss: base, sub: 'h56', aud: 'dvcqg-api', agency: '000.00.00.H56', scope: 'dossiers.read', exp: now + 60 })}.`;
    const r = await readDossier(`Bearer ${unsigned}`);
    expect(r.status).toBe(401);
  });

  it('refuses a token signed by a key not in the JWKS', async () => {
    const { privateKey } = await import('jose').then((j) => j.generateKeyPair('RS256'));
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ scope: 'dossiers.read', agency: '000.00.00.H56' }).setProtectedHeader({ alg: 'RS256', kid: portal.core.keys.current.kid })
      .setIssuer(base).setSubject('h56').setAudience('dvcqg-api').setExpirationTime(now + 60).sign(privateKey);
    expect((await readDossier(`Bearer ${forged}`)).status).toBe(401);
  });

  it('refuses a replayed client assertion (jti), a wrong audience and a long-lived assertion', async () => {
    const form = (assertion: string) => new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString();
    const post = (body: string) => send('POST', `${base}/oauth2/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const assertion = await clientAssertion(h56, `${base}/oauth2/token`, { jti: randomUUID() });
    expect((await post(form(assertion))).status).toBe(200);
    const replay = await post(form(assertion));
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.text)).toEqual({ error: 'invalid_client', error_description: 'client_assertion jti has already been used' });
    const wrongAud = await post(form(await clientAssertion(h56, `${base}/other`)));
    expect(wrongAud.status).toBe(401);
    const longLived = await post(form(await clientAssertion(h56, `${base}/oauth2/token`, { exp: Math.floor(Date.now() / 1000) + 3600 })));
    expect(longLived.status).toBe(401);
    expect(JSON.parse(longLived.text).error_description).toMatch(/300 s/);
  });

  it('answers RFC 6749 errors for a malformed token request', async () => {
    const post = (body: string) => send('POST', `${base}/oauth2/token`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(JSON.parse((await post('grant_type=password&username=a')).text).error).toBe('unsupported_grant_type');
    const missing = await post('scope=catalogue.read');
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).error).toBe('invalid_request');
    expect(JSON.parse((await post('grant_type=client_credentials')).text)).toMatchObject({ error: 'invalid_client' });
  });

  it('accepts client_secret_basic with the right secret only', async () => {
    const basic = (secret: string) => `Basic ${Buffer.from(`h56:${secret}`).toString('base64')}`;
    const ok = await send('POST', `${base}/oauth2/token`, { headers: { authorization: basic('h56-secret-value'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=catalogue.read' });
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const bad = await send('POST', `${base}/oauth2/token`, { headers: { authorization: basic('wrong'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.text).error).toBe('invalid_client');
  });

  it("keeps tenants apart: another agency's dossier is 403, read or write", async () => {
    const read = await json('GET', `${base}/v1/dossiers/${DOSSIER.MaHoSo}`, { authorization: `Bearer ${tokenH22}` });
    expect(read.status).toBe(403);
    expect(read.body.type).toBe(PROBLEM.forbidden);
    const put = await signedJson(h22, { ...DOSSIER, TrangThaiHoSo: '2' });
    const write = await send('PUT', `${base}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { authorization: `Bearer ${tokenH22}`, 'content-type': 'application/json', 'x-dvc-signature': put.signature }, body: put.body });
    expect(write.status).toBe(403);
    const list = await json('GET', `${base}/v1/dossiers`, { authorization: `Bearer ${tokenH22}` });
    expect(list.body.items).toEqual([]);
  });

  it('refuses a tampered body, a signature by another system and one from outside the trust anchors', async () => {
    const headers = (signature: string) => ({ authorization: `Bearer ${tokenH56}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'x-dvc-signature': signature });
    const url = `${base}/v1/dossiers/${DOSSIER.MaHoSo}/events`;
    const signed = await signedJson(h56, { events: [step('4', 'Thụ lý', '20231027093000')] });
    const tampered = signed.body.replace('Thụ lý', 'Thụ lý lại');
    const r1 = await send('POST', url, { headers: headers(signed.signature), body: tampered });
    expect(r1.status).toBe(403);
    expect(JSON.parse(r1.text).type).toBe(PROBLEM.signatureInvalid);
    const byOther = await signedJson(h22, { events: [step('4', 'Thụ lý', '20231027093000')] });
    const r2 = await send('POST', url, { headers: headers(byOther.signature), body: byOther.body });
    expect(r2.status).toBe(403);
    const foreign = await createTestPki({ serve: false });
    try {
      const sig = await signMessage(JSON.parse(signed.body), { privateKey: foreign.agency.privateKey, certificates: foreign.agency.chainPem });
      const r3 = await send('POST', url, { headers: headers(sig), body: signed.body });
      expect(r3.status).toBe(403);
      expect(JSON.parse(r3.text).type).toBe(PROBLEM.signatureInvalid);
    } finally {
      await foreign.close();
    }
    const missing = await send('POST', url, { headers: { authorization: `Bearer ${tokenH56}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: signed.body });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).errors[0].pointer).toBe('#/header/x-dvc-signature');
    expect(portal.store.dossiers.get(DOSSIER.MaHoSo)!.history).toHaveLength(0);
  });

  it('refuses an illegal status transition with 409 and changes nothing', async () => {
    const signed = await signedJson(h56, { events: [step('10', 'Trả kết quả', '20231027093000')] });
    const r = await send('POST', `${base}/v1/dossiers/${DOSSIER.MaHoSo}/events`, { headers: { authorization: `Bearer ${tokenH56}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'x-dvc-signature': signed.signature }, body: signed.body });
    expect(r.status).toBe(409);
    const body = JSON.parse(r.text);
    expect(body.type).toBe(PROBLEM.illegalTransition);
    expect(body.errors[0].pointer).toBe('/events/0/TrangThai');
    expect(portal.store.dossiers.get(DOSSIER.MaHoSo)!.dossier.TrangThaiHoSo).toBe('2');
  });

  it('refuses a token without the operation scope with 403', async () => {
    const narrow = await token(send, base, h56, 'catalogue.read');
    const r = await readDossier(`Bearer ${narrow}`);
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/dossiers.read/);
  });

  it('refuses an Idempotency-Key reused with another body (422) and replays the same body', async () => {
    const key = randomUUID();
    const send1 = async (text: string) => {
      const signed = await signedJson(h56, { events: [step('4', text, '20231027093000')] });
      return send('POST', `${base}/v1/dossiers/${DOSSIER.MaHoSo}/events`, { headers: { authorization: `Bearer ${tokenH56}`, 'content-type': 'application/json', 'idempotency-key': key, 'x-dvc-signature': signed.signature }, body: signed.body });
    };
    const first = await send1('Thụ lý hồ sơ');
    expect(first.status).toBe(201);
    const other = await send1('Nội dung khác');
    expect(other.status).toBe(422);
    expect(JSON.parse(other.text).type).toBe(PROBLEM.idempotencyKeyReused);
    expect(portal.store.dossiers.get(DOSSIER.MaHoSo)!.history).toHaveLength(1);
  });

  it('applies a write once when retries with the same key arrive concurrently', async () => {
    const signed = await signedJson(h56, { events: [step('5', 'Yêu cầu bổ sung', '20231028090000')] });
    const before = portal.store.dossiers.get(DOSSIER.MaHoSo)!.history.length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        send('POST', `${base}/v1/dossiers/${DOSSIER.MaHoSo}/events`, { headers: { authorization: `Bearer ${tokenH56}`, 'content-type': 'application/json', 'idempotency-key': 'concurrent-retry-1', 'x-dvc-signature': signed.signature }, body: signed.body }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(portal.store.dossiers.get(DOSSIER.MaHoSo)!.history.length).toBe(before + 1);
  });

  it('answers schema violations with 422 and JSON pointers', async () => {
    const bad = { ...DOSSIER, TrangThaiHoSo: '11', SoDienThoai: '12345', Unknown: 1 };
    const signed = await signedJson(h56, bad);
    const r = await send('PUT', `${base}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { authorization: `Bearer ${tokenH56}`, 'content-type': 'application/json', 'x-dvc-signature': signed.signature }, body: signed.body });
    expect(r.status).toBe(422);
    const pointers = (JSON.parse(r.text).errors as { pointer: string }[]).map((e) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/TrangThaiHoSo', '/SoDienThoai', '/Unknown']));
    const journal = portal.journal.query({ invalid: true });
    expect(journal.some((e) => e.operationId === 'upsertDossier' && e.status === 422)).toBe(true);
  });
});
