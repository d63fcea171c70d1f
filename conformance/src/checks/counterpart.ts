import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { COUNTERPART_HEADER } from '../harness/portal-side.js';
import type { HttpResponse } from '../evidence.js';
import { signMessage } from '@dvc-kit/signature';
import { anotherAgency, check, nowPortal, pickProcedure, portalRecord, PROBLEM_JSON, receive, syncedAt, type Check, type Ctx } from './support.js';

/*
 * Counterpart checks: requirements whose subject is the national portal. The suite is the
 * portal in a run, so these verify that the portal the system was tested against held the
 * standard (a lenient counterpart would let a system pass what the real portal refuses).
 * They use the system's registered credentials and are marked so that they are never
 * mistaken for the system's own calls.
 */

export const MARK = { [COUNTERPART_HEADER]: 'counterpart' };

async function assertion(ctx: Ctx, claims: { aud?: string; jti?: string; lifetime?: number; iss?: string } = {}): Promise<string> {
  const c = ctx.env.portal.credentials;
  const key = await importPKCS8(c.privateKeyPem!, /BEGIN RSA|rsaEncryption/.test(c.privateKeyPem!) ? 'RS256' : 'ES256').catch(() => importPKCS8(c.privateKeyPem!, 'RS256'));
  const alg = (key as { algorithm?: { name?: string } }).algorithm?.name === 'ECDSA' ? 'ES256' : 'RS256';
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setIssuer(claims.iss ?? c.clientId)
    .setSubject(c.clientId)
    .setAudience(claims.aud ?? c.tokenEndpoint)
    .setJti(claims.jti ?? randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.lifetime ?? 120))
    .sign(key);
}

async function tokenRequest(ctx: Ctx, form: Record<string, string>, label: string): Promise<HttpResponse> {
  return ctx.send({ method: 'POST', url: ctx.env.portal.credentials.tokenEndpoint, headers: { 'content-type': 'application/x-www-form-urlencoded', ...MARK }, body: new URLSearchParams(form).toString(), label });
}

const GRANT = { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' };

export async function systemToken(ctx: Ctx, scope: string): Promise<string> {
  const res = await tokenRequest(ctx, { ...GRANT, client_assertion: await assertion(ctx), scope }, `requestToken (${scope})`);
  const token = (res.json as { access_token?: string } | undefined)?.access_token;
  if (res.status !== 200 || !token) ctx.inconclusive(`the suite could not obtain a token from its portal for ${scope} (${res.status})`);
  return token;
}

/** Headers of a call the suite makes to its portal as the system: a token for its dossiers, and the counterpart mark. */
async function systemHeaders(ctx: Ctx): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await systemToken(ctx, 'dossiers.write dossiers.read')}`, ...MARK };
}

/** Two ministries' codes, for "another agency" of a ministry system (or a ministry's, for a province's). */
const MINISTRIES = ['000.00.00.G09', '000.00.00.G10'] as const;

/** Logs in to the suite's dvcqg gateway with the system's account; INCONCLUSIVE if it cannot. */
async function dvcqgSession(ctx: Ctx): Promise<string> {
  const c = ctx.env.portal.credentials;
  const login = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/login`, headers: MARK, body: { username: c.dvcqgUsername, password: c.dvcqgPassword }, label: 'dvcqgLogin' });
  const session = (login.json as { session?: string } | undefined)?.session;
  if (!session) ctx.inconclusive(`the suite could not log in to its portal's dvcqg gateway (${login.status} ${login.text.slice(0, 160)})`);
  return session;
}

/** One dvcqg integration call of the system's agency; answers the response and the result item for MaHoSo. */
async function dvcqgCall(ctx: Ctx, session: string, service: string, fields: Record<string, unknown>, MaHoSo: string, label: string): Promise<{ res: HttpResponse; item?: { MaHoSo?: string; error_code?: string; message?: string } }> {
  const res = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/integration`, headers: MARK, body: { session, madonvi: ctx.env.portal.credentials.agencyCode, service, ...fields }, label });
  const item = ((res.json as { result?: { MaHoSo?: string; error_code?: string; message?: string }[] } | undefined)?.result ?? []).find((r) => r.MaHoSo === MaHoSo);
  return item ? { res, item } : { res };
}

const OK_CODE = (code: unknown) => code === '0' || code === '00';

/**
 * A dossier of the system's agency that lives only at the portal: a copy of one the system
 * synced, under a code dated 2020-01-01 (a day the system numbers nothing on now) and received
 * that day, so it is not counted in this month's statistics.
 */
async function portalOnlyDossier(ctx: Ctx): Promise<Record<string, unknown> & { MaHoSo: string }> {
  const template = await syncedAt(ctx, (await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) })).MaHoSo, ['2', '4', '5', '9', '10']);
  const { GhiChu: _reason, DanhSachHoSoBoSung: _requests, NgayKetThucXuLy: _ended, NgayTra: _returned, ...copied } = template.dossier;
  return { ...copied, MaHoSo: `${ctx.env.portal.credentials.agencyCode}-200101-${ctx.random.digits(4)}`, NgayTiepNhan: '20200101080000' };
}

export const counterpartChecks: Check[] = [
  check({
    id: 'counterpart.discovery-and-jwks',
    counterpart: true,
    title: "Counterpart: the suite's portal publishes its OpenID configuration and JWKS",
    area: 'authentication',
    requirements: ['DVC-AUTH-010'],
    bindings: ['rest'],
    run: async (ctx: Ctx) => {
      const res = await ctx.send({ url: `${ctx.env.portal.url}/.well-known/openid-configuration`, headers: MARK, label: 'getOpenIdConfiguration' });
      const d = (res.json ?? {}) as Record<string, unknown>;
      const missing = ['issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'token_endpoint_auth_methods_supported', 'code_challenge_methods_supported', 'acr_values_supported'].filter((k) => d[k] === undefined);
      ctx.verify(res.status === 200 && missing.length === 0, { message: 'The discovery document has every field the standard lists', expected: 'all fields', found: missing.length ? `missing ${missing.join(', ')}` : 'all present', response: res });
      ctx.verify(Array.isArray(d.token_endpoint_auth_methods_supported) && d.token_endpoint_auth_methods_supported.includes('private_key_jwt') && JSON.stringify(d.code_challenge_methods_supported) === '["S256"]', { message: 'private_key_jwt and S256 are offered', expected: 'private_key_jwt; [S256]', found: `${JSON.stringify(d.token_endpoint_auth_methods_supported)}; ${JSON.stringify(d.code_challenge_methods_supported)}`, response: res });
      const jwks = await ctx.send({ url: String(d.jwks_uri ?? `${ctx.env.portal.url}/.well-known/jwks.json`), headers: MARK, label: 'getJwks' });
      const kids = ((jwks.json as { keys?: { kid?: string }[] } | undefined)?.keys ?? []).map((k) => k.kid);
      ctx.verify(kids.length > 0 && kids.every(Boolean) && new Set(kids).size === kids.length, { message: 'Each JWKS key has a unique kid', expected: 'unique kids', found: kids.join(', '), response: jwks });
    },
  }),
  check({
    id: 'counterpart.token-endpoint-strict',
    counterpart: true,
    title: "Counterpart: the suite's token endpoint refuses bad assertions and replays with RFC 6749 errors",
    area: 'authentication',
    requirements: ['DVC-AUTH-002', 'DVC-AUTH-003', 'DVC-AUTH-006'],
    bindings: ['rest'],
    run: async (ctx: Ctx) => {
      const jti = randomUUID();
      const good = await assertion(ctx, { jti });
      const ok = await tokenRequest(ctx, { ...GRANT, client_assertion: good }, 'requestToken with a valid assertion');
      ctx.require(ok.status === 200, { requirements: ['DVC-AUTH-002'], message: 'A valid assertion gets a token', expected: 200, found: `${ok.status} ${ok.text.slice(0, 160)}`, response: ok });
      const replay = await tokenRequest(ctx, { ...GRANT, client_assertion: good }, 'requestToken replaying the same assertion');
      ctx.verify(replay.status === 400 || replay.status === 401, { requirements: ['DVC-AUTH-003'], message: 'A replayed jti is refused', expected: '400 or 401', found: replay.status, response: replay });
      const cases: [string, Promise<string>][] = [
        ['an assertion for another audience', assertion(ctx, { aud: 'https://example.invalid/token' })],
        ['an assertion living 10 minutes', assertion(ctx, { lifetime: 600 })],
        ['an assertion whose iss differs from sub', assertion(ctx, { iss: 'someone-else' })],
      ];
      for (const [what, made] of cases) {
        const res = await tokenRequest(ctx, { ...GRANT, client_assertion: await made }, `requestToken with ${what}`);
        const body = res.json as { error?: string; error_description?: string } | undefined;
        ctx.verify((res.status === 400 || res.status === 401) && typeof body?.error === 'string', { requirements: ['DVC-AUTH-002', 'DVC-AUTH-006'], message: `${what} is refused with an RFC 6749 error`, expected: '400/401 { error, error_description }', found: `${res.status} ${res.text.slice(0, 120)}`, response: res });
      }
      const grant = await tokenRequest(ctx, { grant_type: 'password' }, 'requestToken with grant_type=password');
      const error = (grant.json as { error?: string } | undefined)?.error;
      ctx.verify(grant.status === 400 && typeof error === 'string', { requirements: ['DVC-AUTH-006'], message: 'An unsupported grant answers 400 with an RFC 6749 error', expected: '400 { error: "unsupported_grant_type", error_description }', found: `${grant.status} ${grant.text.slice(0, 120)}`, response: grant });
      if (error !== 'unsupported_grant_type') ctx.note(`The portal answered error "${error}" to grant_type=password; RFC 6749 §5.2 names this case unsupported_grant_type.`);
    },
  }),
  check({
    id: 'counterpart.redirect-uri-exact',
    counterpart: true,
    title: "Counterpart: the suite's sign-on refuses an unregistered redirect_uri without redirecting",
    area: 'sso',
    requirements: ['DVC-SSO-007'],
    bindings: ['rest'],
    run: async (ctx: Ctx) => {
      const q = new URLSearchParams({ response_type: 'code', client_id: ctx.env.portal.clientId, redirect_uri: 'https://attacker.example/cb', scope: 'openid', state: randomUUID(), nonce: randomUUID(), code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', acr_values: 'LoA1' });
      const res = await ctx.send({ url: `${ctx.env.portal.url}/oauth2/authorize?${q}`, headers: MARK, label: 'authorize with an unregistered redirect_uri' });
      ctx.verify(res.status >= 400 && !(res.headers.location ?? '').startsWith('https://attacker.example'), { message: 'No redirect to an unregistered redirect_uri', expected: '4xx, no Location to it', found: `${res.status} ${res.headers.location ?? ''}`, response: res });
    },
  }),
  check({
    id: 'counterpart.read-back',
    counterpart: true,
    title: "Counterpart: the suite's portal lets the system read back its dossiers, their history and the reference data",
    area: 'status-sync',
    requirements: ['DVC-LKP-004', 'DVC-HIST-005', 'DVC-SYNC-010', 'DVC-REF-001', 'DVC-REF-003'],
    bindings: ['rest'],
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      await syncedAt(ctx, MaHoSo, ['4', '9', '10']);
      const token = await systemToken(ctx, 'dossiers.read catalogue.read');
      const auth = { authorization: `Bearer ${token}`, ...MARK };
      const one = await ctx.send({ url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(MaHoSo)}`, headers: auth, label: 'getDossier' });
      ctx.verify(one.status === 200, { requirements: ['DVC-LKP-004', 'DVC-SYNC-010'], message: 'A synced dossier can be read back by MaHoSo', expected: 200, found: one.status, response: one });
      const events = await ctx.send({ url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(MaHoSo)}/events?limit=1`, headers: auth, label: 'listDossierEvents (limit 1)' });
      const page = events.json as { items?: unknown[]; nextCursor?: unknown } | undefined;
      ctx.verify(events.status === 200 && (page?.items?.length ?? 0) === 1 && typeof page?.nextCursor === 'string', { requirements: ['DVC-HIST-005'], message: 'The history is readable by MaHoSo, paginated', expected: '1 item and a nextCursor', found: `${events.status} ${events.text.slice(0, 120)}`, response: events });
      const list = await ctx.send({ url: `${ctx.env.portal.url}/v1/dossiers?limit=5`, headers: auth, label: 'listDossiers' });
      ctx.verify(list.status === 200 && Array.isArray((list.json as { items?: unknown[] } | undefined)?.items), { requirements: ['DVC-SYNC-010'], message: "The system can list its agency's dossiers", expected: '200 { items }', found: list.status, response: list });
      const before = await ctx.send({ url: `${ctx.env.portal.url}/v1/reference/provinces?asOf=2025-06-30&limit=100`, headers: auth, label: 'listProvinces on 2025-06-30' });
      const after = await ctx.send({ url: `${ctx.env.portal.url}/v1/reference/provinces?asOf=2025-07-01&limit=100`, headers: auth, label: 'listProvinces on 2025-07-01' });
      const count = (r: HttpResponse) => ((r.json as { items?: unknown[] } | undefined)?.items ?? []).length;
      ctx.verify(count(before) === 63 && count(after) === 34, { requirements: ['DVC-REF-001'], message: '63 provincial units until 2025-06-30, 34 from 2025-07-01', expected: '63 / 34', found: `${before.status}:${count(before)} / ${after.status}:${count(after)}`, response: [before, after] });
      const ministries = await ctx.send({ url: `${ctx.env.portal.url}/v1/reference/ministries?asOf=2025-03-01&limit=100`, headers: auth, label: 'listMinistries on 2025-03-01' });
      ctx.verify(ministries.status === 200 && count(ministries) === 17, { requirements: ['DVC-REF-003'], message: '14 ministries and 3 ministry-level agencies from 2025-03-01', expected: 17, found: `${ministries.status}:${count(ministries)}`, response: ministries });
    },
  }),
  check({
    id: 'counterpart.agency-scope',
    title: "Counterpart: the suite's portal keeps each system to its agency (403 for another agency's dossier)",
    area: 'authentication',
    requirements: ['DVC-AUTH-007'],
    bindings: ['rest'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const c = ctx.env.portal.credentials;
      const headers = await systemHeaders(ctx);
      const dossier = await portalOnlyDossier(ctx);
      // An agency other than the system's (a ministry's, or another ministry's for a ministry system).
      const other = anotherAgency(c.agencyCode, MINISTRIES);
      const foreign = `${other}-200101-${ctx.random.digits(4)}`;
      const body = { ...dossier, MaHoSo: foreign, TrangThaiHoSo: '2' };
      const signature = await signMessage(body, { privateKey: c.privateKeyPem!, certificates: c.chainPem! });
      const put = await ctx.send({ method: 'PUT', url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(foreign)}`, headers: { ...headers, 'x-dvc-signature': signature, 'idempotency-key': randomUUID() }, body, label: "upsertDossier of another agency's dossier" });
      ctx.verify(put.status === 403, { requirements: ['DVC-AUTH-007'], message: "Writing another agency's dossier is refused with 403", expected: 403, found: `${put.status} ${put.text.slice(0, 160)}`, response: put });
      const read = await ctx.send({ url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(`${other}-200101-${ctx.random.digits(4)}`)}`, headers, label: "getDossier of another agency's dossier code" });
      ctx.verify(read.status === 403, { requirements: ['DVC-AUTH-007'], message: "Reading a dossier of another agency is refused with 403", expected: 403, found: `${read.status} ${read.text.slice(0, 160)}`, response: read });
    },
  }),
  check({
    id: 'counterpart.other-agency-signer-refused',
    title: "Counterpart: the suite's portal refuses a dossier signed with another agency's certificate from its own government CA",
    area: 'signatures',
    requirements: ['DVC-SIG-005'],
    // The dvcqg envelope carries no message signature: upsertDossier is where the portal checks the signer.
    bindings: ['rest'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const c = ctx.env.portal.credentials;
      const headers = await systemHeaders(ctx);
      const dossier = { ...(await portalOnlyDossier(ctx)), TrangThaiHoSo: '2' };
      const url = `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(dossier.MaHoSo)}`;
      // Trusted chain, valid signature, the system's own token: only the agency of the signer is wrong.
      const other = anotherAgency(c.agencyCode);
      const foreign = await ctx.env.portal.pki.issueEndEntity({ subject: { commonName: `Hệ thống một cửa ${other}`, organization: other, country: 'VN' }, issuer: 'governmentCa' });
      const put = async (signer: { privateKeyPem?: string; chainPem?: string[] }, label: string) =>
        ctx.send({ method: 'PUT', url, headers: { ...headers, 'x-dvc-signature': await signMessage(dossier, { privateKey: signer.privateKeyPem!, certificates: signer.chainPem! }), 'idempotency-key': randomUUID() }, body: dossier, label });
      const refused = await put(foreign, `upsertDossier signed by agency ${other}`);
      ctx.verify(refused.status >= 400 && refused.status < 500 && PROBLEM_JSON.test(refused.headers['content-type'] ?? ''), { requirements: ['DVC-SIG-005'], message: `A dossier of ${c.agencyCode} signed with agency ${other}'s certificate is refused with problem+json`, expected: '4xx application/problem+json', found: `${refused.status} ${refused.headers['content-type'] ?? ''} ${refused.text.slice(0, 200)}`, response: refused });
      const read = await ctx.send({ url, headers, label: 'getDossier of the refused dossier' });
      ctx.verify(read.status === 404, { requirements: ['DVC-SIG-005'], message: 'The refused dossier is not at the portal', expected: 404, found: `${read.status} ${read.text.slice(0, 160)}`, response: read });
      // The same dossier signed by the system itself goes through: the refusal was about the signer.
      const accepted = await put(c, "upsertDossier of the same dossier signed with the system's own certificate");
      ctx.verify(accepted.status === 201, { requirements: ['DVC-SIG-005'], message: "The same dossier signed with the system's own certificate is accepted as new", expected: 201, found: `${accepted.status} ${accepted.text.slice(0, 200)}`, response: accepted });
    },
  }),
  check({
    id: 'counterpart.agency-scope-and-payments',
    title: "Counterpart: the suite's portal keeps each system to its agency and itemises payments in the five states",
    area: 'payment',
    requirements: ['DVC-AUTH-007', 'DVC-PAY-002', 'DVC-PAY-005'],
    // Payments are rest operations of the portal in both bindings (createPayment, getPayment);
    // DVC-AUTH-007 at every online level is decided by counterpart.agency-scope (rest) and counterpart.dvcqg-envelope.
    online: ['full'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const c = ctx.env.portal.credentials;
      const token = await systemToken(ctx, 'dossiers.write payments.write payments.read');
      const headers = { authorization: `Bearer ${token}`, ...MARK };
      const procedure = await pickProcedure(ctx, { fees: true });
      const paying = await receive(ctx, { procedure, payOnline: true });
      const atSix = await portalRecord(ctx, paying.MaHoSo, (r) => r.dossier.TrangThaiHoSo === '6');
      ctx.require(atSix !== undefined, { requirements: ['DVC-PAY-002', 'DVC-PAY-005'], message: 'A fee-charging dossier is synced waiting for payment', expected: 'status 6 at the portal', found: 'not synced' });

      const other = anotherAgency(c.agencyCode, MINISTRIES);
      const foreign = `${other}-${paying.MaHoSo.split('-')[1]}-${ctx.random.digits(4)}`;
      const body = { ...atSix!.dossier, MaHoSo: foreign };
      const signature = await signMessage(body, { privateKey: c.privateKeyPem!, certificates: c.chainPem! });
      const put = await ctx.send({ method: 'PUT', url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(foreign)}`, headers: { ...headers, 'x-dvc-signature': signature, 'idempotency-key': randomUUID() }, body, label: "upsertDossier of another agency's dossier" });
      ctx.verify(put.status === 403, { requirements: ['DVC-AUTH-007'], message: "Writing another agency's dossier is refused with 403", expected: 403, found: `${put.status} ${put.text.slice(0, 160)}`, response: put });
      const fees = paying.submission.DanhSachLePhi ?? [];
      const created = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/v1/payments`, headers: { ...headers, 'idempotency-key': randomUUID() }, body: { MaHoSo: paying.MaHoSo, DanhSachLePhi: fees, returnUrl: `${ctx.env.target}/thanh-toan` }, label: 'createPayment for the fees' });
      const p = created.json as { paymentId?: string; amount?: number; status?: string; currency?: string } | undefined;
      const total = fees.reduce((s, f) => s + f.Gia, 0);
      ctx.verify(created.status === 201 && p?.amount === total && p?.currency === 'VND', { requirements: ['DVC-PAY-002'], message: 'The payment is created for the sum of the items, in đồng', expected: `201 { amount: ${total}, currency: VND }`, found: `${created.status} ${created.text.slice(0, 160)}`, response: created });
      ctx.verify(created.status === 201 && p?.status === 'pending', { requirements: ['DVC-PAY-005'], message: 'A payment just created is pending (one of the five states)', expected: '201 { status: pending }', found: `${created.status} ${p?.status}`, response: created });
      ctx.require(typeof p?.paymentId === 'string', { requirements: ['DVC-PAY-005'], message: 'The created payment has a paymentId to read it back by', expected: 'paymentId', found: created.text.slice(0, 160), response: created });
      const read = await ctx.send({ url: `${ctx.env.portal.url}/v1/payments/${encodeURIComponent(p!.paymentId!)}`, headers, label: 'getPayment' });
      const got = read.json as { amount?: number; status?: string } | undefined;
      ctx.verify(read.status === 200 && got?.amount === total, { requirements: ['DVC-PAY-002'], message: 'The payment reads back with the same amount', expected: total, found: `${read.status} ${read.text.slice(0, 120)}`, response: read });
      ctx.verify(read.status === 200 && ['pending', 'paid', 'failed', 'expired', 'refunded'].includes(String(got?.status)), { requirements: ['DVC-PAY-005'], message: 'The payment read back is in one of the five states', expected: 'pending | paid | failed | expired | refunded', found: `${read.status} ${got?.status}`, response: read });
    },
  }),
  check({
    id: 'counterpart.payment-refused-without-fees',
    title: "Counterpart: the suite's portal refuses a payment for a dossier that charges no fee",
    area: 'payment',
    requirements: ['DVC-PAY-001'],
    bindings: ['rest'],
    online: ['full'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const token = await systemToken(ctx, 'dossiers.write payments.write payments.read');
      const headers = { authorization: `Bearer ${token}`, ...MARK };
      const free = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), files: false });
      const synced = await syncedAt(ctx, free.MaHoSo, ['5']);
      ctx.require((synced.dossier.DanhSachLePhi ?? []).length === 0, { requirements: ['DVC-PAY-001'], message: 'The dossier of a procedure without fees is synced with no DanhSachLePhi', expected: 'no fees', found: JSON.stringify(synced.dossier.DanhSachLePhi ?? []).slice(0, 160) });
      // Fees the dossier does not charge: the portal must go by the synced record, not by the request.
      const fees = [{ TenPhiLePhi: 'Lệ phí', MaPhiLePhi: 'LP01', HinhThucThu: '2', Gia: 100000, LoaiPhiLePhi: '1' }];
      const res = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/v1/payments`, headers: { ...headers, 'idempotency-key': randomUUID() }, body: { MaHoSo: free.MaHoSo, DanhSachLePhi: fees, returnUrl: `${ctx.env.target}/thanh-toan` }, label: 'createPayment for a dossier without fees' });
      const errors = (res.json as { errors?: { pointer?: unknown }[] } | undefined)?.errors ?? [];
      ctx.verify(res.status === 422 && PROBLEM_JSON.test(res.headers['content-type'] ?? '') && errors.some((e) => typeof e.pointer === 'string'), { requirements: ['DVC-PAY-001'], message: 'createPayment for a dossier whose procedure has no fee answers 422 problem+json with a pointer', expected: '422 application/problem+json { errors: [{ pointer }] }', found: `${res.status} ${res.headers['content-type'] ?? ''} ${res.text.slice(0, 200)}`, response: res });
    },
  }),
  check({
    id: 'counterpart.not-received-needs-reason',
    title: "Counterpart: the suite's portal refuses a dossier at status 3 (not received) that gives no reason",
    area: 'reception',
    requirements: ['DVC-RCV-007'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const c = ctx.env.portal.credentials;
      const rest = await portalOnlyDossier(ctx);
      const { MaHoSo } = rest;
      const reason = 'Thành phần hồ sơ không đúng quy định.';
      if (ctx.env.scope.binding === 'dvcqg') {
        // The dvcqg binding writes dossiers with DongBoHoSoMC: the answer is per item.
        const session = await dvcqgSession(ctx);
        const sync = (dossier: Record<string, unknown>, updating: boolean, label: string) => dvcqgCall(ctx, session, 'DongBoHoSoMC', { isUpdating: updating ? 'True' : 'False', data: [dossier] }, MaHoSo, label);
        const created = await sync({ ...rest, TrangThaiHoSo: '1' }, false, 'DongBoHoSoMC at status 1');
        if (!OK_CODE(created.item?.error_code)) ctx.inconclusive(`the suite could not create a dossier at status 1 on its portal (${created.res.status} ${created.res.text.slice(0, 160)})`);
        const silent = await sync({ ...rest, TrangThaiHoSo: '3' }, true, 'DongBoHoSoMC at status 3 without GhiChu');
        ctx.verify(silent.res.status === 200 && silent.item !== undefined && !OK_CODE(silent.item.error_code) && typeof silent.item.error_code === 'string', { requirements: ['DVC-RCV-007'], message: 'A dossier not received (status 3) with no reason in GhiChu is refused: its DongBoHoSoMC item answers a non-zero error_code', expected: 'error_code other than "0" for the dossier', found: `${silent.res.status} ${silent.res.text.slice(0, 200)}`, response: silent.res });
        if (silent.item && !/GhiChu/.test(silent.item.message ?? '')) ctx.note(`The refusal's message does not name GhiChu: ${JSON.stringify(silent.item.message ?? '').slice(0, 160)}`);
        const reasoned = await sync({ ...rest, TrangThaiHoSo: '3', GhiChu: reason }, true, 'DongBoHoSoMC at status 3 with the reason');
        ctx.verify(reasoned.res.status === 200 && OK_CODE(reasoned.item?.error_code), { requirements: ['DVC-RCV-007'], message: 'The same dossier at status 3 with its reason in GhiChu is accepted by DongBoHoSoMC', expected: 'error_code "0" for the dossier', found: `${reasoned.res.status} ${reasoned.res.text.slice(0, 200)}`, response: reasoned.res });
        return;
      }
      const headers = await systemHeaders(ctx);
      const put = async (dossier: Record<string, unknown>, label: string) => {
        const signature = await signMessage(dossier, { privateKey: c.privateKeyPem!, certificates: c.chainPem! });
        return ctx.send({ method: 'PUT', url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(MaHoSo)}`, headers: { ...headers, 'x-dvc-signature': signature, 'idempotency-key': randomUUID() }, body: dossier, label });
      };
      const created = await put({ ...rest, TrangThaiHoSo: '1' }, 'upsertDossier at status 1');
      if (created.status !== 201) ctx.inconclusive(`the suite could not create a dossier at status 1 on its portal (${created.status} ${created.text.slice(0, 160)})`);
      const silent = await put({ ...rest, TrangThaiHoSo: '3' }, 'upsertDossier at status 3 without GhiChu');
      const pointers = ((silent.json as { errors?: { pointer?: unknown }[] } | undefined)?.errors ?? []).map((e) => e.pointer);
      ctx.verify(silent.status === 422 && pointers.includes('/GhiChu'), { requirements: ['DVC-RCV-007'], message: 'A dossier not received (status 3) with no reason in GhiChu is refused with a validation error at /GhiChu', expected: '422 with pointer /GhiChu', found: `${silent.status} ${silent.text.slice(0, 200)}`, response: silent });
      const reasoned = await put({ ...rest, TrangThaiHoSo: '3', GhiChu: reason }, 'upsertDossier at status 3 with the reason');
      ctx.verify(reasoned.status === 200, { requirements: ['DVC-RCV-007'], message: 'The same dossier at status 3 with its reason in GhiChu is accepted', expected: 200, found: `${reasoned.status} ${reasoned.text.slice(0, 200)}`, response: reasoned });
    },
  }),
  check({
    id: 'counterpart.duplicate-step-once',
    title: "Counterpart: the suite's portal records a step sent twice only once",
    area: 'history',
    requirements: ['DVC-HIST-004'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const c = ctx.env.portal.credentials;
      const dossier = { ...(await portalOnlyDossier(ctx)), TrangThaiHoSo: '2' };
      const { MaHoSo } = dossier;
      const token = await systemToken(ctx, ctx.env.scope.binding === 'dvcqg' ? 'dossiers.read' : 'dossiers.write dossiers.read');
      const headers = { authorization: `Bearer ${token}`, ...MARK };
      const step = { MaHoSo, NguoiXuLy: 'Nguyễn Văn Thành', ChucDanh: 'Chuyên viên', ThoiDiemXuLy: '20200101093000', PhongBanXuLy: 'Bộ phận một cửa', NoiDungXuLy: 'Chuyển hồ sơ cho chuyên viên thụ lý', TrangThai: '4' };
      if (ctx.env.scope.binding === 'dvcqg') {
        const session = await dvcqgSession(ctx);
        const created = await dvcqgCall(ctx, session, 'DongBoHoSoMC', { isUpdating: 'False', data: [dossier] }, MaHoSo, 'DongBoHoSoMC at status 2');
        if (!OK_CODE(created.item?.error_code)) ctx.inconclusive(`the suite could not create a dossier on its portal (${created.res.status} ${created.res.text.slice(0, 160)})`);
        for (const label of ['CapNhatTienDoHoSoMC of a step', 'CapNhatTienDoHoSoMC of the same step again']) {
          const sent = await dvcqgCall(ctx, session, 'CapNhatTienDoHoSoMC', { data: [step] }, MaHoSo, label);
          ctx.verify(sent.res.status === 200 && OK_CODE(sent.item?.error_code), { requirements: ['DVC-HIST-004'], message: `${label} is accepted (resending is safe)`, expected: 'error_code "0" for the dossier', found: `${sent.res.status} ${sent.res.text.slice(0, 200)}`, response: sent.res });
        }
      } else {
        const signature = await signMessage(dossier, { privateKey: c.privateKeyPem!, certificates: c.chainPem! });
        const created = await ctx.send({ method: 'PUT', url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(MaHoSo)}`, headers: { ...headers, 'x-dvc-signature': signature, 'idempotency-key': randomUUID() }, body: dossier, label: 'upsertDossier at status 2' });
        if (created.status !== 201) ctx.inconclusive(`the suite could not create a dossier on its portal (${created.status} ${created.text.slice(0, 160)})`);
        const body = { events: [step] };
        for (const label of ['appendDossierEvents of a step', 'appendDossierEvents of the same step again (another Idempotency-Key)']) {
          const sig = await signMessage(body, { privateKey: c.privateKeyPem!, certificates: c.chainPem! });
          const sent = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(MaHoSo)}/events`, headers: { ...headers, 'x-dvc-signature': sig, 'idempotency-key': randomUUID() }, body, label });
          ctx.verify(sent.status === 201 || sent.status === 200, { requirements: ['DVC-HIST-004'], message: `${label} is accepted (resending is safe)`, expected: '201 (or 200)', found: `${sent.status} ${sent.text.slice(0, 200)}`, response: sent });
        }
      }
      const listed = await ctx.send({ url: `${ctx.env.portal.url}/v1/dossiers/${encodeURIComponent(MaHoSo)}/events?limit=100`, headers, label: 'listDossierEvents' });
      const items = (listed.json as { items?: { ThoiDiemXuLy?: string; TrangThai?: string; NguoiXuLy?: string }[] } | undefined)?.items ?? [];
      const same = items.filter((s) => s.ThoiDiemXuLy === step.ThoiDiemXuLy && s.TrangThai === step.TrangThai && s.NguoiXuLy === step.NguoiXuLy);
      ctx.verify(listed.status === 200 && same.length === 1 && items.length === 1, { requirements: ['DVC-HIST-004'], message: 'listDossierEvents shows the step sent twice as one step', expected: 'one step', found: `${listed.status} ${items.length} step(s), ${same.length} of them the one sent: ${listed.text.slice(0, 200)}`, response: listed });
    },
  }),
  check({
    id: 'counterpart.report-resubmission-replaces',
    title: "Counterpart: the suite's portal replaces a statistics report resubmitted for the same period",
    area: 'statistics',
    requirements: ['DVC-STAT-002'],
    bindings: ['rest'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const token = await systemToken(ctx, 'statistics.write statistics.read');
      const headers = { authorization: `Bearer ${token}`, ...MARK };
      // A quarter long past, so the reports the system itself sends are left alone.
      const period = { kind: 'quarter', from: '2020-01-01', to: '2020-03-31' };
      const report = (received: number) => ({ agencyCode: ctx.env.portal.agencyCode, period, totals: { received, online: received, onTime: received, late: 0, inProgress: 0, onlineRate: 1 }, procedures: [] });
      const submit = (received: number, label: string) => ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/v1/statistics/reports`, headers: { ...headers, 'idempotency-key': randomUUID() }, body: report(received), label });
      const first = await submit(10, 'submitStatisticsReport for 2020-Q1');
      const location = first.headers.location;
      if (first.status !== 201 || !location) ctx.inconclusive(`the suite could not submit a report to its portal (${first.status} ${first.text.slice(0, 160)})`);
      const second = await submit(12, 'submitStatisticsReport for 2020-Q1 again, other figures');
      ctx.verify(second.status === 201 || second.status === 200, { requirements: ['DVC-STAT-002'], message: 'A report resubmitted for the same period is accepted', expected: 201, found: `${second.status} ${second.text.slice(0, 200)}`, response: second });
      const read = await ctx.send({ url: new URL(location, ctx.env.portal.url).href, headers, label: 'getStatisticsReport of the first submission' });
      const totals = (read.json as { totals?: { received?: number } } | undefined)?.totals;
      ctx.verify(read.status === 200 && totals?.received === 12, { requirements: ['DVC-STAT-002'], message: 'The period’s report is now the resubmitted one (it replaced the first)', expected: 'totals.received 12', found: `${read.status} ${read.text.slice(0, 200)}`, response: read });
    },
  }),
  check({
    id: 'counterpart.evaluation-rules',
    title: "Counterpart: the suite's portal takes one evaluation per finished dossier and refuses the rest",
    area: 'evaluation',
    requirements: ['DVC-EVAL-002'],
    bindings: ['rest'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const token = await systemToken(ctx, 'evaluations.write evaluations.read');
      const headers = { authorization: `Bearer ${token}`, ...MARK };
      // A dossier missing documents waits at status 5 (handling not ended); a complete one runs to 10.
      const open = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), files: false });
      const done = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      await syncedAt(ctx, open.MaHoSo, ['5']);
      await syncedAt(ctx, done.MaHoSo, ['10']);
      const item = (MaHoSo: string) => ({ MaHoSo, NgayDanhGia: nowPortal(-1000), KenhDanhGia: '2', KetQua: '2' });
      const submit = (MaHoSo: string, label: string) => ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/v1/evaluations`, headers: { ...headers, 'idempotency-key': randomUUID() }, body: { items: [item(MaHoSo)] }, label });
      const pointerOf = (r: HttpResponse) => ((r.json as { errors?: { pointer?: unknown }[] } | undefined)?.errors ?? []).map((e) => e.pointer);

      const unfinished = await submit(open.MaHoSo, 'submitEvaluations for a dossier at status 5');
      ctx.verify(unfinished.status === 422 && pointerOf(unfinished).includes('/items/0/MaHoSo'), { requirements: ['DVC-EVAL-002'], message: 'An evaluation of a dossier whose handling has not ended is refused with 422 at /items/0/MaHoSo', expected: '422 with pointer /items/0/MaHoSo', found: `${unfinished.status} ${unfinished.text.slice(0, 200)}`, response: unfinished });
      const first = await submit(done.MaHoSo, 'submitEvaluations for a dossier at status 10');
      ctx.verify(first.status === 202 || first.status === 200, { requirements: ['DVC-EVAL-002'], message: 'The first evaluation of a finished dossier is accepted', expected: 202, found: `${first.status} ${first.text.slice(0, 200)}`, response: first });
      const second = await submit(done.MaHoSo, 'submitEvaluations again for the same dossier');
      ctx.verify(second.status === 422 && pointerOf(second).includes('/items/0/MaHoSo'), { requirements: ['DVC-EVAL-002'], message: 'A second evaluation of the same dossier is refused with 422 at /items/0/MaHoSo', expected: '422 with pointer /items/0/MaHoSo', found: `${second.status} ${second.text.slice(0, 200)}`, response: second });
      const listed = await ctx.send({ url: `${ctx.env.portal.url}/v1/evaluations?limit=100`, headers, label: 'listEvaluations' });
      const kept = ((listed.json as { items?: { MaHoSo?: string }[] } | undefined)?.items ?? []).filter((e) => e.MaHoSo === done.MaHoSo || e.MaHoSo === open.MaHoSo);
      ctx.verify(listed.status === 200 && kept.length === 1 && kept[0]!.MaHoSo === done.MaHoSo, { requirements: ['DVC-EVAL-002'], message: 'The portal keeps only the one accepted evaluation', expected: `one evaluation, of ${done.MaHoSo}`, found: `${listed.status} ${JSON.stringify(kept).slice(0, 200)}`, response: listed });
    },
  }),
  check({
    id: 'counterpart.dvcqg-envelope',
    title: "Counterpart: the suite's dvcqg gateway answers error codes, looks dossiers up and keeps each account to its agency",
    area: 'errors',
    requirements: ['DVC-ERR-002', 'DVC-LKP-004', 'DVC-AUTH-007'],
    bindings: ['dvcqg'],
    counterpart: true,
    run: async (ctx: Ctx) => {
      const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      await syncedAt(ctx, MaHoSo, ['2', '4', '5', '6', '9', '10']);
      const c = ctx.env.portal.credentials;
      const login = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/login`, headers: MARK, body: { username: c.dvcqgUsername, password: c.dvcqgPassword }, label: 'dvcqgLogin' });
      const session = (login.json as { session?: string } | undefined)?.session;
      const code = (r: HttpResponse) => (r.json as { error_code?: unknown } | undefined)?.error_code;
      ctx.require(login.status === 200 && typeof session === 'string', { requirements: ['DVC-ERR-002'], message: 'The dvcqg login answers a session', expected: '{ session, error_code: "0" }', found: login.text.slice(0, 160), response: login });
      const mine = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/integration`, headers: MARK, body: { session, madonvi: c.agencyCode, service: 'TraCuuHoSo', MaHoSo }, label: 'TraCuuHoSo of a synced dossier' });
      ctx.verify(['0', '00'].includes(String(code(mine))) && mine.text.includes(MaHoSo), { requirements: ['DVC-LKP-004', 'DVC-ERR-002'], message: 'TraCuuHoSo finds the synced dossier with error_code "0"/"00"', expected: 'error_code 0 and the dossier', found: mine.text.slice(0, 160), response: mine });
      const unknown = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/integration`, headers: MARK, body: { session, madonvi: c.agencyCode, service: 'TraCuuHoSo', MaHoSo: `${c.agencyCode}-200101-9999` }, label: 'TraCuuHoSo of an unknown code' });
      ctx.verify(code(unknown) === '03', { requirements: ['DVC-ERR-002'], message: 'An unknown dossier answers error_code "03"', expected: '"03"', found: code(unknown), response: unknown });
      const foreign = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/integration`, headers: MARK, body: { session, madonvi: '000.00.00.G09', service: 'TraCuuHoSo', MaHoSo: `000.00.00.G09-200101-0001` }, label: "TraCuuHoSo for another agency's madonvi" });
      ctx.verify(code(foreign) === '05', { requirements: ['DVC-AUTH-007', 'DVC-ERR-002'], message: 'Another agency\'s madonvi answers error_code "05"', expected: '"05"', found: code(foreign), response: foreign });
      const stale = await ctx.send({ method: 'POST', url: `${ctx.env.portal.url}/dvcqg/integration`, headers: MARK, body: { session: 'not-a-session', madonvi: c.agencyCode, service: 'TraCuuHoSo', MaHoSo }, label: 'TraCuuHoSo with an invalid session' });
      ctx.verify(code(stale) === '01', { requirements: ['DVC-ERR-002'], message: 'An invalid session answers error_code "01"', expected: '"01"', found: code(stale), response: stale });
      for (const r of [login, mine, unknown, foreign, stale]) {
        ctx.verify(typeof code(r) === 'string' && typeof (r.json as { message?: unknown } | undefined)?.message === 'string', { requirements: ['DVC-ERR-002'], message: 'Every dvcqg answer carries error_code as a string and a message', expected: '{ error_code: "…", message: "…" }', found: r.text.slice(0, 120), response: r });
      }
    },
  }),
];
