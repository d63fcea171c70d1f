import { listOperations, requirements as catalogue, type OperationInfo } from '@dvc-kit/spec';
import { validateResponse, type OperationId } from '@dvc-kit/validators';
import { acceptableRequest, isRepeatable, type Acceptable } from './acceptable-requests.js';
import { describeEdge, edgeBodies, edgeSlug, type EdgeBody } from './edge-bodies.js';
import { citizenLookup } from './feedback.js';
import { areaOf, kebab, portalBody, resolve, type Json } from './operation-support.js';
import { applyProbe, bodyIssues } from './schema-probes.js';
import { asPortal, check, citizen, type Check, type Ctx } from './support.js';

/*
 * `contract.<operation-id>.accepts.<field>.<edge>`: the system accepts a valid body at the
 * edge of what the schema allows (edge-bodies.ts): the longest Vietnamese text a field may
 * hold, an optional field left out, another code of its list. Only where the standard says
 * nothing more than the schema: a field that a requirement of the catalogue names has rules
 * beyond it (an owner's identification, the documents of a procedure), so refusing one of its
 * schema-valid values may be right; those fields are not probed.
 */

const requirementText = catalogue.map((r) => `${r.text.en} ${r.text.vi} ${r.verification ?? ''}`).join('\n');
/** Whether a requirement names the field (`/DinhDanhCHS/0/SoDinhDanh` → DinhDanhCHS or SoDinhDanh). */
const namedByRequirement = (pointer: string) => pointer.split('/').filter((t) => t && !/^\d+$/.test(t)).some((t) => new RegExp(`\\b${t}\\b`).test(requirementText));

function successStatuses(op: OperationInfo): number[] {
  return Object.keys((op.operation.responses ?? {}) as Json).filter((s) => /^2\d\d$/.test(s)).map(Number);
}

function edgeCheck(op: OperationInfo, example: Json, edge: EdgeBody, acceptable: (ctx: Ctx) => Promise<Acceptable>): Check {
  const what = describeEdge(edge);
  const own = op.operationId === 'receiveDossier' ? 'DVC-RCV-001' : (op.requirements[0] ?? 'DVC-ERR-003');
  const success = successStatuses(op);
  return check({
    id: `contract.${kebab(op.operationId)}.accepts.${edgeSlug(edge)}`,
    title: `${op.operationId} accepts a valid body with ${what}: ${success.join('/')}${edge.kind === 'longest' && op.operationId === 'receiveDossier' ? ', the text kept whole' : ''}`,
    area: areaOf(own),
    requirements: [own],
    // A dossier brought to a state first waits on the system's pushes: started early, before a 429's pause.
    ...(isRepeatable(op) ? {} : { expectedMs: 600 }),
    ...(op.operationId === 'notifyPayment' ? { online: ['full' as const] } : {}),
    run: async (ctx: Ctx) => {
      const request = await acceptable(ctx);
      const body = applyProbe(request.body, edge, example);
      if (!body || bodyIssues(op.operationId, body).length > 0) ctx.inconclusive(`the suite could not build a valid body with ${what}`);
      const res = await asPortal(ctx, { method: op.method.toUpperCase(), path: request.path, body, ...(request.scope ? { scope: request.scope } : {}), label: `${op.operationId} with ${what}` });
      ctx.verify(success.includes(res.status), { message: `${op.operationId} with ${what} is accepted: the standard allows it`, expected: success.join(' or '), found: `${res.status} ${res.text.slice(0, 200)}`, response: res });
      if (!success.includes(res.status)) return;
      const checked = validateResponse(op.operationId as OperationId, res.status, { headers: res.headers, body: res.json ?? (res.text === '' ? undefined : res.text) });
      ctx.verify(checked.ok, { message: `The ${res.status} answer is valid against the documented response`, expected: `agency-system.yaml ${op.operationId} ${res.status}`, found: checked.ok ? 'valid' : checked.errors.slice(0, 3).map((e) => `${e.pointer || '/'} ${e.message.en}`).join('; '), response: res });
      // The longest text is kept whole: a system counting bytes may truncate instead of refusing.
      const code = (res.json as { MaHoSo?: unknown } | undefined)?.MaHoSo;
      const field = edge.pointer.slice(1);
      if (edge.kind !== 'longest' || op.operationId !== 'receiveDossier' || typeof code !== 'string' || field.includes('/')) return;
      const view = await citizenLookup(ctx, code, await ctx.env.portal.citizenToken(citizen(ctx)), "lookupDossier: the owner's view of the text");
      const kept = (view.json as { dossier?: Json } | undefined)?.dossier?.[field];
      if (kept === undefined) return ctx.note(`the owner's lookup does not show ${field}: the text could not be read back`);
      const sent = edge.mutation.kind === 'set' ? edge.mutation.value : undefined;
      ctx.verify(kept === sent, { message: `${field} is stored whole (${String(sent).length} characters)`, expected: `${String(sent).length} characters, as sent`, found: typeof kept === 'string' ? `${kept.length} characters${kept === sent ? '' : `: …${kept.slice(-20)}`}` : JSON.stringify(kept), response: view });
    },
  });
}

/** The edge-body checks of the operations the suite can make an acceptable request of. */
export function operationEdgeChecks(): Check[] {
  return listOperations('agency-system').flatMap((op) => {
    const example = portalBody(op)?.example as Json | undefined;
    const schema = resolve<{ content?: Record<string, { schema?: unknown }> }>(op.operation.requestBody as never)?.content?.['application/json']?.schema;
    const acceptable = example && typeof example === 'object' ? acceptableRequest(op, example) : undefined;
    if (!example || !acceptable || !schema) return [];
    return edgeBodies(op.operationId, example, schema, (s) => resolve(s as never))
      .filter((edge) => !namedByRequirement(edge.pointer))
      .map((edge) => edgeCheck(op, example, edge, acceptable));
  });
}
