import { ValidationError, type ValidationIssue } from './errors.js';
import type { AgencySystemOperations, ApiResponse } from './types.js';

type SignOnHeaders = AgencySystemOperations['signOnCallback']['responses'][302]['headers'];

/** What `account.completeSignOn` answers: the session the system started and where it sends the citizen. */
export interface SignOnSession {
  /** The session cookie's value: pass it as `session` to the account's operations. */
  session: string;
  /** The 302's `Location`: the address the system carried in `state`. */
  location: SignOnHeaders['Location'];
}

/** An RFC 6265 cookie name (a token). */
export const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The value of cookie `name` among `Set-Cookie` headers; `undefined` when it is not set (or set empty, i.e. cleared). */
export function setCookieValue(setCookie: string | string[] | undefined, name: string): string | undefined {
  for (const header of [setCookie ?? []].flat()) {
    const pair = header.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    if (value !== '' && value !== '""') return value;
  }
  return undefined;
}

/**
 * The session out of `signOnCallback`'s answer. The document's only success is a 302 with
 * `Location` and the session in `Set-Cookie`; anything else is a response that does not
 * match it (a system that answered 200 with a page has not signed the citizen in).
 */
export function signOnSession(answer: ApiResponse<unknown>, cookieName: string): SignOnSession {
  const issues: ValidationIssue[] = [];
  const location = [answer.headers['location'] ?? []].flat()[0];
  const session = setCookieValue(answer.headers['set-cookie'], cookieName);
  if (answer.status !== 302) issues.push(issue('#/status', 'status', `signOnCallback answered ${answer.status}, not the 302 that ends a sign-on`, `signOnCallback trả về ${answer.status}, không phải 302`));
  if (!location) issues.push(issue('#/header/location', 'required', 'signOnCallback answered without Location', 'thiếu tiêu đề Location'));
  if (!session) issues.push(issue('#/header/set-cookie', 'required', `signOnCallback answered without the session cookie ${cookieName} in Set-Cookie`, `thiếu cookie phiên ${cookieName} trong Set-Cookie`));
  if (issues.length > 0) throw new ValidationError('response', issues);
  return { session: session!, location: location! };
}

function issue(pointer: string, code: string, en: string, vi: string): ValidationIssue {
  return { pointer, code, message: { vi, en } };
}
