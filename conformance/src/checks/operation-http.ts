import { randomUUID } from 'node:crypto';
import { listOperations, type OperationInfo } from '@dvc-kit/spec';
import { acceptableRequest, isRepeatable, type Acceptable } from './acceptable-requests.js';
import { dossierFor, kebab, pathFor, portalBody, resolve, validBody, type Json } from './operation-support.js';
import { bodyIssues } from './schema-probes.js';
import { asPortal, check, verifyProblem, type Check, type Ctx } from './support.js';

/*
 * The HTTP contract of every route of agency-system.yaml, where frameworks answer for the
 * system unless it takes care: a method the document does not give a path, a body that does
 * not say it is JSON, a path the document does not have, and the Idempotency-Key of each
 * data-writing POST (a route wired without the idempotency layer is the classic gap). Every
 * such error is application/problem+json (DVC-ERR-001). Paths, methods and headers come from
 * the document: a new route gets these checks without a change here.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** The system's answer is an error as problem+json whose status is `statuses`' (the first is the expected one). */
function verifyError(ctx: Ctx, res: Awaited<ReturnType<typeof asPortal>>, statuses: number[], what: string, requirements: string[]): void {
  ctx.verify(statuses.includes(res.status), { requirements, message: `${what} is answered ${statuses.join(' or ')}`, expected: statuses.join(' or '), found: `${res.status} ${res.text.slice(0, 160)}`, response: res });
  if (res.status >= 400) verifyProblem(ctx, res, what);
}

/** A method the document does not give the path (PATCH, else DELETE …): 405 (or 404) problem+json. */
function methodNotAllowedChecks(): Check[] {
  const byPath = new Map<string, OperationInfo[]>();
  for (const op of listOperations('agency-system')) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  return [...byPath.entries()].flatMap(([path, ops]) => {
    const method = [...METHODS].reverse().find((m) => !ops.some((op) => op.method === m));
    if (!method) return [];
    const op = ops[0]!;
    const slug = path.replace(/\{[^}]+\}/g, 'x').replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase() || 'root';
    return [
      check({
        id: `contract.path.${slug}.method-not-allowed`,
        title: `${method.toUpperCase()} ${path}, a method agency-system.yaml does not give that path, is answered 405 application/problem+json`,
        area: 'errors',
        requirements: ['DVC-ERR-001'],
        run: async (ctx: Ctx) => {
          const res = await asPortal(ctx, { method: method.toUpperCase(), path: pathFor(op, await dossierFor(ctx, op)), label: `${method.toUpperCase()} ${path}` });
          verifyError(ctx, res, [405, 404], `${method.toUpperCase()} on ${path}`, ['DVC-ERR-001']);
          // RFC 9110 §15.5.6 asks a 405 to name the methods the resource has; the standard does not: a note, not a verdict.
          if (res.status === 405 && !ops.every((o) => new RegExp(`\\b${o.method}\\b`, 'i').test(res.headers.allow ?? ''))) ctx.note(`the 405's Allow header (${res.headers.allow ?? 'none'}) does not name ${ops.map((o) => o.method.toUpperCase()).join(', ')} (RFC 9110 §15.5.6)`);
        },
      }),
    ];
  });
}

/** A valid body sent as text/plain: 415 (or 400) problem+json, never processed as JSON. */
function unsupportedMediaTypeCheck(op: OperationInfo): Check | undefined {
  const example = portalBody(op)?.example as Json | undefined;
  if (!example || typeof example !== 'object') return undefined;
  return check({
    id: `contract.${kebab(op.operationId)}.content-type-not-json`,
    title: `${op.operationId} answers a valid body labelled text/plain with 415 (or 400) application/problem+json`,
    area: 'errors',
    requirements: ['DVC-ERR-001'],
    run: async (ctx: Ctx) => {
      const code = await dossierFor(ctx, op);
      const body = await validBody(ctx, op, example, code);
      // Signed like the JSON it is: only the media type is wrong.
      const signature = await ctx.env.portal.sign(body);
      const res = await asPortal(ctx, { method: op.method.toUpperCase(), path: pathFor(op, code), body: JSON.stringify(body), signature, headers: { 'content-type': 'text/plain; charset=utf-8' }, label: `${op.operationId} with Content-Type: text/plain` });
      verifyError(ctx, res, [415, 400], `${op.operationId} with a text/plain body`, ['DVC-ERR-001']);
    },
  });
}

/** A path under /v1 that the document does not have: 404 problem+json. */
const unknownPathCheck = check({
  id: 'contract.path.unknown.not-found',
  title: 'A path agency-system.yaml does not have (GET /v1/khong-co) is answered 404 application/problem+json',
  area: 'errors',
  requirements: ['DVC-ERR-001'],
  run: async (ctx: Ctx) => {
    const res = await asPortal(ctx, { path: '/v1/khong-co', label: 'GET /v1/khong-co' });
    verifyError(ctx, res, [404], 'GET /v1/khong-co', ['DVC-ERR-001']);
  },
});

/** Whether the operation carries the Idempotency-Key header (the document's own parameter). */
function takesIdempotencyKey(op: OperationInfo): boolean {
  const params = (op.operation.parameters as unknown[] | undefined) ?? [];
  return params.some((p) => {
    const param = resolve<{ in?: string; name?: string }>(p as never);
    return param?.in === 'header' && param.name?.toLowerCase() === 'idempotency-key';
  });
}

/**
 * The Idempotency-Key of a data-writing POST, per operation (receiveDossier's are the
 * idempotency.* checks): missing or malformed is a 400 naming the header (DVC-IDEM-001); on a
 * request the system accepts (acceptable-requests.ts), the same key and body answers the first
 * answer again, with no second effect (DVC-IDEM-002), and the same key with another body 422
 * (DVC-IDEM-003).
 */
function idempotencyChecks(op: OperationInfo): Check[] {
  const example = portalBody(op)?.example as Json | undefined;
  if (op.method !== 'post' || op.operationId === 'receiveDossier' || !takesIdempotencyKey(op) || !example || typeof example !== 'object') return [];
  const prefix = `contract.${kebab(op.operationId)}.idempotency`;
  const send = async (ctx: Ctx, key: string | null, label: string) => {
    const code = await dossierFor(ctx, op);
    return asPortal(ctx, { method: 'POST', path: pathFor(op, code), body: await validBody(ctx, op, example, code), idempotencyKey: key, label });
  };
  const acceptable = acceptableRequest(op, example);
  const keyChecks = [
    { slug: 'key-missing', key: null, what: 'without Idempotency-Key' },
    { slug: 'key-malformed', key: 'short', what: 'with a 5-character Idempotency-Key' },
  ].map(({ slug, key, what }) =>
    check({
      id: `${prefix}.${slug}`,
      title: `${op.operationId} ${what} is refused with 400 application/problem+json naming the header`,
      area: 'idempotency',
      requirements: ['DVC-IDEM-001'],
      run: async (ctx: Ctx) => {
        const res = await send(ctx, key, `${op.operationId} ${what}`);
        verifyError(ctx, res, [400], `${op.operationId} ${what}`, ['DVC-IDEM-001']);
        const errors = (res.json as { errors?: { pointer?: string }[] } | undefined)?.errors;
        if (res.status === 400) ctx.verify(Array.isArray(errors) && errors.some((e) => /^#\/header\/idempotency-key$/i.test(e?.pointer ?? '')), { requirements: ['DVC-IDEM-001'], message: 'The problem names the header (#/header/Idempotency-Key)', expected: 'errors: [{ pointer: "#/header/Idempotency-Key" }]', found: Array.isArray(errors) ? JSON.stringify(errors.map((e) => e?.pointer)) : 'no errors array', response: res });
      },
    }),
  );
  return acceptable ? [...keyChecks, ...repeatChecks(op, prefix, acceptable)] : keyChecks;
}

/** IDEM-002 and IDEM-003 on an accepted request of the operation. */
function repeatChecks(op: OperationInfo, prefix: string, acceptable: (ctx: Ctx) => Promise<Acceptable>): Check[] {
  const first = async (ctx: Ctx) => {
    const request = await acceptable(ctx);
    const key = randomUUID();
    const send = (body: Json, label: string) => asPortal(ctx, { method: 'POST', path: request.path, body, idempotencyKey: key, ...(request.scope ? { scope: request.scope } : {}), label });
    const res = await send(request.body, `${op.operationId} (first)`);
    ctx.require(res.status >= 200 && res.status < 300, { message: `The first ${op.operationId} is accepted`, expected: '2xx', found: `${res.status} ${res.text.slice(0, 160)}`, response: res });
    return { request, res, send };
  };
  return [
    check({
      id: `${prefix}.replay-same-answer`,
      title: `${op.operationId} repeated with the same Idempotency-Key and body gets the first answer again and has no second effect`,
      area: 'idempotency',
      requirements: ['DVC-IDEM-002'],
      ...(isRepeatable(op) ? {} : { expectedMs: 600 }),
      ...(op.operationId === 'notifyPayment' ? { online: ['full' as const] } : {}),
      run: async (ctx: Ctx) => {
        const { request, res, send } = await first(ctx);
        const again = await send(request.body, `${op.operationId} (repeat, same key and body)`);
        // A second effect shows as another answer: a second withdrawal or supplement is refused, a second feedback gets a new record.
        ctx.verify(again.status === res.status && JSON.stringify(again.json) === JSON.stringify(res.json), { message: 'The repeat answers the first status and body', expected: `${res.status} ${res.text.slice(0, 160)}`, found: `${again.status} ${again.text.slice(0, 160)}`, response: [res, again] });
      },
    }),
    check({
      id: `${prefix}.key-reuse-other-body`,
      title: `${op.operationId} reusing an Idempotency-Key with another body is refused with 422 application/problem+json`,
      area: 'idempotency',
      requirements: ['DVC-IDEM-003'],
      ...(isRepeatable(op) ? {} : { expectedMs: 600 }),
      ...(op.operationId === 'notifyPayment' ? { online: ['full' as const] } : {}),
      run: async (ctx: Ctx) => {
        const { request, send } = await first(ctx);
        const other = anotherValidBody(op.operationId, request.body);
        if (!other) ctx.inconclusive(`the suite found no text field of the ${op.operationId} body to change`);
        const res = await send(other, `${op.operationId} (same key, another body)`);
        verifyError(ctx, res, [422], `${op.operationId} reusing a key with another body`, ['DVC-IDEM-003']);
      },
    }),
  ];
}

/** `body` with one top-level text field changed, still valid against the schema; undefined when none can be. */
function anotherValidBody(operationId: string, body: Json): Json | undefined {
  for (const [field, value] of Object.entries(body)) {
    if (typeof value !== 'string') continue;
    const other = { ...body, [field]: `${value}-2` };
    if (bodyIssues(operationId, other).length === 0) return other;
  }
  return undefined;
}

/** The HTTP-contract checks of every route and data-writing operation of agency-system.yaml. */
export function operationHttpChecks(): Check[] {
  const ops = listOperations('agency-system');
  return [
    ...methodNotAllowedChecks(),
    unknownPathCheck,
    ...ops.flatMap((op) => [unsupportedMediaTypeCheck(op)].filter((c): c is Check => c !== undefined)),
    ...ops.flatMap(idempotencyChecks),
  ];
}
