import type { UserInfo } from '@dvc-kit/spec';
import type { Db } from './database.js';
import { problems } from './errors.js';
import type { RequestContext } from './http.js';
import type { Mutant } from './mutants.js';
import type { AgencyServices } from './services.js';

/** A citizen's account on this system, as the portal's userinfo last described it. */
export interface Account {
  /** The account key: `TechID`, else `sub:<sub>` (DVC-SSO-006). */
  id: string;
  TechID?: string;
  sub: string;
  /** The identity its dossiers are owned under (the submission's DinhDanhCHS / MaDoiTuong). */
  SoDinhDanh?: string;
  /** The name at the latest sign-in. */
  HoVaTen?: string;
}

interface Row {
  id: string;
  tech_id: string | null;
  sub: string;
  so_dinh_danh: string | null;
  ho_va_ten: string | null;
}

function fromRow(r: Row): Account {
  return {
    id: r.id,
    ...(r.tech_id ? { TechID: r.tech_id } : {}),
    sub: r.sub,
    ...(r.so_dinh_danh ? { SoDinhDanh: r.so_dinh_danh } : {}),
    ...(r.ho_va_ten ? { HoVaTen: r.ho_va_ten } : {}),
  };
}

/**
 * Citizen accounts, one per portal identity (DVC-SSO-006): keyed by the userinfo's `TechID`
 * (`sub` when the portal gives none), never by name or phone number. Signing in again updates
 * the name; the identity the account was opened with stays.
 */
export class AccountStore {
  readonly #db: Db;
  readonly #mutant: Mutant;

  constructor(db: Db, mutant: Mutant) {
    this.#db = db;
    this.#mutant = mutant;
  }

  /** The account key of a userinfo answer. */
  keyOf(user: Pick<UserInfo, 'sub' | 'TechID' | 'HoVaTen'>): string {
    if (this.#mutant.is('account-linked-by-name') && user.HoVaTen) return `name:${user.HoVaTen}`;
    return user.TechID ? user.TechID : `sub:${user.sub}`;
  }

  /** Opens or updates the account of a signed-in user (the latest HoVaTen is kept). */
  signIn(user: Pick<UserInfo, 'sub' | 'TechID' | 'SoDinhDanh' | 'HoVaTen'>, nowMs = Date.now()): Account {
    const id = this.keyOf(user);
    this.#db
      .prepare(
        `INSERT INTO accounts (id, tech_id, sub, so_dinh_danh, ho_va_ten, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET ho_va_ten = COALESCE(excluded.ho_va_ten, accounts.ho_va_ten),
           so_dinh_danh = COALESCE(accounts.so_dinh_danh, excluded.so_dinh_danh), updated_at = excluded.updated_at`,
      )
      .run(id, user.TechID ?? null, user.sub, user.SoDinhDanh ?? null, user.HoVaTen ?? null, nowMs, nowMs);
    return this.get(id)!;
  }

  get(id: string): Account | undefined {
    const row = this.#db.prepare('SELECT id, tech_id, sub, so_dinh_danh, ho_va_ten FROM accounts WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }
}

/** The account of the request's session cookie, if any. */
export function sessionAccount(services: AgencyServices, ctx: RequestContext): Account | undefined {
  const session = services.signOn.session(ctx.headers.cookie);
  return session ? services.accounts.get(session.account) : undefined;
}

/** The signed-in account, or a 401 problem. */
export function requireAccount(services: AgencyServices, ctx: RequestContext, what: string): Account {
  const account = sessionAccount(services, ctx);
  if (!account) throw problems.unauthorized(`Sign in through the national portal to ${what}.`, 'invalid_request');
  return account;
}

/** Whether the account owns the dossier (the same rule as the authenticated lookup: its SoDinhDanh). */
export function owns(account: Account, ownerIds: readonly string[]): boolean {
  return account.SoDinhDanh !== undefined && ownerIds.includes(account.SoDinhDanh);
}
