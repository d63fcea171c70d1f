import { randomUUID } from 'node:crypto';
import { verifyMessage } from '@dvc-kit/signature';
import { hs256Signature, otherAgencySigner } from './bad-signatures.js';
import { badToken, decodeJwt, refusedToken } from './bad-tokens.js';
import { operation } from './operation-support.js';
import { asPortal, check, isProblem, newSubmission, observed, pickProcedure, portalRecord, receive, verifyProblem, type Check, type Ctx } from './support.js';

const receiveDossier = operation('receiveDossier');

export const securityChecks: Check[] = [
  check({
    id: 'authentication.missing-token',
    title: 'A call without an access token is refused with 401',
    area: 'authentication',
    requirements: ['DVC-AUTH-005'],
    run: (ctx: Ctx) => refusedToken(ctx, receiveDossier, null, 'no token', ['DVC-AUTH-005']),
  }),
  ...(
    [
      ['authentication.expired-token', 'An expired portal token is refused', ['expired']],
      ['authentication.wrong-audience', 'A portal token for another system (aud) is refused', ['wrong-audience']],
      ['authentication.foreign-key', 'A token signed by a key that is not in the portal JWKS is refused', ['foreign-key']],
      ['authentication.wrong-issuer', 'A token from another issuer is refused', ['wrong-issuer']],
      ['authentication.alg-none-and-hmac', 'Tokens with alg "none" or HS256 are refused', ['alg-none', 'hs256-jwks']],
    ] as const
  ).map(([id, title, slugs]) => {
    const bad = slugs.map(badToken);
    return check({
      id,
      title,
      area: 'authentication',
      requirements: [...new Set(bad.flatMap((t) => t.requirements))],
      run: async (ctx: Ctx) => {
        for (const t of bad) await refusedToken(ctx, receiveDossier, await t.make(ctx), t.what, t.requirements);
      },
    });
  }),
  check({
    id: 'authentication.insufficient-scope',
    title: 'A token without the operation’s scope is refused with 403 insufficient_scope',
    area: 'authentication',
    requirements: ['DVC-AUTH-011'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: newSubmission(ctx, { procedure }), scope: 'agency.statistics.read', label: 'receiveDossier with only agency.statistics.read' });
      ctx.verify(res.status === 403, { message: 'receiveDossier with a token lacking agency.dossiers.write is refused with 403', expected: 403, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      ctx.verify(/insufficient_scope/.test(res.headers['www-authenticate'] ?? ''), { message: 'The 403 says error="insufficient_scope" in WWW-Authenticate', expected: 'Bearer error="insufficient_scope"', found: res.headers['www-authenticate'] ?? 'none', response: res });
    },
  }),
  check({
    id: 'signatures.unsigned-dossier-refused',
    title: 'An unsigned dossier is refused with problem+json and nothing is stored',
    area: 'signatures',
    requirements: ['DVC-SIG-004', 'DVC-SIG-001', 'DVC-ERR-004'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const s = newSubmission(ctx, { procedure });
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, signature: null, label: 'receiveDossier without X-DVC-Signature' });
      ctx.verify(res.status >= 400 && res.status < 500, { requirements: ['DVC-SIG-004'], message: 'A dossier without X-DVC-Signature is refused', expected: '400, 401, 403 or 422', found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      ctx.verify(isProblem(res), { requirements: ['DVC-SIG-004', 'DVC-ERR-001'], message: 'The refusal is problem+json', expected: 'application/problem+json', found: res.headers['content-type'], response: res });
      const again = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, label: 'the same submission, signed' });
      ctx.verify(again.status === 201, { requirements: ['DVC-SIG-004', 'DVC-ERR-004'], message: 'Nothing of the unsigned request was applied: the signed one is received as new', expected: 201, found: `${again.status} ${again.text.slice(0, 200)}`, response: again });
    },
  }),
  check({
    id: 'signatures.tampered-body-refused',
    title: 'A dossier whose body was changed after signing is refused',
    area: 'signatures',
    requirements: ['DVC-SIG-004', 'DVC-SIG-001'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const s = newSubmission(ctx, { procedure });
      const signature = await ctx.env.portal.sign(s);
      const tampered = { ...s, TrichYeuHoSo: `${s.TrichYeuHoSo ?? ''} (đã sửa)` };
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: tampered, signature, label: 'receiveDossier with a body changed after signing' });
      ctx.verify(res.status >= 400 && res.status < 500 && isProblem(res), { requirements: ['DVC-SIG-004'], message: 'A signature that does not match the body is refused with problem+json', expected: '4xx problem+json', found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
    },
  }),
  check({
    id: 'signatures.untrusted-chain-refused',
    title: 'A signature whose certificate does not chain to the trusted government CA is refused',
    area: 'signatures',
    requirements: ['DVC-SIG-003', 'DVC-SIG-004'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const s = newSubmission(ctx, { procedure });
      const forger = await ctx.env.portal.untrustedSigner();
      const signature = await ctx.env.portal.sign(s, forger);
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, signature, label: 'receiveDossier signed by an untrusted CA' });
      ctx.verify(res.status >= 400 && res.status < 500, { message: 'A signature by a certificate outside the trust anchors is refused', expected: '4xx', found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
    },
  }),
  check({
    id: 'signatures.other-agency-signer-refused',
    title: "A dossier signed with another agency's certificate (from the trusted government CA) is refused, not only an untrusted one",
    area: 'signatures',
    requirements: ['DVC-SIG-005'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const s = newSubmission(ctx, { procedure });
      // A valid chain and a valid signature: only the signer is wrong (an agency system, not the portal).
      const other = otherAgencySigner(ctx);
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, signature: await ctx.env.portal.sign(s, await other.party), label: `receiveDossier signed by agency ${other.code}` });
      ctx.verify(res.status >= 400 && res.status < 500 && isProblem(res), { message: `A receiveDossier signed by agency ${other.code}'s certificate instead of the portal's is refused with problem+json`, expected: '4xx problem+json', found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      if (res.status < 300) return;
      const again = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, label: 'the same submission, signed by the portal' });
      ctx.verify(again.status === 201, { message: 'Nothing of the refused request was kept: signed by the portal, it is received as new', expected: 201, found: `${again.status} ${again.text.slice(0, 200)}`, response: again });
    },
  }),
  check({
    id: 'signatures.weak-algorithm-refused',
    title: 'An X-DVC-Signature with alg HS256 is refused',
    area: 'signatures',
    requirements: ['DVC-SIG-002'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const s = newSubmission(ctx, { procedure });
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, signature: await hs256Signature(ctx, s), label: 'receiveDossier with an HS256 signature' });
      ctx.verify(res.status >= 400 && res.status < 500, { message: 'A message signature with a non-allowed algorithm is refused', expected: '4xx', found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
    },
  }),
  check({
    id: 'signatures.pushes-signed',
    title: 'Every dossier write the system pushes to the portal carries a valid detached JWS',
    area: 'signatures',
    requirements: ['DVC-SIG-001', 'DVC-SIG-002', 'DVC-SIG-003', 'DVC-SIG-004'],
    bindings: ['rest'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const { MaHoSo } = await receive(ctx, { procedure });
      // Wait for the first pushes (accepted or not) about this dossier.
      const pushes = await ctx.env.portal.waitFor(() => {
        const list = ctx.env.portal.requests({ operationIds: ['upsertDossier', 'appendDossierEvents', 'syncDossierBatch'] }).filter((r) => r.rawBody.includes(MaHoSo));
        return list.length >= 2 ? list : undefined;
      }, ctx.env.timing.syncDeadlineMs, ctx.signal);
      ctx.require(pushes !== undefined, { requirements: ['DVC-SIG-001'], message: 'The system pushed the dossier and its step to the portal', expected: 'upsertDossier and appendDossierEvents requests', found: 'none within the deadline' });
      for (const p of pushes.slice(0, 4)) {
        const ev = [observed(ctx, p)];
        const jws = p.headers['x-dvc-signature'];
        ctx.verify(typeof jws === 'string' && /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/.test(jws), { requirements: ['DVC-SIG-001', 'DVC-SIG-004'], message: `${p.method} ${p.path} carries a detached compact JWS in X-DVC-Signature`, expected: '<header>..<signature>', found: jws ? `${jws.slice(0, 40)}…` : 'no X-DVC-Signature', evidence: ev });
        if (typeof jws !== 'string' || !jws.includes('..')) continue;
        let header: Record<string, unknown> = {};
        try {
          header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8'));
        } catch {
          // reported below
        }
        ctx.verify(header.b64 === false && Array.isArray(header.crit) && (header.crit as unknown[]).includes('b64'), { requirements: ['DVC-SIG-001'], message: 'The JWS header has b64: false and crit ["b64"] (RFC 7797)', expected: '{ b64: false, crit: ["b64"] }', found: JSON.stringify({ b64: header.b64, crit: header.crit }), evidence: ev });
        ctx.verify(['RS256', 'PS256', 'ES256'].includes(String(header.alg)), { requirements: ['DVC-SIG-002'], message: 'The JWS alg is RS256, PS256 or ES256', expected: 'RS256 | PS256 | ES256', found: header.alg, evidence: ev });
        ctx.verify(Array.isArray(header.x5c) && header.x5c.length > 0, { requirements: ['DVC-SIG-003'], message: 'The JWS header carries x5c, leaf first', expected: 'x5c: [leaf, …]', found: Array.isArray(header.x5c) ? `${header.x5c.length} certificate(s)` : 'none', evidence: ev });
        const report = await verifyMessage(jws, p.body ?? p.rawBody, { trustAnchors: ctx.env.portal.credentials.trustAnchorsPem, revocation: { mode: 'soft-fail', fetcher: ctx.env.portal.pki.fetcher } });
        ctx.verify(report.indication === 'TOTAL_PASSED', { requirements: ['DVC-SIG-001', 'DVC-SIG-003'], message: `The signature on ${p.method} ${p.path} verifies over the JCS form of the body and chains to the government CA`, expected: 'TOTAL_PASSED', found: `${report.indication}${report.subIndication ? `/${report.subIndication}` : ''} ${report.messages.filter((m) => m.severity === 'error').map((m) => m.en).join('; ')}`, evidence: ev });
      }
    },
  }),
  check({
    id: 'idempotency.key-required',
    title: 'A write without Idempotency-Key is refused with 400',
    area: 'idempotency',
    requirements: ['DVC-IDEM-001'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: newSubmission(ctx, { procedure }), idempotencyKey: null, label: 'receiveDossier without Idempotency-Key' });
      ctx.verify(res.status === 400, { message: 'receiveDossier without Idempotency-Key answers 400', expected: 400, found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      const bad = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: newSubmission(ctx, { procedure }), idempotencyKey: 'short', label: 'receiveDossier with a 5-character key' });
      ctx.verify(bad.status === 400, { message: 'An Idempotency-Key shorter than 8 characters answers 400', expected: 400, found: `${bad.status} ${bad.text.slice(0, 200)}`, response: bad });
    },
  }),
  check({
    id: 'idempotency.replay-same-answer',
    title: 'A retried receiveDossier with the same key gets the same answer and creates no second dossier',
    area: 'idempotency',
    requirements: ['DVC-IDEM-002', 'DVC-CODE-004'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const s = newSubmission(ctx, { procedure });
      const key = randomUUID();
      const first = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, idempotencyKey: key, label: 'receiveDossier (first)' });
      ctx.require(first.status === 201, { requirements: ['DVC-RCV-001'], message: 'The first request is received', expected: 201, found: `${first.status} ${first.text.slice(0, 200)}`, response: first });
      const second = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, idempotencyKey: key, label: 'receiveDossier (retry, same key and body)' });
      const a = (first.json as { MaHoSo?: string }).MaHoSo;
      const b = (second.json as { MaHoSo?: string } | undefined)?.MaHoSo;
      ctx.verify(second.status === first.status && a === b, { requirements: ['DVC-IDEM-002'], message: 'The retry answers the first status and the same dossier code', expected: `${first.status} with MaHoSo ${a}`, found: `${second.status} with MaHoSo ${b ?? '(none)'}`, response: [first, second] });
    },
  }),
  check({
    id: 'idempotency.key-reuse-other-body',
    title: 'The same Idempotency-Key with a different body is refused with 422',
    area: 'idempotency',
    requirements: ['DVC-IDEM-003'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const key = randomUUID();
      const first = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: newSubmission(ctx, { procedure }), idempotencyKey: key, label: 'receiveDossier (first)' });
      ctx.require(first.status === 201, { requirements: ['DVC-RCV-001'], message: 'The first request is received', expected: 201, found: first.status, response: first });
      const other = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: newSubmission(ctx, { procedure }), idempotencyKey: key, label: 'another dossier with the same key' });
      ctx.verify(other.status === 422, { message: 'Reusing the key with another body answers 422', expected: 422, found: `${other.status} ${other.text.slice(0, 200)}`, response: other });
      if (other.status >= 400) verifyProblem(ctx, other, 'key reused with another body');
    },
  }),
  check({
    id: 'idempotency.concurrent-same-key',
    title: 'Two concurrent requests with one key give one dossier (the other is answered the same, or 409)',
    area: 'idempotency',
    requirements: ['DVC-IDEM-004', 'DVC-IDEM-002'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const s = newSubmission(ctx, { procedure });
      const key = randomUUID();
      const signature = await ctx.env.portal.sign(s);
      const [a, b] = await Promise.all([0, 1].map(() => asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: s, idempotencyKey: key, signature, label: 'receiveDossier (concurrent, same key)' })));
      const codes = [a!, b!].filter((r) => r.status === 201).map((r) => (r.json as { MaHoSo?: string }).MaHoSo);
      ctx.verify(codes.length >= 1 && new Set(codes).size === 1 && [a!, b!].every((r) => r.status === 201 || r.status === 409), { message: 'Both answers name one dossier, or the second is 409', expected: 'one MaHoSo; statuses 201/201 or 201/409', found: `${a!.status}/${b!.status} codes ${codes.join(', ')}`, response: [a!, b!] });
    },
  }),
  check({
    id: 'authentication.portal-token-obtained',
    title: 'The system obtains portal tokens with client credentials and a well-formed private_key_jwt',
    area: 'authentication',
    requirements: ['DVC-AUTH-001', 'DVC-AUTH-002', 'DVC-AUTH-003', 'DVC-AUTH-004', 'DVC-AUTH-009'],
    bindings: ['rest'],
    run: async (ctx: Ctx) => {
      const procedure = await pickProcedure(ctx, { fees: false });
      const { MaHoSo } = await receive(ctx, { procedure });
      await portalRecord(ctx, MaHoSo, () => true);
      // The system's own tokens: a citizen's sign-on (authorization_code, other checks) is not this requirement.
      const tokenCalls = ctx.env.portal.requests().filter((r) => r.path.endsWith('/oauth2/token') && new URLSearchParams(r.rawBody).get('grant_type') !== 'authorization_code');
      ctx.require(tokenCalls.length > 0, { requirements: ['DVC-AUTH-001'], message: 'The system requested an access token from the portal before pushing', expected: '≥ 1 POST /oauth2/token', found: 'none' });
      const jtis: string[] = [];
      for (const call of tokenCalls.slice(0, 5)) {
        const form = new URLSearchParams(call.rawBody);
        ctx.verify(form.get('grant_type') === 'client_credentials', { requirements: ['DVC-AUTH-001'], message: 'grant_type is client_credentials', expected: 'client_credentials', found: form.get('grant_type') });
        ctx.verify(form.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' && !form.get('client_secret') && !/^basic /i.test(call.headers.authorization ?? ''), { requirements: ['DVC-AUTH-001'], message: 'The client authenticates with a private_key_jwt assertion, not a shared secret', expected: 'client_assertion_type jwt-bearer', found: form.get('client_assertion_type') ?? (call.headers.authorization ? 'HTTP Basic' : 'none') });
        const jwt = decodeJwt(form.get('client_assertion') ?? '');
        if (!jwt) continue;
        const { header, payload } = jwt;
        const clientId = ctx.env.portal.clientId;
        ctx.verify(payload.iss === clientId && payload.sub === clientId, { requirements: ['DVC-AUTH-002'], message: 'iss and sub of the assertion equal the client id', expected: clientId, found: `iss=${payload.iss}, sub=${payload.sub}` });
        ctx.verify(payload.aud === `${ctx.env.portal.url}/oauth2/token` || (Array.isArray(payload.aud) && payload.aud.includes(`${ctx.env.portal.url}/oauth2/token`)), { requirements: ['DVC-AUTH-002'], message: 'aud is the token endpoint URL', expected: `${ctx.env.portal.url}/oauth2/token`, found: payload.aud });
        ctx.verify(typeof payload.jti === 'string' && typeof payload.iat === 'number' && typeof payload.exp === 'number' && payload.exp - payload.iat <= 300, { requirements: ['DVC-AUTH-002'], message: 'The assertion has jti, iat and exp at most 5 minutes after iat', expected: 'exp − iat ≤ 300 s', found: `jti=${typeof payload.jti}, exp−iat=${Number(payload.exp) - Number(payload.iat)}` });
        ctx.verify(['RS256', 'PS256', 'ES256'].includes(String(header.alg)), { requirements: ['DVC-AUTH-004'], message: 'The assertion is signed with RS256, PS256 or ES256', expected: 'RS256 | PS256 | ES256', found: header.alg });
        if (typeof payload.jti === 'string') jtis.push(payload.jti);
      }
      const pushes = ctx.env.portal.requests().filter((r) => r.operationId === 'upsertDossier' || r.operationId === 'appendDossierEvents').length;
      ctx.verify(tokenCalls.length <= Math.max(2, pushes / 4), { requirements: ['DVC-AUTH-009'], message: 'Access tokens are cached and reused, not requested for every call', expected: `far fewer token requests than pushes (${pushes})`, found: `${tokenCalls.length} token request(s)` });
      ctx.verify(new Set(jtis).size === jtis.length, { requirements: ['DVC-AUTH-003'], message: 'Each assertion has a jti of its own (never replayed)', expected: `${jtis.length} distinct jti`, found: `${new Set(jtis).size} distinct` });
    },
  }),
];
