import { listOperations, type OperationInfo } from '@dvc-kit/spec';
import { validateResponse, type OperationId } from '@dvc-kit/validators';
import { areaOf, dossierFor, exampleQueryValues, jsonBodyOf, kebab, pathFor, pathWith, portalBody, resolve, schemes, unknownCode, validBody, type Json } from './operation-support.js';
import { operationTokenChecks } from './operation-tokens.js';
import { applyParameterProbe, applyProbe, bodyProbes, describeProbe, faultsOnlyThere, parameterProbes, probeSlug } from './schema-probes.js';
import { asPortal, check, isProblem, verifyProblem, type Check, type Ctx } from './support.js';

/*
 * Contract checks derived from agency-system.yaml, one per operation and probe
 * (`contract.<operation-id>.<probe>`; per constraint of a request body
 * `…body.<field>.<constraint>`, of a parameter `…query|path.<name>.<constraint>`; per bad token
 * `…token.<what>`, see operation-tokens.ts): the operations, their security, bodies, examples
 * and documented answers come from @dvc-kit/spec and @dvc-kit/validators, never re-typed here.
 * A new operation, parameter or constraint in the document gets its probes without a change
 * to this file.
 */

/** (a) No credentials at all: 401 problem+json, with a Bearer challenge for token-secured operations. */
function noCredentialsCheck(op: OperationInfo): Check | undefined {
  const all = schemes(op);
  if (all.length === 0) return undefined;
  const bearer = all.some((s) => s === 'portalToken' || s === 'citizenToken');
  // Without a token the portal's token rule decides (AUTH-005); a session-only operation is the operation's own requirement.
  const own = bearer ? 'DVC-AUTH-005' : (op.requirements[0] ?? 'DVC-ERR-001');
  return check({
    id: `contract.${kebab(op.operationId)}.no-credentials`,
    title: `${op.operationId} (${op.method.toUpperCase()} ${op.path}) refuses a call without ${bearer ? 'a token' : 'a session'}: 401 problem+json${bearer ? ' with WWW-Authenticate: Bearer' : ''}`,
    area: areaOf(own),
    requirements: [...new Set([own, 'DVC-ERR-001'])],
    run: async (ctx: Ctx) => {
      const path = pathFor(op, unknownCode(ctx));
      const write = op.method !== 'get';
      // Everything else in order (idempotency key, signature over a JSON body): only the credentials are missing.
      const res = await asPortal(ctx, { method: op.method.toUpperCase(), path, token: null, ...(write && jsonBodyOf(op) ? { body: {} } : {}), label: `${op.operationId} without ${bearer ? 'a token' : 'a session'}` });
      ctx.verify(res.status === 401, { requirements: [own], message: `${op.operationId} without ${bearer ? 'a token' : 'a session'} is refused with 401`, expected: 401, found: `${res.status} ${res.text.slice(0, 160)}`, response: res });
      if (bearer) {
        const challenge = res.headers['www-authenticate'] ?? '';
        ctx.verify(/^Bearer\b/i.test(challenge), { requirements: [own], message: 'The 401 carries a WWW-Authenticate: Bearer challenge', expected: 'WWW-Authenticate: Bearer …', found: challenge || 'no WWW-Authenticate', response: res });
      }
      if (res.status >= 400) verifyProblem(ctx, res, `${op.operationId} without credentials`);
      else ctx.verify(false, { requirements: ['DVC-ERR-001'], message: `${op.operationId} without credentials answers an error`, expected: '401 problem+json', found: res.status, response: res });
    },
  });
}

/** (b) A body that is not JSON: 400 problem+json. */
function malformedJsonCheck(op: OperationInfo): Check | undefined {
  if (!portalBody(op)) return undefined;
  const requirements = op.operationId === 'receiveDossier' ? ['DVC-ERR-001', 'DVC-RCV-003'] : ['DVC-ERR-001'];
  return check({
    id: `contract.${kebab(op.operationId)}.malformed-json`,
    title: `${op.operationId} answers a body that is not JSON with 400 application/problem+json`,
    area: 'errors',
    requirements,
    run: async (ctx: Ctx) => {
      const path = pathFor(op, await dossierFor(ctx, op));
      // The signature cannot cover a body that has no JSON form: it is left out.
      const res = await asPortal(ctx, { method: op.method.toUpperCase(), path, body: '{"MaHoSo": "', signature: null, headers: { 'content-type': 'application/json' }, label: `${op.operationId} with a truncated JSON body` });
      ctx.verify(res.status === 400, { requirements, message: `${op.operationId}: a body that is not JSON is a bad request (400)`, expected: 400, found: `${res.status} ${res.text.slice(0, 160)}`, response: res });
      if (res.status >= 400) verifyProblem(ctx, res, `${op.operationId} with a body that is not JSON`);
    },
  });
}

/**
 * (c) One check per constraint of the body's schema: a body the system would accept with one
 * field broken (found by schema-probes.ts) is refused with 400/422 problem+json whose errors
 * name that field. A system that checks types but not patterns, lengths or code lists fails
 * the probes of what it lets through.
 */
function schemaConstraintChecks(op: OperationInfo): Check[] {
  const example = portalBody(op)?.example as Json | undefined;
  if (!example || typeof example !== 'object') return [];
  const requirements = op.operationId === 'receiveDossier' ? ['DVC-RCV-003', 'DVC-ERR-003', 'DVC-ERR-001'] : ['DVC-ERR-003', 'DVC-ERR-001'];
  return bodyProbes(op.operationId, example).map((probe) => {
    const what = describeProbe(probe);
    return check({
      id: `contract.${kebab(op.operationId)}.body.${probeSlug(probe)}`,
      title: `${op.operationId} refuses a body with ${what} (${probe.code}): 400/422 problem+json naming ${probe.pointer}`,
      area: 'errors',
      requirements,
      run: async (ctx: Ctx) => {
        const code = await dossierFor(ctx, op);
        const body = applyProbe(await validBody(ctx, op, example, code), probe, example);
        if (!body || !faultsOnlyThere(op.operationId, body, probe)) ctx.inconclusive(`the suite could not break only ${probe.pointer} (${probe.code}) in a body the system would accept`);
        const res = await asPortal(ctx, { method: op.method.toUpperCase(), path: pathFor(op, code), body, label: `${op.operationId} with ${what}` });
        ctx.verify(res.status === 400 || res.status === 422, { requirements: requirements.filter((r) => r !== 'DVC-ERR-001'), message: `${op.operationId}: a body with ${what} is refused as invalid`, expected: `422 (or 400): the schema says ${probe.codes.join(', ')} at ${probe.pointer}`, found: `${res.status} ${res.text.slice(0, 160)}`, response: res });
        if (res.status < 400) return;
        verifyProblem(ctx, res, `${op.operationId} with ${what}`);
        const errors = (res.json as { errors?: { pointer?: unknown; message?: { vi?: unknown; en?: unknown } }[] } | undefined)?.errors;
        const named = Array.isArray(errors) ? errors.find((e) => e?.pointer === probe.pointer) : undefined;
        ctx.verify(named !== undefined, { requirements: ['DVC-ERR-003'], message: `The problem's errors name the field with a JSON pointer (${probe.pointer})`, expected: `errors: [{ pointer: "${probe.pointer}", … }]`, found: Array.isArray(errors) ? JSON.stringify(errors.map((e) => e?.pointer)) : 'no errors array', response: res });
        if (named) ctx.verify(typeof named.message?.vi === 'string' && typeof named.message?.en === 'string', { requirements: ['DVC-ERR-003'], message: 'The error has a message in Vietnamese and English', expected: '{ message: { vi, en } }', found: JSON.stringify(named).slice(0, 200), response: res });
      },
    });
  });
}

/** A placeholder for a path's dossier code while the probes are found (any well-formed code). */
const SAMPLE_CODE = '000.00.00.H56-250701-0001';

/**
 * (e) One check per constraint of the query and path parameters, for operations that document
 * a 400 problem answer and that the suite can call (public, or with the portal's token): a
 * malformed parameter, everything else right, is a 400 problem+json — not a 404 or a 500.
 */
function parameterChecks(op: OperationInfo): Check[] {
  const all = schemes(op);
  if (all.some((s) => s !== 'portalToken')) return [];
  const bad = resolve<{ content?: Record<string, unknown> }>((op.operation.responses as Record<string, unknown> | undefined)?.['400'] as never);
  if (!Object.keys(bad?.content ?? {}).some((t) => /problem\+json/.test(t))) return [];
  const names = ((op.operation.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'path').map((p) => String(p.name));
  const sample = { query: exampleQueryValues(op), params: Object.fromEntries(names.map((n) => [n, SAMPLE_CODE])) };
  return parameterProbes(op.operationId, sample).map((probe) => {
    const what = probe.mutation.kind === 'delete' ? `without the ${probe.in} parameter ${probe.name}` : `with the ${probe.in} parameter ${probe.name} set to ${probe.mutation.shown}`;
    return check({
      id: `contract.${kebab(op.operationId)}.${probe.in}.${probe.name.toLowerCase()}.${probe.code.toLowerCase().replace(/_/g, '-')}`,
      title: `${op.operationId} ${what} (${probe.code}) answers 400 problem+json`,
      area: 'errors',
      requirements: ['DVC-ERR-001'],
      run: async (ctx: Ctx) => {
        const code = await dossierFor(ctx, op);
        const values = applyParameterProbe({ query: sample.query, params: Object.fromEntries(names.map((n) => [n, code])) }, probe);
        const example = portalBody(op)?.example as Json | undefined;
        const body = example && typeof example === 'object' ? await validBody(ctx, op, example, code) : undefined;
        const path = pathWith(op, values.params, values.query);
        const res = all.length === 0
          ? await ctx.send({ url: `${ctx.env.target}${path}`, headers: { accept: 'application/json, application/problem+json' }, label: `${op.operationId} ${what}` })
          : await asPortal(ctx, { method: op.method.toUpperCase(), path, ...(body ? { body } : {}), label: `${op.operationId} ${what}` });
        ctx.verify(res.status === 400, { message: `${op.operationId} ${what} is a bad request`, expected: `400: the schema says ${probe.codes.join(', ')} at #/${probe.in}/${probe.name}`, found: `${res.status} ${res.text.slice(0, 160)}`, response: res });
        if (res.status >= 400) verifyProblem(ctx, res, `${op.operationId} ${what}`);
      },
    });
  });
}

/** (d) A public read answers what the document says (status and body valid against the documented response). */
function documentedAnswerCheck(op: OperationInfo): Check | undefined {
  if (op.method !== 'get' || schemes(op).length > 0) return undefined;
  const responses = (op.operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>;
  const unknown = op.path.includes('{MaHoSo}');
  const status = unknown ? 404 : 200;
  // Only JSON answers (the deep link and the sign-on callback answer with pages and redirects).
  if (!Object.keys(resolve(responses[String(status)])?.content ?? {}).some((t) => /json/.test(t))) return undefined;
  const own = unknown ? 'DVC-LKP-003' : (op.requirements[0] ?? 'DVC-ERR-001');
  const requirements = unknown ? [own, 'DVC-ERR-001'] : [own];
  return check({
    id: `contract.${kebab(op.operationId)}.documented-answer`,
    title: `${op.operationId} ${unknown ? 'for an unknown dossier code ' : ''}answers ${status} with a body valid against agency-system.yaml`,
    area: areaOf(own),
    requirements,
    run: async (ctx: Ctx) => {
      const res = await ctx.send({ url: `${ctx.env.target}${pathFor(op, unknownCode(ctx))}`, headers: { accept: 'application/json, application/problem+json' }, label: `${op.operationId}${unknown ? ' (unknown code)' : ''}` });
      ctx.verify(res.status === status, { requirements: [own], message: `${op.operationId}${unknown ? ' for a well-formed code no dossier has' : ''} answers ${status}`, expected: status, found: `${res.status} ${res.text.slice(0, 160)}`, response: res });
      const checked = validateResponse(op.operationId as OperationId, res.status, { headers: res.headers, body: res.json ?? (res.text === '' ? undefined : res.text) });
      ctx.verify(checked.ok, { requirements: [own], message: `The ${res.status} answer is valid against the documented response`, expected: `agency-system.yaml ${op.operationId} ${res.status}`, found: checked.ok ? 'valid' : checked.errors.slice(0, 5).map((e) => `${e.pointer || '/'} ${e.message.en}`).join('; '), response: res });
      if (res.status >= 400) ctx.verify(isProblem(res), { requirements: ['DVC-ERR-001'], message: `${op.operationId}: the error is application/problem+json`, expected: 'application/problem+json', found: res.headers['content-type'] ?? 'none', response: res });
    },
  });
}

/** Every probe of every operation of agency-system.yaml that the probe applies to. */
export function operationChecks(): Check[] {
  const out: Check[] = [];
  for (const op of listOperations('agency-system')) {
    for (const make of [noCredentialsCheck, malformedJsonCheck, documentedAnswerCheck]) {
      const c = make(op);
      if (c) out.push(c);
    }
    out.push(...schemaConstraintChecks(op), ...parameterChecks(op));
  }
  out.push(...operationTokenChecks());
  return out;
}
