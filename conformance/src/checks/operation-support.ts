import { AREA_PREFIXES, getDocument, listOperations, type OperationInfo, type RequirementArea } from '@dvc-kit/spec';
import type { SuiteEnv } from '../harness/environment.js';
import { asPortal, newSubmission, nowPortal, pickProcedure, type Ctx } from './support.js';

/*
 * What the per-operation checks share: the operations' security, bodies, examples and paths as
 * agency-system.yaml gives them, and a dossier of the system's own for paths that name one.
 */

export type Json = Record<string, unknown>;

const document = getDocument('agency-system') as unknown as { security?: Json[] } & Json;

/** An operation of agency-system.yaml by its id. */
export function operation(operationId: string): OperationInfo {
  const op = listOperations('agency-system').find((o) => o.operationId === operationId);
  if (!op) throw new Error(`agency-system.yaml has no operation ${operationId}`);
  return op;
}

/** The scopes an operation's portal token must carry (its `security`). */
export function portalScopes(op: OperationInfo): string[] {
  const security = ((op.operation.security as Json[] | undefined) ?? document.security ?? []) as Record<string, string[]>[];
  return security.flatMap((s) => s.portalToken ?? []);
}

/** Follows a local `$ref` of the bundled document (`#/components/responses/NotFound`). */
export function resolve<T>(value: T | { $ref?: string } | undefined): T | undefined {
  let v: unknown = value;
  for (let hops = 0; hops < 10 && v && typeof v === 'object' && typeof (v as { $ref?: unknown }).$ref === 'string'; hops++) {
    const ref = (v as { $ref: string }).$ref;
    if (!ref.startsWith('#/')) return undefined;
    v = ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  }
  return v as T | undefined;
}

/** The security schemes an operation names (its own `security`, else the document's). */
export function schemes(op: OperationInfo): string[] {
  const security = ((op.operation.security as Json[] | undefined) ?? document.security ?? []) as Json[];
  return [...new Set(security.flatMap((s) => Object.keys(s)))];
}

export function jsonBodyOf(op: OperationInfo): { example?: unknown } | undefined {
  const content = (op.operation.requestBody as { content?: Record<string, { example?: unknown; examples?: Record<string, { value?: unknown }> }> } | undefined)?.content;
  const json = content?.['application/json'];
  if (!json) return undefined;
  const example = json.example ?? Object.values(json.examples ?? {})[0]?.value;
  return example === undefined ? {} : { example };
}

/** `receiveDossier` → `receive-dossier` (check ids are lower-case kebab case). */
export function kebab(operationId: string): string {
  return operationId.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function areaOf(requirement: string): RequirementArea {
  const prefix = /^DVC-([A-Z]+)-/.exec(requirement)?.[1];
  return (Object.entries(AREA_PREFIXES).find(([, p]) => p === prefix)?.[0] ?? 'errors') as RequirementArea;
}

/** A well-formed dossier code of the system's agency that no dossier has. */
export function unknownCode(ctx: Ctx): string {
  return `${ctx.env.portal.agencyCode}-${nowPortal().slice(2, 8)}-${ctx.random.digits(8)}`;
}

/** The required query parameters, from their documented examples (so only the probed fault is wrong). */
/** The required query parameters' documented examples (so only a probed fault is wrong). */
export function exampleQueryValues(op: OperationInfo): Record<string, string> {
  const params = ((op.operation.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'query' && p.required === true && p.example !== undefined);
  return Object.fromEntries(params.map((p) => [String(p.name), String(p.example)]));
}

/** The operation's path with these path parameters and query. */
export function pathWith(op: OperationInfo, params: Record<string, string>, query: Record<string, string>): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const search = new URLSearchParams(Object.entries(query)).toString();
  return search ? `${path}?${search}` : path;
}

export function pathFor(op: OperationInfo, code: string): string {
  return pathWith(op, { MaHoSo: code }, exampleQueryValues(op));
}

const dossiers = new WeakMap<SuiteEnv, Promise<string | undefined>>();

/**
 * A dossier of the system's own, received once per run, for probes whose path names one: an
 * unknown code could be answered 404 before the body is looked at, which would hide the probe.
 */
function probeDossier(ctx: Ctx): Promise<string | undefined> {
  let cached = dossiers.get(ctx.env);
  if (!cached) {
    cached = (async () => {
      const submission = newSubmission(ctx, { procedure: await pickProcedure(ctx, { fees: false }) });
      const res = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: submission, label: 'receiveDossier (a dossier for the per-operation probes)' });
      const code = (res.json as { MaHoSo?: unknown } | undefined)?.MaHoSo;
      return res.status === 201 && typeof code === 'string' ? code : undefined;
    })();
    dossiers.set(ctx.env, cached);
  }
  return cached;
}

export async function dossierFor(ctx: Ctx, op: OperationInfo): Promise<string> {
  if (!op.path.includes('{MaHoSo}')) return unknownCode(ctx);
  const code = await probeDossier(ctx);
  if (!code) ctx.inconclusive('the system did not receive the dossier the probe needs in its path (receiveDossier is checked by the reception checks)');
  return code;
}


/** Operations whose JSON body the suite can send as the portal (token-secured; a citizen session needs a sign-in). */
export function portalBody(op: OperationInfo): { example?: unknown } | undefined {
  const body = jsonBodyOf(op);
  return body && schemes(op).includes('portalToken') ? body : undefined;
}

/** The body the system would accept: a fresh dossier for receiveDossier, else the documented example naming the probe's dossier. */
export async function validBody(ctx: Ctx, op: OperationInfo, example: Json, code: string): Promise<Json> {
  if (op.operationId === 'receiveDossier') return newSubmission(ctx, { procedure: await pickProcedure(ctx, { fees: false }) }) as unknown as Json;
  return 'MaHoSo' in example ? { ...example, MaHoSo: code } : { ...example };
}

