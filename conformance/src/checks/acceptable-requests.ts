import { awaitingPayment, supplement, withdrawal } from './citizen-requests.js';
import type { OperationInfo } from '@dvc-kit/spec';
import { dossierFor, validBody, type Json } from './operation-support.js';
import { citizen, pickProcedure, receive, syncedAt, type Ctx } from './support.js';

/*
 * For the writes that act on a dossier in a given state, how the suite makes a request the
 * system accepts: the dossier brought to that state first, so that a check can tell a refusal
 * for what it probes from one for the dossier's state.
 */

/** A request of the operation that the system accepts when signed by the portal. */
export interface Acceptable {
  path: string;
  body: Json;
  scope?: string;
}

/** How the suite makes a request of each write that acts on a dossier acceptable (the dossier in the right state). */
export const ACCEPTABLE: Readonly<Record<string, (ctx: Ctx) => Promise<Acceptable>>> = {
  submitSupplement: async (ctx) => {
    const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), files: false });
    await syncedAt(ctx, MaHoSo, ['5']);
    return { path: `/v1/dossiers/${encodeURIComponent(MaHoSo)}/supplements`, body: supplement(ctx) };
  },
  withdrawDossier: async (ctx) => {
    const { MaHoSo } = await receive(ctx, { procedure: await pickProcedure(ctx, { fees: false }), files: false });
    await syncedAt(ctx, MaHoSo, ['5']);
    return { path: `/v1/dossiers/${encodeURIComponent(MaHoSo)}/withdrawal`, body: withdrawal(citizen(ctx).SoDinhDanh!) };
  },
  notifyPayment: async (ctx) => ({ path: '/v1/payment-notifications', body: (await awaitingPayment(ctx)).payment() as unknown as Json, scope: 'agency.payments.write' }),
};

/** Operations whose documented body is accepted again and again, each time a new record (no dossier state needed). */
const REPEATABLE: Readonly<Record<string, (body: Json, ctx: Ctx) => Json>> = {
  // validBody gives a new dossier each time.
  receiveDossier: (body) => body,
  // A feedback item of its own each time: the example's MaPhanAnh with other digits at its end.
  receiveFeedback: (body, ctx) => (typeof body.MaPhanAnh === 'string' ? { ...body, MaPhanAnh: body.MaPhanAnh.replace(/\d{4}$/, ctx.random.digits(4)) } : body),
};

/** How the suite makes a request of the operation that the system accepts, or undefined when it cannot. */
export function acceptableRequest(op: OperationInfo, example: Json): ((ctx: Ctx) => Promise<Acceptable>) | undefined {
  const fresh = REPEATABLE[op.operationId];
  if (fresh) return async (ctx) => ({ path: op.path, body: fresh(await validBody(ctx, op, example, await dossierFor(ctx, op)), ctx) });
  return ACCEPTABLE[op.operationId];
}

/** Whether the operation's request is made from its example alone (no dossier state to reach first). */
export const isRepeatable = (op: OperationInfo): boolean => REPEATABLE[op.operationId] !== undefined;
