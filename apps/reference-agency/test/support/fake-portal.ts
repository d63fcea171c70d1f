import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, RevocationCache, signMessage, verifyMessage, type TestParty, type TestPki } from '@dvc-kit/signature';
import { isLegalTransition, type Dossier, type DossierStatus, type ProcessingStep, type UserInfo } from '@dvc-kit/spec';
import { validateRequest } from '@dvc-kit/validators';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';

/** One call the agency made to the portal, as the portal saw it. */
export interface PortalCall {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  signature: 'valid' | 'invalid' | 'missing';
  status: number;
  at: number;
}

export interface PortalRecord {
  dossier: Dossier;
  history: ProcessingStep[];
}

/**
 * A small national portal for the tests, on 127.0.0.1: discovery, JWKS, the token
 * endpoint (private_key_jwt), upsertDossier / appendDossierEvents (signatures verified
 * against the test PKI, schemas validated, state machine enforced, idempotency keys), and
 * the dvcqg envelope. Faults can be injected; every call is recorded.
 */
export class FakePortal {
  url = '';
  readonly calls: PortalCall[] = [];
  readonly records = new Map<string, PortalRecord>();
  /** Answer the next n dossier writes with this HTTP status (or dvcqg error_code). */
  faults: { count: number; status: number; dvcqgCode?: string; retryAfter?: string } = { count: 0, status: 503 };
  readonly #eventKeys = new Map<string, string>();
  #server!: Server | HttpsServer;
  #keys!: { privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK };
  #sessions = new Set<string>();
  /** CRL/OCSP answers reused for the portal's life, as a real portal caches them (the agency's push figures are not the test PKI's). */
  readonly #revocationCache = new RevocationCache();
  pki!: TestPki;
  /** The portal's own signing party (signs what it sends the agency). */
  portalParty!: TestParty;
  agencyParty!: TestParty;
  readonly dvcqgUser = { username: 'thanhhoa-motcua', password: 'S3cret-Example!' };
  /** Citizens who can sign in (by `sub`), claim names as the portal's userinfo; a test may change them. */
  readonly citizens = new Map<string, UserInfo>();
  /** How many times the userinfo endpoint answered. */
  userinfoCalls = 0;
  /** Evaluations the agency submitted (submitEvaluations), and feedback answers (answerFeedback), by MaHoSo / MaPhanAnh. */
  readonly evaluations = new Map<string, unknown>();
  readonly answers = new Map<string, { answer: unknown; at: number }>();
  readonly #codes = new Map<string, { sub: string; nonce: string; challenge: string; redirectUri: string; acr: string }>();

  /** `https`: serve over TLS with a certificate of the test PKI for 127.0.0.1 (the agency gets DVC_PORTAL_CA_FILE). */
  static async start(options: { https?: boolean } = {}): Promise<FakePortal> {
    const portal = new FakePortal();
    portal.pki = await createTestPki();
    portal.agencyParty = portal.pki.agency;
    portal.portalParty = await portal.pki.issueEndEntity({ subject: { commonName: 'Cổng Dịch vụ công quốc gia', organization: 'Văn phòng Chính phủ' }, issuer: 'governmentCa' });
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'portal-key-1', alg: 'RS256', use: 'sig' };
    portal.#keys = { privateKey: privateKey as CryptoKey, publicKey: publicKey as CryptoKey, jwk };
    const handler = (req: IncomingMessage, res: ServerResponse) => void portal.#handle(req, res);
    if (options.https) {
      const cert = await portal.#tlsCertificate({ ip: ['127.0.0.1'] });
      portal.#server = createHttpsServer({ ...cert, minVersion: 'TLSv1.2' }, handler);
    } else {
      portal.#server = createServer(handler);
    }
    await new Promise<void>((r) => portal.#server.listen(0, '127.0.0.1', () => r()));
    portal.url = `${options.https ? 'https' : 'http'}://127.0.0.1:${(portal.#server.address() as AddressInfo).port}`;
    return portal;
  }

  async #tlsCertificate(names: { dns?: string[]; ip?: string[] }): Promise<{ cert: string; key: string }> {
    const party = await this.pki.issueEndEntity({ subject: { commonName: names.dns?.[0] ?? names.ip?.[0] ?? 'portal', organization: 'Văn phòng Chính phủ' }, issuer: 'governmentCa', subjectAltNames: names });
    return { cert: party.chainPem.join('\n'), key: party.privateKeyPem };
  }

  /** Serves a new TLS certificate for these names from now on; open connections are closed, so the next call sees it. */
  async serveCertificateFor(names: { dns?: string[]; ip?: string[] }): Promise<void> {
    (this.#server as HttpsServer).setSecureContext(await this.#tlsCertificate(names));
    this.#server.closeAllConnections();
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => {
      this.#server.close(() => r());
      this.#server.closeAllConnections();
    });
    await this.pki.close();
  }

  /** The onboarding contract's environment for an agency system of this portal, with its files in a temp dir. */
  agencyEnv(extra: Record<string, string> = {}): Record<string, string> {
    const dir = mkdtempSync(join(tmpdir(), 'ra-files-'));
    writeFileSync(join(dir, 'key.pem'), this.agencyParty.privateKeyPem);
    writeFileSync(join(dir, 'chain.pem'), this.agencyParty.chainPem.join('\n'));
    writeFileSync(join(dir, 'anchors.pem'), this.pki.trustAnchors.join('\n'));
    const https = this.url.startsWith('https:');
    if (https) writeFileSync(join(dir, 'portal-ca.pem'), this.pki.trustAnchors.join('\n'));
    return {
      DVC_PORTAL_URL: this.url,
      DVC_BINDING: 'rest',
      DVC_CLIENT_ID: 'thanhhoa-motcua',
      DVC_AGENCY_CODE: '000.00.00.H56',
      DVC_CLIENT_KEY_FILE: join(dir, 'key.pem'),
      DVC_CLIENT_CERT_FILE: join(dir, 'chain.pem'),
      DVC_TRUST_ANCHORS_FILE: join(dir, 'anchors.pem'),
      DVC_DVCQG_USERNAME: this.dvcqgUser.username,
      DVC_DVCQG_PASSWORD: this.dvcqgUser.password,
      HOST: '127.0.0.1',
      PORT: '0',
      DVC_DATA_DIR: mkdtempSync(join(tmpdir(), 'ra-data-')),
      DVC_STEP_INTERVAL_MS: '40',
      ...(https ? { DVC_PORTAL_CA_FILE: join(dir, 'portal-ca.pem') } : {}),
      ...extra,
    };
  }

  /** A bearer token as the portal issues it to call the agency system. */
  async token(claims: { scope?: string; aud?: string; exp?: number | string; SoDinhDanh?: string; iss?: string } = {}): Promise<string> {
    const jwt = new SignJWT({ ...(claims.scope !== undefined ? { scope: claims.scope } : {}), ...(claims.SoDinhDanh ? { SoDinhDanh: claims.SoDinhDanh } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: 'portal-key-1', typ: 'JWT' })
      .setIssuer(claims.iss ?? this.url)
      .setAudience(claims.aud ?? 'thanhhoa-motcua')
      .setSubject('dvcqg-portal')
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? '5m');
    return jwt.sign(this.#keys.privateKey);
  }

  /** A token with the right claims and kid but signed by a key that is not the portal's. */
  async forgedToken(scope: string): Promise<string> {
    const { privateKey } = await generateKeyPair('RS256');
    return new SignJWT({ scope })
      .setProtectedHeader({ alg: 'RS256', kid: 'portal-key-1' })
      .setIssuer(this.url)
      .setAudience('thanhhoa-motcua')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  }

  /** X-DVC-Signature for a body the portal sends. */
  sign(body: unknown, party: TestParty = this.portalParty): Promise<string> {
    return signMessage(body, { privateKey: party.privateKey, certificates: party.chainPem });
  }

  /** Forget every dvcqg session, as a gateway does when they expire. */
  expireSessions(): void {
    this.#sessions.clear();
  }

  /** The statuses the portal holds for a dossier, in history order. */
  statuses(code: string): DossierStatus[] {
    return this.records.get(code)?.history.map((s) => s.TrangThai) ?? [];
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url ?? '/', this.url);
    const recorded = /^\/(v1|dvcqg\/integration)/.test(url.pathname);
    const reply = (status: number, payload: unknown, type = 'application/json') => {
      // Recorded before answering, so a test that sees the answer's effect also sees the call.
      if (recorded) this.calls.push({ method: req.method ?? '', path: url.pathname, body, headers: req.headers, signature, status, at: Date.now() });
      res.writeHead(status, { 'content-type': type, ...(status >= 400 && this.faults.retryAfter ? { 'retry-after': this.faults.retryAfter } : {}) });
      res.end(JSON.stringify(payload));
      return status;
    };
    const problem = (status: number, detail: string) => reply(status, { type: 'https://dvc-kit.dev/problems/x', title: 'error', status, detail }, 'application/problem+json');
    let signature: PortalCall['signature'] = 'missing';
    const sigHeader = req.headers['x-dvc-signature'];
    if (typeof sigHeader === 'string' && body !== undefined) {
      const report = await verifyMessage(sigHeader, body, { trustAnchors: this.pki.trustAnchors, revocation: { mode: 'soft-fail', cache: this.#revocationCache } });
      signature = report.indication === 'TOTAL_PASSED' ? 'valid' : 'invalid';
    }

    if (url.pathname === '/.well-known/openid-configuration') {
      return void reply(200, {
        issuer: this.url,
        authorization_endpoint: `${this.url}/oauth2/authorize`,
        token_endpoint: `${this.url}/oauth2/token`,
        userinfo_endpoint: `${this.url}/oauth2/userinfo`,
        jwks_uri: `${this.url}/.well-known/jwks.json`,
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
        code_challenge_methods_supported: ['S256'],
        acr_values_supported: ['LoA1', 'LoA2', 'LoA3'],
      });
    }
    if (url.pathname === '/.well-known/jwks.json') return void reply(200, { keys: [this.#keys.jwk] });
    if (url.pathname === '/oauth2/authorize' && req.method === 'GET') {
      // The citizen chosen by login_hint signs in at once.
      const citizen = this.citizens.get(url.searchParams.get('login_hint') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      if (!citizen) back.searchParams.set('error', 'access_denied');
      else {
        const code = randomUUID();
        this.#codes.set(code, { sub: citizen.sub, nonce: url.searchParams.get('nonce') ?? '', challenge: url.searchParams.get('code_challenge') ?? '', redirectUri: back.origin + back.pathname, acr: url.searchParams.get('acr_values') ?? 'LoA1' });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return void res.end();
    }
    if (url.pathname === '/oauth2/userinfo') {
      try {
        const { payload } = await jwtVerify((req.headers.authorization ?? '').replace(/^Bearer /i, ''), this.#keys.publicKey, { issuer: this.url, audience: 'thanhhoa-motcua' });
        const citizen = this.citizens.get(String(payload.sub));
        if (!citizen) throw new Error('unknown subject');
        this.userinfoCalls += 1;
        return void reply(200, citizen);
      } catch (e) {
        return void reply(401, { error: 'invalid_token', error_description: (e as Error).message });
      }
    }
    if (url.pathname === '/oauth2/token' && req.method === 'POST') {
      const form = new URLSearchParams(text);
      try {
        const key = createPublicKey(this.agencyParty.certificatePem);
        await jwtVerify(form.get('client_assertion') ?? '', key, { audience: `${this.url}/oauth2/token`, issuer: 'thanhhoa-motcua', subject: 'thanhhoa-motcua' });
      } catch (e) {
        return void reply(401, { error: 'invalid_client', error_description: (e as Error).message });
      }
      if (form.get('grant_type') === 'authorization_code') return void reply(...(await this.#redeem(form)));
      const access = await new SignJWT({ scope: form.get('scope') ?? '', agency: '000.00.00.H56' })
        .setProtectedHeader({ alg: 'RS256', kid: 'portal-key-1' })
        .setIssuer(this.url)
        .setAudience('dvcqg-api')
        .setSubject('thanhhoa-motcua')
        .setExpirationTime('10m')
        .sign(this.#keys.privateKey);
      return void reply(200, { access_token: access, token_type: 'Bearer', expires_in: 600, scope: form.get('scope') ?? '' });
    }

    if (url.pathname === '/v1/payments' && req.method === 'POST') {
      const r = body as { MaHoSo: string; DanhSachLePhi: { Gia: number }[] };
      const ok = typeof req.headers['idempotency-key'] === 'string' && /^Bearer /.test(req.headers.authorization ?? '');
      const status = ok ? 201 : 400;
      return void reply(status, { paymentId: `PAY-${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`, MaHoSo: r.MaHoSo, amount: r.DanhSachLePhi.reduce((a, f) => a + f.Gia, 0), currency: 'VND', status: 'pending', createdAt: new Date().toISOString() });
    }
    const answerPath = /^\/v1\/feedback\/([^/]+)\/answers$/.exec(url.pathname);
    if ((answerPath || url.pathname === '/v1/evaluations') && req.method === 'POST') {
      if (!/^Bearer /.test(req.headers.authorization ?? '') || typeof req.headers['idempotency-key'] !== 'string') return void problem(400, 'token and Idempotency-Key required');
      if (this.faults.count > 0) {
        this.faults.count -= 1;
        return void problem(this.faults.status, 'injected fault');
      }
      if (answerPath) {
        const id = decodeURIComponent(answerPath[1]!);
        if (!this.answers.has(id)) this.answers.set(id, { answer: body, at: Date.now() });
        return void reply(201, { MaPhanAnh: id, TrangThai: '3' });
      }
      const items = (body as { items: { MaHoSo: string }[] }).items;
      // As the portal does (DVC-EVAL-002): only dossiers it holds as finished can be evaluated.
      const unfinished = items.find((e) => !['3', '7', '8', '9', '10'].includes(this.records.get(e.MaHoSo)?.dossier.TrangThaiHoSo ?? ''));
      if (unfinished) return void problem(409, `dossier ${unfinished.MaHoSo} is not finished at the portal`);
      for (const e of items) if (!this.evaluations.has(e.MaHoSo)) this.evaluations.set(e.MaHoSo, e);
      return void reply(202, { accepted: items.length });
    }
    const dossierPath = /^\/v1\/dossiers\/([^/]+)(\/events)?$/.exec(url.pathname);
    if (dossierPath) {
      const code = decodeURIComponent(dossierPath[1]!);
      await this.#restWrite(req, code, Boolean(dossierPath[2]), body, signature, problem, reply);
      return;
    }
    if (url.pathname === '/dvcqg/login') {
      const b = body as { username?: string; password?: string };
      if (b?.username !== this.dvcqgUser.username || b?.password !== this.dvcqgUser.password) return void reply(200, { error_code: '01', message: 'Sai tài khoản' });
      const session = randomUUID();
      this.#sessions.add(session);
      return void reply(200, { session, error_code: '0', message: 'Thành công' });
    }
    if (url.pathname === '/dvcqg/integration') {
      this.#dvcqg(body, reply);
      return;
    }
    reply(404, { title: 'not found' });
  }

  /** grant_type=authorization_code: one use per code, PKCE S256, an ID token for the agency. */
  async #redeem(form: URLSearchParams): Promise<[number, unknown]> {
    const pending = this.#codes.get(form.get('code') ?? '');
    this.#codes.delete(form.get('code') ?? '');
    const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
    if (!pending || challenge !== pending.challenge || form.get('redirect_uri') !== pending.redirectUri) return [400, { error: 'invalid_grant' }];
    const citizen = this.citizens.get(pending.sub)!;
    const sign = (claims: Record<string, unknown>, aud: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'portal-key-1' }).setIssuer(this.url).setAudience(aud).setSubject(citizen.sub).setIssuedAt().setExpirationTime('10m').sign(this.#keys.privateKey);
    const idToken = await sign({ nonce: pending.nonce, acr: pending.acr, TechID: citizen.TechID }, 'thanhhoa-motcua');
    const accessToken = await sign({ scope: 'openid', SoDinhDanh: citizen.SoDinhDanh }, 'thanhhoa-motcua');
    return [200, { access_token: accessToken, token_type: 'Bearer', expires_in: 600, id_token: idToken, scope: 'openid' }];
  }

  async #restWrite(
    req: IncomingMessage,
    code: string,
    events: boolean,
    body: unknown,
    signature: PortalCall['signature'],
    problem: (s: number, d: string) => number,
    reply: (s: number, p: unknown) => number,
  ): Promise<number> {
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    try {
      if (!auth) throw new Error('no token');
      await jwtVerify(auth[1]!, this.#keys.publicKey, { issuer: this.url, audience: 'dvcqg-api' });
    } catch {
      return problem(401, 'invalid token');
    }
    if (this.faults.count > 0) {
      this.faults.count -= 1;
      return problem(this.faults.status, 'injected fault');
    }
    if (signature !== 'valid') return problem(403, `signature ${signature}`);
    const operation = events ? 'appendDossierEvents' : 'upsertDossier';
    const check = validateRequest(operation, { params: { MaHoSo: code }, headers: req.headers as Record<string, string>, body });
    if (!check.ok) return reply(422, { type: 'https://dvc-kit.dev/problems/validation', title: 'invalid', status: 422, detail: JSON.stringify(check.errors.slice(0, 3)) });
    if (!events) {
      const d = body as Dossier;
      const existing = this.records.get(code);
      if (existing && existing.dossier.TrangThaiHoSo !== d.TrangThaiHoSo && !isLegalTransition(existing.dossier.TrangThaiHoSo, d.TrangThaiHoSo)) {
        return problem(409, `illegal ${existing.dossier.TrangThaiHoSo} -> ${d.TrangThaiHoSo}`);
      }
      this.records.set(code, { dossier: d, history: existing?.history ?? [] });
      return reply(existing ? 200 : 201, { dossier: d, history: existing?.history ?? [], receivedAt: new Date().toISOString(), version: 1 });
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    const existing = this.records.get(code);
    if (!existing) return problem(404, 'unknown dossier');
    const fingerprint = JSON.stringify(body);
    if (this.#eventKeys.has(key)) {
      if (this.#eventKeys.get(key) !== fingerprint) return problem(422, 'key reused');
      return reply(201, existing);
    }
    const steps = (body as { events: ProcessingStep[] }).events;
    for (const s of steps) {
      const last = existing.history.at(-1)?.TrangThai;
      if (last && last !== s.TrangThai && !isLegalTransition(last, s.TrangThai)) return problem(409, `illegal ${last} -> ${s.TrangThai}`);
    }
    this.#eventKeys.set(key, fingerprint);
    existing.history.push(...steps);
    return reply(201, existing);
  }

  #dvcqg(body: unknown, reply: (s: number, p: unknown) => number): number {
    const b = body as { session?: string; service?: string; MaHoSo?: string; isUpdating?: string; data?: unknown[] };
    if (!b?.session || !this.#sessions.has(b.session)) return reply(200, { error_code: '01', message: 'Phiên hết hạn' });
    if (this.faults.count > 0 && b.service !== 'TraCuuHoSo') {
      this.faults.count -= 1;
      return reply(200, { error_code: this.faults.dvcqgCode ?? '99', message: 'Lỗi hệ thống' });
    }
    const check = validateRequest('dvcqgIntegration', { body });
    if (!check.ok) return reply(200, { error_code: '02', message: JSON.stringify(check.errors.slice(0, 3)) });
    if (b.service === 'TraCuuHoSo') {
      const r = this.records.get(b.MaHoSo!);
      return r ? reply(200, { error_code: '0', result: [{ ...r, receivedAt: new Date().toISOString(), version: 1 }] }) : reply(200, { error_code: '03', message: 'Không tìm thấy' });
    }
    if (b.service === 'DongBoHoSoMC') {
      const results = (b.data as Dossier[]).map((d) => {
        const known = this.records.has(d.MaHoSo);
        if ((b.isUpdating === 'True') !== known) return { MaHoSo: d.MaHoSo, error_code: '02', message: 'isUpdating mismatch' };
        this.records.set(d.MaHoSo, { dossier: d, history: this.records.get(d.MaHoSo)?.history ?? [] });
        return { MaHoSo: d.MaHoSo, error_code: '0' };
      });
      return reply(200, { error_code: '0', result: results });
    }
    const results = (b.data as ProcessingStep[]).map((s) => {
      const r = this.records.get(s.MaHoSo);
      if (!r) return { MaHoSo: s.MaHoSo, error_code: '03' };
      const dup = r.history.some((h) => h.ThoiDiemXuLy === s.ThoiDiemXuLy && h.TrangThai === s.TrangThai && h.NguoiXuLy === s.NguoiXuLy);
      if (!dup) r.history.push(s);
      return { MaHoSo: s.MaHoSo, error_code: '0' };
    });
    return reply(200, { error_code: '0', result: results });
  }
}
