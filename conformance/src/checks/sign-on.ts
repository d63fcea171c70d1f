import type { UserInfo } from '@dvc-kit/spec';
import type { HttpResponse } from '../evidence.js';
import { pickProcedure, type Ctx } from './support.js';

/** One cookie as a browser keeps it (host-only: the suite talks to one system). */
interface Cookie {
  name: string;
  value: string;
  path: string;
  secure: boolean;
}

/**
 * The cookies a system set, sent back as a browser would: by path, and Secure ones over
 * https only. Enough for a session cookie; Domain, expiry and SameSite are not modelled.
 */
export class CookieJar {
  readonly #cookies = new Map<string, Cookie>();

  /** Takes the Set-Cookie header(s) of an answer (joined with ", " by the evidence recorder). */
  store(setCookie: string | undefined, requestUrl: string): void {
    if (!setCookie) return;
    const url = new URL(requestUrl);
    // Split where a new "name=" starts, not at the comma inside an Expires date.
    for (const line of setCookie.split(/,\s*(?=[^;,=\s]+=)/)) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = new Map(attributes.map((a) => [a.split('=')[0]!.toLowerCase(), a.slice(a.indexOf('=') + 1)] as const));
      const path = attr.get('path')?.startsWith('/') ? attr.get('path')! : url.pathname.replace(/\/[^/]*$/, '') || '/';
      const maxAge = attr.has('max-age') ? Number(attr.get('max-age')) : undefined;
      const key = `${name};${path}`;
      if (value === '' || (maxAge !== undefined && maxAge <= 0)) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path, secure: attr.has('secure') });
    }
  }

  /** The Cookie header for a request to `url`, or undefined when no cookie applies. */
  header(url: string): string | undefined {
    const u = new URL(url);
    const matching = [...this.#cookies.values()].filter((c) => (!c.secure || u.protocol === 'https:') && (u.pathname === c.path || u.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)));
    return matching.length > 0 ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  get size(): number {
    return this.#cookies.size;
  }
}

/** A citizen signed in at the system under test, as a browser holds it: the cookies. */
export interface CitizenSession {
  citizen: UserInfo;
  jar: CookieJar;
  /** The journal id before the sign-on began (to find what the system asked the portal during it). */
  startedAfter: number;
  /** The hops of the sign-on, deep link first. */
  hops: HttpResponse[];
}

export interface SignInOptions {
  /** The requirements a failed sign-on decides (the sign-on is part of their verification). */
  requirements: string[];
}

/**
 * Signs in as `citizen` the way a browser does: the system's deep link → the portal's
 * authorize (with `login_hint`, the mock portal's stand-in for VNeID) → the system's
 * signOnCallback, keeping the cookies the system sets. Every hop is evidence; redirects
 * are followed by hand.
 */
export async function signIn(ctx: Ctx, citizen: UserInfo, o: SignInOptions): Promise<CitizenSession> {
  const jar = new CookieJar();
  const startedAfter = ctx.env.portal.lastRequestId;
  const hops: HttpResponse[] = [];
  const procedure = await pickProcedure(ctx);
  const agency = ctx.env.portal.agencyCode;
  const deepLink = `${ctx.env.target}/dvc?vnconnect=1&MaTTHCDP=${encodeURIComponent(`${procedure.MaTTHC}.${agency}`)}&MaCoQuanThucHien=${encodeURIComponent(agency)}`;
  const fail = (message: string, expected: string, res: HttpResponse): never => {
    ctx.require(false, { requirements: o.requirements, message, expected, found: `${res.status} ${res.headers.location ?? res.text.slice(0, 200)}`, response: hops });
    throw new Error('unreachable');
  };

  const first = await ctx.send({ url: deepLink, label: `sign-on as ${citizen.HoVaTen}: openDeepLink` });
  hops.push(first);
  jar.store(first.headers['set-cookie'], deepLink);
  const authorize = first.headers.location ? new URL(first.headers.location, deepLink) : undefined;
  if (!(first.status >= 301 && first.status <= 303) || !authorize || !authorize.href.startsWith(`${ctx.env.portal.url}/oauth2/authorize`)) {
    return fail("The deep link sends an anonymous browser to the national portal's sign-on", `302 to ${ctx.env.portal.url}/oauth2/authorize`, first);
  }
  authorize.searchParams.set('login_hint', citizen.TechID ?? citizen.sub);

  const atPortal = await ctx.send({ url: authorize.href, label: `sign-on as ${citizen.HoVaTen}: the portal's authorize (login_hint)` });
  hops.push(atPortal);
  const callback = atPortal.headers.location ? new URL(atPortal.headers.location, authorize) : undefined;
  if (atPortal.status !== 302 || !callback || !callback.searchParams.get('code')) {
    return fail("The portal signs the citizen in and sends the browser back to the system's redirect_uri with a code", '302 to redirect_uri?code=…&state=…', atPortal);
  }

  const cookie = jar.header(callback.href);
  const back = await ctx.send({ url: callback.href, ...(cookie ? { headers: { cookie } } : {}), label: `sign-on as ${citizen.HoVaTen}: signOnCallback` });
  hops.push(back);
  jar.store(back.headers['set-cookie'], callback.href);
  if (!(back.status >= 301 && back.status <= 303) || jar.size === 0) {
    return fail('The system finishes the sign-on (signOnCallback): a redirect that sets the session cookie', '302 with Set-Cookie', back);
  }
  return { citizen, jar, startedAfter, hops };
}

/** A request to the system as the signed-in browser (its cookies; JSON accepted). */
export function asCitizen(ctx: Ctx, session: CitizenSession | null, o: { method?: string; path: string; body?: unknown; label: string }): Promise<HttpResponse> {
  const url = `${ctx.env.target}${o.path}`;
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const cookie = session?.jar.header(url);
  if (cookie) headers.cookie = cookie;
  return ctx.send({ method: o.method ?? 'GET', url, headers, ...(o.body !== undefined ? { body: o.body } : {}), label: o.label });
}

export interface MyDossiers {
  response: HttpResponse;
  account: { TechID?: string; sub?: string; HoVaTen?: string } | undefined;
  codes: string[];
}

/** listMyDossiers, every page (at most 10). */
export async function myDossiers(ctx: Ctx, session: CitizenSession | null, label: string): Promise<MyDossiers> {
  const codes: string[] = [];
  let cursor: string | null = null;
  let first: HttpResponse | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await asCitizen(ctx, session, { path: `/v1/me/dossiers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, label: page === 0 ? label : `${label} (page ${page + 1})` });
    first ??= res;
    if (res.status !== 200) break;
    const body = res.json as { items?: { MaHoSo?: string }[]; nextCursor?: string | null };
    codes.push(...(body.items ?? []).map((i) => i.MaHoSo ?? ''));
    cursor = body.nextCursor ?? null;
    if (!cursor) break;
  }
  const account = first!.status === 200 ? (first!.json as { account?: MyDossiers['account'] }).account : undefined;
  return { response: first!, account, codes };
}

/**
 * A new citizen at the suite's portal, unique to the check (ids from ctx.random), so checks
 * running at once never share an account. `like` copies claims (e.g. another's name and phone).
 */
export function newCitizen(ctx: Ctx, like: Partial<UserInfo> = {}): UserInfo {
  const hex = () => Array.from({ length: 32 }, () => '0123456789abcdef'[ctx.random.int(0, 15)]).join('');
  const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
  const token = ctx.random.token(6);
  return ctx.env.portal.addCitizen({
    LoaiTaiKhoan: '1',
    loAs: ['LoA1', 'LoA2', 'LoA3'],
    HoVaTen: `Công dân kiểm thử ${token}`,
    NgayThangNamSinh: '19900101',
    GioiTinh: '2',
    SoDienThoai: `09${ctx.random.digits(8)}`,
    QuocTich: 'VN',
    ...like,
    sub: uuid(hex()),
    TechID: uuid(hex()),
    // Thanh Hóa (038), a woman born in the 1900s (1), in 1990.
    SoDinhDanh: `038190${ctx.random.digits(6)}`,
  });
}
