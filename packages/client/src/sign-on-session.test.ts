import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { setCookieValue, signOnSession } from './sign-on-session.js';

describe('the session out of signOnCallback’s Set-Cookie', () => {
  it('finds the named cookie among several, by its exact name, and skips one that is cleared', () => {
    const headers = ['xdvc_session=wrong; Path=/', 'dvc_session=; Max-Age=0', 'dvc_session=abc.123; Path=/; HttpOnly; SameSite=Lax'];
    expect(setCookieValue(headers, 'dvc_session')).toBe('abc.123');
    expect(setCookieValue('dvc_session="quoted"; Path=/', 'dvc_session')).toBe('"quoted"');
    expect(setCookieValue(['dvc_session=; Path=/', 'other=1'], 'dvc_session')).toBeUndefined();
    expect(setCookieValue(undefined, 'dvc_session')).toBeUndefined();
  });

  it('answers a response ValidationError naming each missing part when the answer is not the 302 of a sign-on', () => {
    const answer = { status: 200, data: '<html>', headers: {}, requestId: 'r-1' };
    const error = (() => {
      try {
        signOnSession(answer, 'dvc_session');
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.pointer)).toEqual(['#/status', '#/header/location', '#/header/set-cookie']);
    expect(signOnSession({ ...answer, status: 302, headers: { location: '/', 'set-cookie': 'dvc_session=s1' } }, 'dvc_session')).toEqual({ session: 's1', location: '/' });
  });
});
