import { describe, expect, it } from 'vitest';
import { CookieJar } from './sign-on.js';

describe('CookieJar', () => {
  it('keeps the cookies a system sets and sends them back by path', () => {
    const jar = new CookieJar();
    jar.store('dvc_session=abc.def; Path=/; HttpOnly; SameSite=Lax; Max-Age=1800, lang=vi; Path=/dvc', 'http://127.0.0.1:8080/dvc/callback?code=x');
    expect(jar.header('http://127.0.0.1:8080/v1/me/dossiers')).toBe('dvc_session=abc.def');
    expect(jar.header('http://127.0.0.1:8080/dvc/callback')).toBe('dvc_session=abc.def; lang=vi');
    expect(jar.header('http://127.0.0.1:8080/dvcx')).toBe('dvc_session=abc.def');
  });

  it('splits joined Set-Cookie headers at a new cookie, not inside an Expires date', () => {
    const jar = new CookieJar();
    jar.store('a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/, b=2; Path=/', 'https://motcua.example.vn/');
    expect(jar.header('https://motcua.example.vn/x')).toBe('a=1; b=2');
  });

  it('sends Secure cookies over https only, defaults the path to the directory, and drops expired ones', () => {
    const jar = new CookieJar();
    jar.store('s=1; Secure; Path=/', 'https://motcua.example.vn/dvc/callback');
    jar.store('d=2', 'https://motcua.example.vn/dvc/callback');
    expect(jar.header('http://motcua.example.vn/')).toBeUndefined();
    expect(jar.header('https://motcua.example.vn/dvc/x')).toBe('s=1; d=2');
    jar.store('s=; Path=/; Max-Age=0', 'https://motcua.example.vn/');
    expect(jar.header('https://motcua.example.vn/')).toBeUndefined();
    expect(jar.size).toBe(1);
  });
});
