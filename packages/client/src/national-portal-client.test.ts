import { generateKeyPairSync, verify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countingBearerProvider, makeDossier } from '../test/fixtures.js';
import { json, problem, startServer, type TestServer } from '../test/server.js';
import { createNationalPortalClient, type NationalPortalClient } from './national-portal-client.js';
import { AbortError, ApiError, AuthError, ConfigError, NetworkError, TimeoutError, ValidationError } from './errors.js';
import { isApiErrorOf } from './is-api-error.js';
import type { ClientLogEvent } from './logger.js';
import { REDACTED } from './redact.js';

let server: TestServer;
const clients: NationalPortalClient[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  server.requests.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function client(extra: Partial<Parameters<typeof createNationalPortalClient>[0]> = {}): NationalPortalClient {
  const c = createNationalPortalClient({
    baseUrl: server.url,
    auth: countingBearerProvider(),
    signer: async () => 'eyJhbGciOiJFUzI1NiJ9..c2lnbmF0dXJl',
    retries: { maxRetries: 3, baseDelayMs: 5 },
    ...extra,
  });
  clients.push(c);
  return c;
}

const record = (d = makeDossier(1)) => ({ dossier: d, history: [], receivedAt: '2023-10-27T08:30:20+07:00', version: 1 });

describe('typed calls over rest', () => {
  it('sends path parameters encoded, the bearer token, a request id, and answers the typed body', async () => {
    server.handle((req, res) => json(res, 200, record(), { 'x-request-id': String(req.headers['x-request-id']) }));
    const c = client();
    const got = await c.dossiers.get('000.00.06.H56-231027-0361');
    expect(got.dossier.MaHoSo).toBe('000.00.06.H56-231027-000001');
    const seen = server.requests[0]!;
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/v1/dossiers/000.00.06.H56-231027-0361');
    expect(seen.headers['authorization']).toBe('Bearer token-1');
    expect(seen.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('call(operationId) answers status, headers and data; a base path prefix is kept', async () => {
    server.handle((req, res) => json(res, 201, record(), { etag: '"1"' }));
    const c = client({ baseUrl: `${server.url}/api/` });
    const d = makeDossier(7);
    const res = await c.call('upsertDossier', { path: { MaHoSo: d.MaHoSo }, body: d, headers: { 'If-Match': '"3"' } });
    expect(res.status).toBe(201);
    expect(res.headers['etag']).toBe('"1"');
    expect(res.data.version).toBe(1);
    const seen = server.requests[0]!;
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe(`/api/v1/dossiers/${d.MaHoSo}`);
    expect(seen.headers['if-match']).toBe('"3"');
    expect(seen.headers['x-dvc-signature']).toBe('eyJhbGciOiJFUzI1NiJ9..c2lnbmF0dXJl');
    expect(JSON.parse(seen.body)).toEqual(d);
  });

  it('builds the query string, leaves out undefined values, and sends no token where security is empty', async () => {
    server.handle((req, res) => res.writeHead(302, { location: 'https://rp.example/cb?code=abc&state=s' }).end());
    const c = client();
    const res = await c.auth.authorize({
      response_type: 'code',
      client_id: 'thanhhoa',
      redirect_uri: 'https://rp.example/cb',
      scope: 'openid',
      state: 'state-123456',
      nonce: 'nonce-123456',
      code_challenge: 'x'.repeat(43),
      code_challenge_method: 'S256',
      acr_values: undefined,
    });
    expect(res.status).toBe(302);
    expect(res.headers['location']).toContain('code=abc');
    const seen = server.requests[0]!;
    expect(seen.url).toContain('/oauth2/authorize?response_type=code&client_id=thanhhoa');
    expect(seen.url).not.toContain('acr_values');
    expect(seen.headers['authorization']).toBeUndefined();
  });

  it('sends the token request form-encoded', async () => {
    server.handle((req, res) => json(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 600 }));
    const c = client();
    const t = await c.auth.requestToken({ grant_type: 'client_credentials', scope: 'dossiers.write' } as never);
    expect(t.access_token).toBe('at');
    expect(server.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.requests[0]!.body).toBe('grant_type=client_credentials&scope=dossiers.write');
  });

  it('uses the caller’s token for userinfo and refuses to call it without one', async () => {
    server.handle((req, res) => json(res, 200, { sub: 's-1', SoDinhDanh: '038190004521' }));
    const c = client();
    const info = await c.auth.userInfo('citizen-token');
    expect(info.sub).toBe('s-1');
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer citizen-token');
    await expect(c.call('getUserInfo')).rejects.toBeInstanceOf(AuthError);
  });

  it('refuses a signed operation without a signer, and a missing path parameter, before sending', async () => {
    const c = createNationalPortalClient({ baseUrl: server.url, auth: countingBearerProvider() });
    clients.push(c);
    await expect(c.dossiers.upsert(makeDossier(1))).rejects.toBeInstanceOf(ConfigError);
    await expect(c.call('getDossier', { path: { MaHoSo: '' } })).rejects.toThrow(/path parameter MaHoSo/);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects bad options with ConfigError', () => {
    expect(() => createNationalPortalClient({ baseUrl: 'not a url' })).toThrow(ConfigError);
    expect(() => createNationalPortalClient({ baseUrl: server.url, binding: 'soap' as never })).toThrow(/binding/);
    expect(() => createNationalPortalClient({ baseUrl: server.url, binding: 'dvcqg' })).toThrow(/agencyCode/);
    expect(() => createNationalPortalClient({ baseUrl: server.url, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('transport', () => {
  it('keeps connections alive between calls', async () => {
    const ports: number[] = [];
    server.handle((req, res, raw) => {
      ports.push(raw.socket.remotePort!);
      json(res, 200, record());
    });
    const c = client();
    for (let i = 0; i < 10; i++) await c.dossiers.get('000.00.06.H56-231027-0001');
    // one after another: the pool reuses its open connections instead of opening one per call
    expect(ports).toHaveLength(10);
    expect(new Set(ports).size, JSON.stringify(ports)).toBeLessThanOrEqual(2);
  });

  it('transport.connections bounds the pool; userAgent is sent', async () => {
    const ports = new Set<number>();
    server.handle((req, res, raw) => {
      ports.add(raw.socket.remotePort!);
      setTimeout(() => json(res, 200, record()), 5);
    });
    const c = client({ transport: { connections: 1 }, userAgent: 'thanhhoa-motcua/2.3' });
    await Promise.all(Array.from({ length: 8 }, () => c.dossiers.get('000.00.06.H56-231027-0001')));
    expect(ports.size).toBe(1);
    expect(server.requests.every((r) => r.headers['user-agent'] === 'thanhhoa-motcua/2.3')).toBe(true);
  });

  it('sends through the dispatcher it is given', async () => {
    const { Agent } = await import('undici');
    let dispatched = 0;
    const agent = new Agent().compose((dispatch) => (opts, handler) => {
      dispatched++;
      return dispatch(opts, handler);
    });
    server.handle((req, res) => json(res, 200, record()));
    await client({ dispatcher: agent }).dossiers.get('000.00.06.H56-231027-0001');
    expect(dispatched).toBe(1);
    await agent.close();
  });
});

describe('errors', () => {
  it('turns problem+json into ApiError with status, problem, kind, request id and a redacted URL', async () => {
    server.handle((req, res) => problem(res, 404, 'not-found', 'No dossier.', { 'x-request-id': 'req_server_1' }));
    const c = client();
    const error = await c.dossiers.get('000.00.06.H56-231027-0999').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect(e.code).toBe('CLIENT_API_ERROR');
    expect(e.status).toBe(404);
    expect(e.problemKind).toBe('not-found');
    expect(e.problem.detail).toBe('No dossier.');
    expect(e.requestId).toBe('req_server_1');
    expect(e.request).toMatchObject({ operationId: 'getDossier', method: 'GET', attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('removes secrets from the URL it reports', async () => {
    server.handle((req, res) => problem(res, 400, 'malformed-request', 'redirect_uri is not registered'));
    const c = client();
    const e = (await c.auth
      .authorize({ response_type: 'code', client_id: 'c', redirect_uri: 'https://x/cb', scope: 'openid', state: 'secret-state-1', nonce: 'secret-nonce-1', code_challenge: 'y'.repeat(43), code_challenge_method: 'S256' })
      .catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.request!.url).not.toContain('secret-state-1');
    expect(e.request!.url).not.toContain('secret-nonce-1');
    expect(decodeURIComponent(e.request!.url)).toContain(`state=${REDACTED}`);
    expect(e.message).not.toContain('secret-state-1');
  });

  it('maps an OAuth error body to a problem, and isApiErrorOf types the body per operation', async () => {
    server.handle((req, res) => json(res, 401, { error: 'invalid_client', error_description: 'bad assertion' }));
    const c = client();
    const e = (await c.auth.requestToken({ grant_type: 'client_credentials' } as never).catch((x: unknown) => x)) as ApiError;
    expect(isApiErrorOf(e, 'getDossier')).toBe(false);
    expect(isApiErrorOf(e, 'requestToken') && 'error' in e.body ? e.body.error : undefined).toBe('invalid_client');
    expect(e.status).toBe(401);
    expect(e.problemKind).toBe('unauthorized');
    expect(e.problem.detail).toBe('invalid_client: bad assertion');
    expect(e.body).toEqual({ error: 'invalid_client', error_description: 'bad assertion' });
  });

  it('reports a body that is not JSON as a response ValidationError', async () => {
    server.handle((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"broken'));
    const e = await client().dossiers.get('000.00.06.H56-231027-0001').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).direction).toBe('response');
  });
});

describe('auth renewal', () => {
  it('on 401 drops the token, fetches a new one and repeats the call once', async () => {
    server.handle((req, res) =>
      req.headers['authorization'] === 'Bearer token-2' ? json(res, 200, record()) : problem(res, 401, 'unauthorized', 'expired'),
    );
    const auth = countingBearerProvider();
    const c = client({ auth });
    await c.dossiers.get('000.00.06.H56-231027-0001');
    expect(auth.invalidated).toBe(1);
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('gives AuthError when the fresh token is refused too, without looping', async () => {
    server.handle((req, res) => problem(res, 401, 'unauthorized', 'no'));
    const c = client();
    const e = await c.dossiers.get('000.00.06.H56-231027-0001').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AuthError);
    expect((e as AuthError).cause).toBeInstanceOf(ApiError);
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a dvcqg session where the rest binding needs a bearer token, before sending', async () => {
    const c = client({ auth: { getCredential: async () => ({ type: 'dvcqg-session', session: 's' }), invalidate: () => undefined } });
    await expect(c.dossiers.get('000.00.06.H56-231027-0001')).rejects.toThrow(/needs a bearer credential/);
    expect(server.requests).toHaveLength(0);
  });

  it('wraps a provider failure in AuthError', async () => {
    const c = client({ auth: { getCredential: async () => Promise.reject(new Error('token endpoint down')), invalidate: () => undefined } });
    await expect(c.dossiers.get('000.00.06.H56-231027-0001')).rejects.toThrow(AuthError);
  });
});

describe('retries', () => {
  it('retries a GET on 503 and waits what Retry-After says', async () => {
    let n = 0;
    server.handle((req, res) => (++n === 1 ? problem(res, 503, 'unavailable', 'maintenance', { 'retry-after': '1' }) : json(res, 200, record())));
    const events: ClientLogEvent[] = [];
    const c = client({ logger: (e) => events.push(e) });
    const started = Date.now();
    await c.dossiers.get('000.00.06.H56-231027-0001');
    expect(server.requests).toHaveLength(2);
    const retry = events.find((e) => e.type === 'retry');
    expect(retry).toMatchObject({ type: 'retry', delayMs: 1000, reason: 'status 503' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('does not retry a POST that carries no Idempotency-Key', async () => {
    server.handle((req, res) => problem(res, 503, 'unavailable', 'down', { 'retry-after': '0' }));
    const c = client();
    const e = await c.dvcqg.login({ username: 'u', password: 'p' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it('sends the same Idempotency-Key and signature on every retry of one write, a new key for the next write', async () => {
    let n = 0;
    server.handle((req, res) => (++n % 3 !== 0 ? problem(res, 503, 'unavailable', 'busy', { 'retry-after': '0' }) : json(res, 201, record())));
    let signed = 0;
    const c = client({ signer: async (body) => `sig-${++signed}-${JSON.stringify(body).length}..x` });
    const step = { MaHoSo: makeDossier(1).MaHoSo, NguoiXuLy: 'Nguyễn Văn Thành', ThoiDiemXuLy: '20231027093000', NoiDungXuLy: 'Chuyển xử lý', TrangThai: '4' as const };
    await c.dossiers.appendEvents(step.MaHoSo, [step]);
    await c.dossiers.appendEvents(step.MaHoSo, [step]);
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(6);
    expect(new Set(keys.slice(0, 3)).size).toBe(1);
    expect(new Set(keys.slice(3)).size).toBe(1);
    expect(keys[0]).not.toBe(keys[3]);
    expect(new Set(server.requests.slice(0, 3).map((r) => r.headers['x-dvc-signature'])).size).toBe(1);
    expect(signed).toBe(2);
  });

  it('uses the caller’s Idempotency-Key when given', async () => {
    server.handle((req, res) => json(res, 201, { paymentId: 'PAY-7K2M9Q4X8B', MaHoSo: makeDossier(1).MaHoSo, amount: 1, currency: 'VND', status: 'pending', createdAt: '2023-10-27T08:20:00+07:00' }));
    await client().payments.create({ MaHoSo: makeDossier(1).MaHoSo, DanhSachLePhi: [] } as never, { idempotencyKey: 'pay-0361-attempt-1' });
    expect(server.requests[0]!.headers['idempotency-key']).toBe('pay-0361-attempt-1');
  });

  it('retries a GET after a connection reset', async () => {
    let n = 0;
    server.handle((req, res, raw) => (++n === 1 ? raw.socket.destroy() : json(res, 200, record())));
    await expect(client().dossiers.get('000.00.06.H56-231027-0001')).resolves.toMatchObject({ version: 1 });
    expect(n).toBe(2);
  });

  it('does not wait for a Retry-After longer than maxDelayMs; the error carries it', async () => {
    server.handle((req, res) => problem(res, 429, 'rate-limited', 'slow down', { 'retry-after': '120' }));
    const e = (await client({ retries: { maxRetries: 3, maxDelayMs: 1000 } })
      .dossiers.get('000.00.06.H56-231027-0001')
      .catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(429);
    expect(e.retryAfterSeconds).toBe(120);
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after maxRetries and reports the attempts', async () => {
    server.handle((req, res) => problem(res, 500, 'internal', 'boom'));
    const e = (await client({ retries: { maxRetries: 2, baseDelayMs: 1 } }).dossiers.get('000.00.06.H56-231027-0001').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(500);
    expect(e.request!.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('stops retrying when the retry budget is spent', async () => {
    server.handle((req, res) => problem(res, 503, 'unavailable', 'down', { 'retry-after': '0' }));
    const c = client({ retries: { maxRetries: 5, baseDelayMs: 1, budget: { maxTokens: 3, ratio: 0 } } });
    await expect(c.dossiers.get('000.00.06.H56-231027-0001')).rejects.toBeInstanceOf(ApiError);
    expect(server.requests).toHaveLength(4);
    server.requests.length = 0;
    await expect(c.dossiers.get('000.00.06.H56-231027-0001')).rejects.toBeInstanceOf(ApiError);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a 4xx other than 408/425/429', async () => {
    server.handle((req, res) => problem(res, 422, 'validation', 'bad'));
    await expect(client().dossiers.get('000.00.06.H56-231027-0001')).rejects.toMatchObject({ status: 422, problemKind: 'validation' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts and abort', () => {
  it('times out on a server that never answers, and does not retry the timeout', async () => {
    server.handle(() => undefined);
    const c = client({ timeoutMs: 200 });
    const e = await c.dossiers.get('000.00.06.H56-231027-0001').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toMatchObject({ code: 'CLIENT_TIMEOUT', phase: 'headers', timeoutMs: 200 });
    expect(server.requests).toHaveLength(1);
  });

  it('times out a body that stops half way (per-call timeoutMs)', async () => {
    server.handle((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"dossier":');
    });
    const e = await client().dossiers.get('000.00.06.H56-231027-0001', { timeoutMs: 200 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as TimeoutError).phase).toBe('body');
  });

  it('aborts mid-body', async () => {
    const controller = new AbortController();
    server.handle((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"dossier":', () => setTimeout(() => controller.abort(new Error('user cancelled')), 50));
    });
    const e = await client().dossiers.get('000.00.06.H56-231027-0001', { signal: controller.signal }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AbortError);
    expect((e as AbortError).reason).toEqual(new Error('user cancelled'));
  });

  it('an abort during the backoff wait ends the call at once', async () => {
    server.handle((req, res) => problem(res, 503, 'unavailable', 'later', { 'retry-after': '20' }));
    const controller = new AbortController();
    const c = client({ logger: (e) => e.type === 'retry' && controller.abort() });
    const e = await c.dossiers.get('000.00.06.H56-231027-0001', { signal: controller.signal }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const e = await client().dossiers.get('000.00.06.H56-231027-0001', { signal: AbortSignal.abort() }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(0);
  });

  it('a refused connection is a NetworkError', async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const c = client({ baseUrl: url, retries: 0 });
    await expect(c.dossiers.get('000.00.06.H56-231027-0001')).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('pagination', () => {
  const procedure = (i: number) => ({ MaTTHC: `1.00${String(i).padStart(4, '0')}`, TenTTHC: `Thủ tục ${i}`, MucDo: 'full', CapThucHien: ['commune'] });

  it('iterates every item across pages, passing the filters and the cursor', async () => {
    server.handle((req, res) => {
      const u = new URL(req.url, 'http://x');
      const page = Number(u.searchParams.get('cursor') ?? '0');
      json(res, 200, { items: [procedure(page * 2), procedure(page * 2 + 1)], nextCursor: page < 2 ? String(page + 1) : null });
    });
    const codes: string[] = [];
    for await (const p of client().procedures.list({ agency: '000.00.00.H56', limit: 2 })) codes.push(p.MaTTHC);
    expect(codes).toHaveLength(6);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/procedures?agency=000.00.00.H56&limit=2',
      '/v1/procedures?agency=000.00.00.H56&limit=2&cursor=1',
      '/v1/procedures?agency=000.00.00.H56&limit=2&cursor=2',
    ]);
  });

  it('stops fetching when the consumer stops', async () => {
    server.handle((req, res) => json(res, 200, { items: [procedure(1), procedure(2)], nextCursor: `c${server.requests.length}` }));
    let seen = 0;
    for await (const _ of client().paginate('listProcedures')) if (++seen === 3) break;
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a server that repeats a cursor', async () => {
    server.handle((req, res) => json(res, 200, { items: [], nextCursor: 'same' }));
    const iterate = async () => {
      for await (const _ of client().feedback.list()) void _;
    };
    await expect(iterate()).rejects.toMatchObject({ code: 'CLIENT_PAGINATION_LOOP' });
  });
});

describe('logger', () => {
  it('logs requests and responses with the token, the signature and personal data redacted', async () => {
    server.handle((req, res) => json(res, 201, record()));
    const events: ClientLogEvent[] = [];
    const c = client({ logger: (e) => events.push(e), logBodies: true });
    await c.dossiers.upsert(makeDossier(3));
    const request = events.find((e) => e.type === 'request')!;
    expect(request.type === 'request' && request.headers['authorization']).toBe(REDACTED);
    expect(request.type === 'request' && request.headers['x-dvc-signature']).toBe(REDACTED);
    const logged = JSON.stringify(events);
    expect(logged).not.toContain('token-1');
    expect(logged).not.toContain('038190004521');
    expect(logged).not.toContain('Lê Thị Hồng Nhung');
    expect(logged).toContain('000.00.06.H56-231027-000003');
    expect(events.map((e) => e.type)).toEqual(['request', 'response']);
  });

  it('a logger that throws does not break the call', async () => {
    server.handle((req, res) => json(res, 200, record()));
    const c = client({
      logger: () => {
        throw new Error('logger down');
      },
    });
    await expect(c.dossiers.get('000.00.06.H56-231027-0001')).resolves.toBeDefined();
  });
});

describe('signing', () => {
  it('signs with a key: the server verifies the detached JWS over the body it received', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // A signer built on node:crypto alone: JWS (b64=false) over the body as sent.
    const signer = async (body: unknown) => {
      const header = Buffer.from(JSON.stringify({ alg: 'ES256', b64: false, crit: ['b64'] })).toString('base64url');
      const sig = (await import('node:crypto')).sign('sha256', Buffer.from(`${header}.${JSON.stringify(body)}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${header}..${sig.toString('base64url')}`;
    };
    let verified: boolean | undefined;
    server.handle((req, res) => {
      const [header, , sig] = String(req.headers['x-dvc-signature']).split('.');
      verified = verify('sha256', Buffer.from(`${header}.${req.body}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig!, 'base64url'));
      json(res, 200, { results: [{ index: 0, key: makeDossier(1).MaHoSo, outcome: 'created', version: 1 }], summary: { created: 1, updated: 0, unchanged: 0, rejected: 0 } });
    });
    const out = await client({ signer }).dossiers.syncBatch([makeDossier(1)]);
    expect(out.summary.created).toBe(1);
    expect(verified).toBe(true);
  });

  it('does not sign operations the document does not require to be signed', async () => {
    server.handle((req, res) => json(res, 202, { accepted: 1 }));
    await client().evaluations.submit([{ MaHoSo: makeDossier(1).MaHoSo, NgayDanhGia: '20231103150000', KenhDanhGia: '2', KetQua: '2' }] as never);
    expect(server.requests[0]!.headers['x-dvc-signature']).toBeUndefined();
    expect(server.requests[0]!.headers['idempotency-key']).toBeDefined();
  });
});
