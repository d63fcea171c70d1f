import { awaitingPayment, supplement, withdrawal } from './citizen-requests.js';
import type { Json } from './operation-support.js';
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

/** How the suite makes each signed operation's request acceptable (a dossier in the right state). */
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

