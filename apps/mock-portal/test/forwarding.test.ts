import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { request } from 'undici';
import { verifyMessage } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { DOSSIER, register, signedJson, token, type Credentials, type Send } from './scenario.js';

const send: Send = async (method, url, init = {}) => {
  const r = await request(url, { method: method as 'GET', headers: init.headers, body: init.body });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  return { status: r.statusCode, headers, text: await r.body.text() };
};

interface Received {
  path: string;
  scope: string;
  signature: string;
  body: unknown;
}

/** A tiny agency system that checks what a real one must: the portal's token and signature. */
async function startAgency(portalUrl: () => string, clientId: string, trustAnchors: () => string[]): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' });
        res.end(JSON.stringify(body));
      };
      try {
        const jwks = createRemoteJWKSet(new URL(`${portalUrl()}/.well-known/jwks.json`));
        const { payload } = await jwtVerify(String(req.headers.authorization ?? '').replace(/^Bearer /, ''), jwks, { issuer: portalUrl(), audience: clientId });
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
        const signature = String(req.headers['x-dvc-signature'] ?? '');
        let verdict = 'unsigned';
        if (signature) {
          const report = await verifyMessage(signature, body, { trustAnchors: trustAnchors() });
          verdict = report.indication;
          if (verdict !== 'TOTAL_PASSED') return reply(403, { type: 'https://dvc-kit.dev/problems/signature-invalid', title: 'Signature invalid', status: 403, detail: `${report.subIndication}` });
        }
        received.push({ path: req.url ?? '', scope: String(payload.scope), signature: verdict, body });
        if (req.method === 'GET' && req.url?.startsWith('/v1/dossiers/')) {
          received.push({ path: req.url, scope: String(payload.scope), signature: 'unsigned', body: { SoDinhDanh: payload.SoDinhDanh } });
          return reply(404, { type: 'https://dvc-kit.dev/problems/not-found', title: 'Not found', status: 404, detail: `no dossier of citizen ${String(payload.SoDinhDanh).slice(0, 3)}…` });
        }
        if (req.url === '/v1/dossiers') return reply(201, { MaHoSo: '000.00.00.H56-251123-0001', MaHoSoQuocGia: body.MaHoSoQuocGia, TrangThaiHoSo: '1', NgayNopHoSo: body.NgayNopHoSo });
        if (req.url === '/v1/feedback') return reply(202, { MaPhanAnh: body.MaPhanAnh, TrangThai: '2' });
        if (req.url === '/v1/payment-notifications') return reply(200, { MaHoSo: body.MaHoSo, TrangThaiHoSo: '4' });
        reply(404, { type: 'https://dvc-kit.dev/problems/not-found', title: 'Not found', status: 404 });
      } catch (e) {
        reply(401, { type: 'https://dvc-kit.dev/problems/unauthorized', title: 'Unauthorized', status: 401, detail: (e as Error).message });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('the portal calling an agency system', () => {
  let portal: MockPortal;
  let agency: Awaited<ReturnType<typeof startAgency>>;
  let creds: Credentials;
  let anchors: string[] = [];

  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 5 });
    agency = await startAgency(() => portal.url, 'h56-agency', () => anchors);
    anchors = (JSON.parse((await send('GET', `${portal.url}/__admin/pki`)).text) as { trustAnchorsPem: string[] }).trustAnchorsPem;
    creds = await register(send, portal.url, { clientId: 'h56-agency', agencyCode: '000.00.00.H56', callbackBaseUrl: agency.url });
  });
  afterAll(async () => {
    await portal.close();
    await new Promise((r) => agency.server.close(r));
  });

  const admin = async (path: string, body: unknown) => JSON.parse((await send('POST', `${portal.url}${path}`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).text) as Record<string, unknown>;

  it('submits a dossier signed with its government-CA certificate and a token the system can verify', async () => {
    const record = await admin('/__admin/forward/dossiers', { clientId: 'h56-agency' });
    expect(record).toMatchObject({ operationId: 'receiveDossier', status: 201, response: { MaHoSo: '000.00.00.H56-251123-0001', TrangThaiHoSo: '1' }, responseValid: true });
    expect(agency.received[0]).toMatchObject({ path: '/v1/dossiers', scope: 'agency.dossiers.write', signature: 'TOTAL_PASSED', body: { MaCoQuanThucHien: '000.00.00.H56' } });
    const listed = JSON.parse((await send('GET', `${portal.url}/__admin/forwards?clientId=h56-agency`)).text) as { items: unknown[] };
    expect(listed.items).toHaveLength(1);
  });

  it('can send a tampered signature, which the system refuses', async () => {
    const record = await admin('/__admin/forward/dossiers', { clientId: 'h56-agency', tamperSignature: true });
    expect(record.status).toBe(403);
    expect(record.responseValid).toBe(true);
  });

  it('forwards feedback and payment notifications', async () => {
    const fb = await admin('/__admin/forward/feedback', { clientId: 'h56-agency' });
    expect(fb).toMatchObject({ operationId: 'receiveFeedback', status: 202, responseValid: true });
    const access = await token(send, portal.url, creds);
    const auth = { authorization: `Bearer ${access}`, 'content-type': 'application/json' };
    // The portal makes a payment only for a dossier whose synced record lists fees (DVC-PAY-001).
    const put = await signedJson(creds, { ...DOSSIER, DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: 'LP01', HinhThucThu: '2', Gia: 100000, LoaiPhiLePhi: '1' }] });
    expect((await send('PUT', `${portal.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { ...auth, 'x-dvc-signature': put.signature }, body: put.body })).status).toBe(201);
    const created = await send('POST', `${portal.url}/v1/payments`, { headers: { ...auth, 'idempotency-key': 'pay-0001-key' }, body: JSON.stringify({ MaHoSo: DOSSIER.MaHoSo, DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', Gia: 100000 }], returnUrl: 'https://dichvucong.thanhhoa.gov.vn/tt' }) });
    expect(created.status).toBe(201);
    const payment = JSON.parse(created.text) as { paymentId: string; amount: number; status: string };
    expect(payment).toMatchObject({ amount: 100000, status: 'pending' });
    const notified = await admin('/__admin/forward/payments', { clientId: 'h56-agency', paymentId: payment.paymentId });
    expect(notified).toMatchObject({ operationId: 'notifyPayment', status: 200 });
    expect(agency.received.at(-1)).toMatchObject({ path: '/v1/payment-notifications', scope: 'agency.payments.write', signature: 'TOTAL_PASSED', body: { status: 'paid' } });
    const read = JSON.parse((await send('GET', `${portal.url}/v1/payments/${payment.paymentId}`, { headers: auth })).text) as { status: string };
    expect(read.status).toBe('paid');
  });

  it('looks a dossier up with a citizen token (aud = the system, claim SoDinhDanh)', async () => {
    const record = await admin('/__admin/forward/call', { clientId: 'h56-agency', operationId: 'lookupDossier', params: { MaHoSo: '000.00.00.H56-251123-0001' }, citizen: '001085012345' });
    expect(record).toMatchObject({ operationId: 'lookupDossier', status: 404, responseValid: true });
    expect(agency.received.at(-1)).toMatchObject({ path: '/v1/dossiers/000.00.00.H56-251123-0001', scope: 'openid', body: { SoDinhDanh: '001085012345' } });
  });

  it('refuses to forward to an unknown system with a typed admin error', async () => {
    const r = await send('POST', `${portal.url}/__admin/forward/dossiers`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: 'nobody' }) });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text).code).toBe('MOCK_SYSTEM_UNKNOWN');
  });
});
