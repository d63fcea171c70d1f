import { createHmac, timingSafeEqual } from 'node:crypto';
import { OFFERED_PROCEDURES, toPublishedProcedure } from './catalogue.js';
import { issue, problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';

/** Cursors are the offset with an HMAC, so a tampered one is refused (DVC-PAGE-003). */
export function encodeCursor(secret: Buffer, offset: number): string {
  const payload = Buffer.from(String(offset)).toString('base64url');
  const mac = createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);
  return `${payload}.${mac}`;
}

export function decodeCursor(secret: Buffer, cursor: string): number | undefined {
  const [payload, mac] = cursor.split('.');
  if (!payload || !mac) return undefined;
  const expected = createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);
  if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return undefined;
  const offset = Number(Buffer.from(payload, 'base64url').toString());
  return Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}

/** listOfferedProcedures: `GET /v1/procedures?cursor=&limit=` (public). */
export function listOfferedProcedures(services: AgencyServices, ctx: RequestContext): Reply {
  validateAgainstSpec('listOfferedProcedures', ctx, undefined, services.mutant);
  const limit = Number(ctx.query.get('limit') ?? 50);
  const cursor = ctx.query.get('cursor');
  const offset = cursor === null ? 0 : decodeCursor(services.secret, cursor);
  if (offset === undefined) {
    throw problems.malformed('The cursor is not one this server issued.', [issue('#/query/cursor', 'CURSOR_INVALID', 'Con trỏ phân trang không hợp lệ.', 'The pagination cursor is invalid.')]);
  }
  const page = OFFERED_PROCEDURES.slice(offset, offset + limit);
  const next = offset + limit < OFFERED_PROCEDURES.length ? encodeCursor(services.secret, offset + limit) : null;
  return { status: 200, body: { items: page.map((p) => toPublishedProcedure(p, services.config.agencyCode)), nextCursor: next } };
}
