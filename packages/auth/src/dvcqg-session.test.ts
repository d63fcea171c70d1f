import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Credential } from './credential.js';
import { dvcqgSession } from './dvcqg-session.js';
import { AuthConfigError, SessionLoginError } from './errors.js';
import { withAuthRetry } from './with-auth-retry.js';

/** A dvcqg gateway on loopback: session login, and an integration service that answers "01" for dead sessions. */
interface Gateway {
  url: string;
  logins: Array<{ username: string; dstcode: string | undefined }>;
  sessions: Set<string>;
  calls: number;
  loginDelayMs: number;
  /** Sent as expires_in in login answers when set. */
  expiresIn: number | undefined;
  close(): Promise<void>;
}

async function startGateway(): Promise<Gateway> {
  const gateway = { logins: [], sessions: new Set<string>(), calls: 0, loginDelayMs: 0 } as unknown as Gateway;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = JSON.parse((await read(req)) || '{}') as Record<string, unknown>;
      const send = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      if (req.url === '/dvcqg/login') {
        if (gateway.loginDelayMs) await new Promise((r) => setTimeout(r, gateway.loginDelayMs));
        if (body['username'] === 'broken') return send(503, { error_code: '99', message: 'Lỗi hệ thống' });
        if (body['username'] !== 'hcc_h01' || body['password'] !== 'mật-khẩu') {
          return send(200, { session: '', error_code: '02', message: 'Sai tên đăng nhập hoặc mật khẩu' });
        }
        gateway.logins.push({ username: body['username'], dstcode: req.headers['dstcode'] as string | undefined });
        const session = randomUUID();
        gateway.sessions.add(session);
        return send(200, { session, error_code: '0', ...(gateway.expiresIn ? { expires_in: gateway.expiresIn } : {}) });
      }
      if (req.url === '/dvcqg/integration') {
        gateway.calls++;
        if (!gateway.sessions.has(String(body['session']))) {
          return send(200, { error_code: '01', message: 'Phiên làm việc hết hạn', result: [] });
        }
        return send(200, { error_code: '00', message: 'Thành công', result: [{ MaHoSo: 'H01.22-250101-0001' }] });
      }
      send(404, { error_code: '03' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gateway.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return gateway;
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

let gateway: Gateway;
beforeEach(async () => {
  gateway = await startGateway();
});
afterEach(async () => {
  vi.useRealTimers();
  await gateway.close();
});

const options = () => ({ loginUrl: `${gateway.url}/dvcqg/login`, username: 'hcc_h01', password: 'mật-khẩu', dstcode: 'H01' });

async function lookupDossier(credential: Credential): Promise<Record<string, unknown>> {
  if (credential.type !== 'dvcqg-session') throw new Error('dvcqg session expected');
  const response = await request(`${gateway.url}/dvcqg/integration`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session: credential.session, madonvi: 'H01', service: 'TraCuuHoSo', MaHoSo: 'H01.22-250101-0001' }),
  });
  return (await response.body.json()) as Record<string, unknown>;
}

describe('dvcqgSession', () => {
  it('logs in with username and password, sending dstcode, and reuses the session', async () => {
    const provider = dvcqgSession(options());
    const credential = await provider.getCredential();
    expect(credential).toMatchObject({ type: 'dvcqg-session' });
    expect(await lookupDossier(credential)).toMatchObject({ error_code: '00' });
    await provider.getCredential();
    expect(gateway.logins).toEqual([{ username: 'hcc_h01', dstcode: 'H01' }]);
  });

  it('logs in again when the gateway says error_code "01", and retries the call once', async () => {
    const provider = dvcqgSession(options());
    await provider.getCredential();
    gateway.sessions.clear(); // the gateway forgets every session, as after its timeout

    const answer = await withAuthRetry(provider, lookupDossier);
    expect(answer).toMatchObject({ error_code: '00', result: [{ MaHoSo: 'H01.22-250101-0001' }] });
    expect(gateway.logins).toHaveLength(2);
    expect(gateway.calls).toBe(2);
  });

  it('makes one new login for 50 concurrent calls that find the session expired', async () => {
    const provider = dvcqgSession(options());
    await provider.getCredential();
    gateway.sessions.clear();
    gateway.loginDelayMs = 20;
    const answers = await Promise.all(Array.from({ length: 50 }, () => withAuthRetry(provider, lookupDossier)));
    expect(answers.every((a) => a['error_code'] === '00')).toBe(true);
    expect(gateway.logins).toHaveLength(2);
  });

  it('stops after one retry if the new session is refused too', async () => {
    const provider = dvcqgSession(options());
    const refuseAll = async (credential: Credential) => {
      gateway.sessions.clear();
      return lookupDossier(credential);
    };
    expect(await withAuthRetry(provider, refuseAll)).toMatchObject({ error_code: '01' });
    expect(gateway.calls).toBe(2);
    expect(gateway.logins).toHaveLength(2);
  });

  it('renews after sessionTtlSeconds without waiting for a rejection', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const provider = dvcqgSession({ ...options(), sessionTtlSeconds: 600 });
    const first = await provider.getCredential();
    expect(first.expiresAt).toBe(Date.now() + 600_000);
    vi.setSystemTime(Date.now() + 601_000);
    const second = await provider.getCredential();
    expect(second).not.toEqual(first);
    expect(gateway.logins).toHaveLength(2);
  });

  it('logs in again shortly before the expires_in the gateway gave', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    gateway.expiresIn = 1800;
    const provider = dvcqgSession(options());
    const first = await provider.getCredential();
    expect(first.expiresAt).toBe(Date.now() + 1_800_000);
    vi.setSystemTime(Date.now() + 1_760_000); // 40 s left: still used
    expect(await provider.getCredential()).toBe(first);
    vi.setSystemTime(Date.now() + 20_000); // 20 s left: inside the 30 s margin
    expect(await provider.getCredential()).not.toEqual(first);
    expect(gateway.logins).toHaveLength(2);
  });

  it('uses the sooner of sessionTtlSeconds and expires_in', async () => {
    gateway.expiresIn = 1800;
    const provider = dvcqgSession({ ...options(), sessionTtlSeconds: 600 });
    const { expiresAt } = await provider.getCredential();
    expect(Math.abs((expiresAt ?? 0) - (Date.now() + 600_000))).toBeLessThan(5_000);
  });

  it('throws AUTH_SESSION_LOGIN_FAILED with the gateway error_code for a refused login', async () => {
    const provider = dvcqgSession({ ...options(), password: 'wrong-Pa55' });
    const error = await provider.getCredential().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionLoginError);
    expect(error).toMatchObject({ code: 'AUTH_SESSION_LOGIN_FAILED', errorCode: '02', status: 200 });
    expect((error as Error).message).toContain('Sai tên đăng nhập');
    expect((error as Error).message).not.toContain('wrong-Pa55'); // the password stays out of messages
  });

  it('throws AUTH_SESSION_LOGIN_FAILED with the HTTP status when the gateway fails', async () => {
    const provider = dvcqgSession({ ...options(), username: 'broken' });
    await expect(provider.getCredential()).rejects.toMatchObject({ code: 'AUTH_SESSION_LOGIN_FAILED', status: 503, errorCode: '99' });
  });

  it('refuses incomplete settings with AUTH_CONFIG_INVALID', () => {
    expect(() => dvcqgSession({ ...options(), loginUrl: 'gateway/login' })).toThrow(AuthConfigError);
    expect(() => dvcqgSession({ ...options(), password: '' })).toThrow(/password/);
    expect(() => dvcqgSession({ ...options(), sessionTtlSeconds: 0 })).toThrow(/sessionTtlSeconds/);
  });
});
