import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AgencySystem } from '@dvc-kit/spec';
import { requireAccount } from './accounts.js';
import { issue, problems } from './errors.js';
import type { Reply, RequestContext } from './http.js';
import { validateAgainstSpec } from './request-guard.js';
import type { AgencyServices } from './services.js';

type MyDossiers = AgencySystem.components['schemas']['MyDossiers'];

/** A keyset cursor (creation time, code), MAC'd with the account's key so it serves only that account. */
function encodeCursor(secret: Buffer, account: string, at: { createdAt: number; code: string }): string {
  const payload = Buffer.from(`${at.createdAt}|${at.code}`).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(`me:${account}:${payload}`).digest('base64url').slice(0, 22)}`;
}

function decodeCursor(secret: Buffer, account: string, cursor: string): { createdAt: number; code: string } | undefined {
  const [payload, mac] = cursor.split('.');
  if (!payload || !mac) return undefined;
  const expected = createHmac('sha256', secret).update(`me:${account}:${payload}`).digest('base64url').slice(0, 22);
  if (mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return undefined;
  const [createdAt, code] = Buffer.from(payload, 'base64url').toString().split('|');
  return code && /^\d+$/.test(createdAt ?? '') ? { createdAt: Number(createdAt), code } : undefined;
}

/**
 * listMyDossiers: `GET /v1/me/dossiers?cursor=&limit=` with the session cookie (DVC-SSO-006).
 * The account's dossiers (owned under its SoDinhDanh, as for the authenticated lookup), newest
 * first, with the name of the latest sign-in.
 */
export function listMyDossiers(services: AgencyServices, ctx: RequestContext): Reply {
  const account = requireAccount(services, ctx, 'see your dossiers');
  validateAgainstSpec('listMyDossiers', ctx, undefined, services.mutant);
  const limit = Number(ctx.query.get('limit') ?? 50);
  const cursor = ctx.query.get('cursor');
  const after = cursor === null ? undefined : decodeCursor(services.secret, account.id, cursor);
  if (cursor !== null && !after) {
    throw problems.malformed('The cursor is not one this server issued for this account.', [issue('#/query/cursor', 'CURSOR_INVALID', 'Con trỏ phân trang không hợp lệ.', 'The pagination cursor is invalid.')]);
  }
  const rows = account.SoDinhDanh ? services.store.ownedBy(account.SoDinhDanh, limit + 1, after) : [];
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const body: MyDossiers & { nextCursor: string | null } = {
    account: {
      ...(account.TechID ? { TechID: account.TechID } : {}),
      sub: account.sub,
      HoVaTen: account.HoVaTen ?? account.sub,
    },
    items: page.map((d) => ({
      MaHoSo: d.code,
      MaTTHC: d.dossier.MaTTHC,
      TenTTHC: d.dossier.TenTTHC,
      TrangThaiHoSo: d.status,
      ...(d.dossier.NgayTiepNhan ? { NgayTiepNhan: d.dossier.NgayTiepNhan } : {}),
      ...(d.dossier.NgayHenTra ? { NgayHenTra: d.dossier.NgayHenTra } : {}),
      DaDanhGia: services.evaluations.has(d.code),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(services.secret, account.id, last) : null,
  };
  return { status: 200, headers: { 'cache-control': 'no-store' }, body };
}
