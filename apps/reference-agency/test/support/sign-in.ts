import type { UserInfo } from '@dvc-kit/spec';
import type { FakePortal } from './fake-portal.js';

/** A citizen of the test portal (claim names as the portal's userinfo). */
export function citizen(over: Partial<UserInfo> & { sub: string }): UserInfo {
  return { TechID: `tech-${over.sub}`, LoaiTaiKhoan: '1', loAs: ['LoA1', 'LoA2'], SoDinhDanh: '038190004521', HoVaTen: 'Lê Thị Hồng Nhung', SoDienThoai: '0912345678', ...over } as UserInfo;
}

/**
 * Signs a citizen in as a browser would: the deep link, the portal's authorize (the citizen
 * chosen by login_hint), the agency's callback. Answers the session cookie.
 */
export async function signIn(portal: FakePortal, agencyUrl: string, sub: string): Promise<string> {
  const open = await fetch(`${agencyUrl}/dvc?vnconnect=1&MaTTHCDP=1.001612`, { redirect: 'manual' });
  if (open.status !== 302) throw new Error(`the deep link answered ${open.status}`);
  const authorize = new URL(open.headers.get('location')!);
  authorize.searchParams.set('login_hint', sub);
  const back = await fetch(authorize, { redirect: 'manual' });
  const callback = await fetch(back.headers.get('location')!, { redirect: 'manual' });
  if (callback.status !== 302) throw new Error(`the callback answered ${callback.status}: ${await callback.text()}`);
  return callback.headers.get('set-cookie')!.split(';')[0]!;
}
