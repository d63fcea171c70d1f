import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackPeer } from './admin-access.js';
import { runCli } from './cli-main.js';
import { startMockPortal, type MockPortal, type MockPortalOptions } from './mock-portal.js';

interface Answer {
  status: number;
  contentType: string | undefined;
  json: Record<string, unknown> | undefined;
  /** The client's own address on the connection: the peer address the server saw. */
  peer: string | undefined;
}

/** One plain node:http call, so that the test knows which source address the server saw. */
function call(url: string, method: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const contentType = res.headers['content-type'];
        resolve({ status: res.statusCode!, contentType, json: /json/.test(contentType ?? '') ? JSON.parse(text) : undefined, peer: res.socket.localAddress });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const NEW_CITIZEN = { sub: 'sub-admin-access-1', TechID: 'tech-admin-access-1', LoaiTaiKhoan: '1', SoDinhDanh: '038199000888', HoVaTen: 'Lê Văn Truy', NgayThangNamSinh: '19990102', SoDienThoai: '0912000888' };

/** The admin writes and reads a peer elsewhere must not get, each with what it would change. */
const ADMIN_CALLS: [method: string, path: string, body?: unknown][] = [
  ['POST', '/__admin/faults/rules', { id: 'from-outside', route: '*', errorRate: 1, statuses: [500] }],
  ['PUT', '/__admin/faults', { rules: [{ route: '*', resetRate: 1 }] }],
  ['POST', '/__admin/citizens', NEW_CITIZEN],
  ['POST', '/__admin/systems', { agencyCode: '000.00.00.H56', clientId: 'from-outside' }],
  ['GET', '/__admin/journal'],
  ['GET', '/__admin/journal.har'],
  ['GET', '/__admin/citizens'],
  ['GET', '/__dashboard'],
];

/** What the admin calls above would change, read in process. */
function adminState(portal: MockPortal) {
  return { rules: portal.core.faults.settings().rules.length, citizens: portal.core.oidc.citizens.list().length, systems: portal.store.systems.size };
}

/** This machine's first non-loopback IPv4 address, if it has one. */
function externalIpv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

const external = externalIpv4();
const needsExternal = `${external === undefined ? '(skipped: this machine has no non-loopback IPv4 address to connect from) ' : ''}`;

async function startOn(host: string, options: MockPortalOptions = {}): Promise<{ portal: MockPortal; port: number }> {
  const portal = await startMockPortal({ port: 0, seed: 11, host, ...options });
  return { portal, port: (portal.server.address() as AddressInfo).port };
}

describe('isLoopbackPeer', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.1.2.3', true],
    ['::ffff:7f00:1', true],
    ['128.0.0.1', false],
    ['126.255.255.255', false],
    ['10.0.0.1', false],
    ['192.0.2.2', false],
    ['0.0.0.0', false],
    ['::', false],
    ['::2', false],
    ['fd00::2', false],
    ['fe80::1', false],
    ['::ffff:192.0.2.2', false],
    ['::ffff:10.127.0.1', false],
    ['localhost', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (address, loopback) => {
    expect(isLoopbackPeer(address)).toBe(loopback);
  });
});

describe('the admin API of a loopback-bound portal', () => {
  let portal: MockPortal;
  let port: number;
  beforeAll(async () => ({ portal, port } = await startOn('127.0.0.2')));
  afterAll(() => portal?.close());

  it('answers admin calls without a token, as before', async () => {
    const added = await call(`http://127.0.0.2:${port}/__admin/faults/rules`, 'POST', { body: { id: 'local', route: 'listProcedures', latencyMs: 1 } });
    expect(added).toMatchObject({ status: 201, peer: expect.stringMatching(/^127\./) });
    expect(portal.core.faults.settings().rules.map((r) => r.id)).toEqual(['local']);
    expect((await call(`http://127.0.0.2:${port}/__admin/journal`, 'GET')).status).toBe(200);
    expect((await call(`http://127.0.0.2:${port}/__dashboard`, 'GET')).status).toBe(200);
  });
});

describe('the admin API of a portal bound to every interface (0.0.0.0)', () => {
  let portal: MockPortal;
  let port: number;
  beforeAll(async () => ({ portal, port } = await startOn('0.0.0.0')));
  afterAll(() => portal?.close());

  it('answers a loopback peer', async () => {
    const added = await call(`http://127.0.0.1:${port}/__admin/faults/rules`, 'POST', { body: { id: 'local', route: 'listProcedures', latencyMs: 1 } });
    expect(added).toMatchObject({ status: 201, peer: '127.0.0.1' });
    expect(portal.core.faults.remove('local')).toBe(true);
  });

  it.skipIf(external === undefined)(`${needsExternal}refuses every admin call of a peer elsewhere with 403 problem+json and changes nothing`, async () => {
    const before = adminState(portal);
    for (const [method, path, body] of ADMIN_CALLS) {
      const answer = await call(`http://${external}:${port}${path}`, method, { body });
      // The server saw a non-loopback peer: the refusal is the peer check's, not a failed connection.
      expect(answer.peer).toBe(external);
      expect(isLoopbackPeer(answer.peer)).toBe(false);
      expect({ path, status: answer.status, contentType: answer.contentType }).toEqual({ path, status: 403, contentType: 'application/problem+json' });
      expect(answer.json).toMatchObject({ type: 'https://dvc-kit.dev/problems/mock-admin/MOCK_ADMIN_FORBIDDEN', title: 'Admin request refused', status: 403, code: 'MOCK_ADMIN_FORBIDDEN', detail: expect.stringContaining(external!) });
    }
    expect(adminState(portal)).toEqual(before);
    expect(portal.core.oidc.citizens.find(NEW_CITIZEN.SoDinhDanh)).toBeUndefined();
    // The portal itself still answers that peer: only the admin API is closed to it.
    expect((await call(`http://${external}:${port}/.well-known/jwks.json`, 'GET')).status).toBe(200);
  });
});

describe.skipIf(external === undefined)(`${needsExternal}the admin API with a token, bound to 0.0.0.0`, () => {
  const token = 'admin-token-of-this-test-0123456789';
  let portal: MockPortal;
  let port: number;
  beforeAll(async () => ({ portal, port } = await startOn('0.0.0.0', { admin: { token } })));
  afterAll(() => portal?.close());

  it('accepts a peer elsewhere with the right token', async () => {
    const added = await call(`http://${external}:${port}/__admin/faults/rules`, 'POST', { body: { id: 'with-token', route: 'listProcedures', latencyMs: 1 }, headers: { authorization: `Bearer ${token}` } });
    expect(added).toMatchObject({ status: 201, peer: external });
    expect(portal.core.faults.remove('with-token')).toBe(true);
    const citizen = await call(`http://${external}:${port}/__admin/citizens`, 'POST', { body: NEW_CITIZEN, headers: { authorization: `bearer ${token}` } });
    expect(citizen.status).toBe(201);
  });

  it('answers 401 to a wrong or missing token, from any peer, and changes nothing', async () => {
    const before = adminState(portal);
    const attempts: [string, Record<string, string>][] = [
      [external!, { authorization: 'Bearer not-the-token' }],
      [external!, { authorization: `Bearer ${token}x` }],
      [external!, { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` }],
      [external!, {}],
      // A token once set is asked of loopback peers too (a local proxy makes every peer loopback).
      ['127.0.0.1', {}],
    ];
    for (const [host, headers] of attempts) {
      const answer = await call(`http://${host}:${port}/__admin/faults/rules`, 'POST', { body: { id: 'refused', route: '*', errorRate: 1 }, headers });
      expect({ host, headers, status: answer.status, contentType: answer.contentType }).toEqual({ host, headers, status: 401, contentType: 'application/problem+json' });
      expect(answer.json).toMatchObject({ status: 401, code: 'MOCK_ADMIN_UNAUTHORIZED', title: 'Admin request refused' });
    }
    expect(adminState(portal)).toEqual(before);
  });
});

describe.skipIf(external === undefined)(`${needsExternal}admin.from, bound to 0.0.0.0`, () => {
  it("'any' opens the admin API to a peer elsewhere without a token", async () => {
    const { portal, port } = await startOn('0.0.0.0', { admin: { from: 'any' } });
    try {
      const added = await call(`http://${external}:${port}/__admin/faults/rules`, 'POST', { body: { id: 'open', route: 'listProcedures', latencyMs: 1 } });
      expect(added).toMatchObject({ status: 201, peer: external });
    } finally {
      await portal.close();
    }
  });

  it("'loopback' with a token wants both: a peer elsewhere is refused even with the token", async () => {
    const token = 'both-token';
    const { portal, port } = await startOn('0.0.0.0', { admin: { from: 'loopback', token } });
    try {
      expect((await call(`http://${external}:${port}/__admin/journal`, 'GET', { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
      expect((await call(`http://127.0.0.1:${port}/__admin/journal`, 'GET')).status).toBe(401);
      expect((await call(`http://127.0.0.1:${port}/__admin/journal`, 'GET', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await portal.close();
    }
  });
});

describe('admin access options', () => {
  it('refuses an unknown admin.from and an empty token before listening', async () => {
    await expect(startMockPortal({ port: 0, admin: { from: 'everyone' as 'any' } })).rejects.toThrow(/admin.from must be 'loopback' or 'any'/);
    await expect(startMockPortal({ port: 0, admin: { token: '' } })).rejects.toThrow(/admin.token must not be empty/);
  });

  it('the CLI checks --admin-from and --admin-token', async () => {
    await expect(runCli(['--port', '0', '--admin-from', 'everyone'])).rejects.toThrow(/--admin-from must be loopback or any/);
    await expect(runCli(['--port', '0', '--admin-token', ''])).rejects.toThrow(/--admin-token must not be empty/);
  });
});

describe('the CLI', () => {
  it('takes the admin token from MOCK_PORTAL_ADMIN_TOKEN and says who the admin API answers', async () => {
    const cli = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./cli.ts', import.meta.url)), '--host', '0.0.0.0', '--port', '0'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, MOCK_PORTAL_ADMIN_TOKEN: 'token-from-the-environment' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      cli.stdout.setEncoding('utf8');
      cli.stdout.on('data', (c: string) => (out += c));
      await expect.poll(() => out, { timeout: 30_000 }).toMatch(/admin API and dashboard answer .*\n/);
      expect(out).toContain('admin API and dashboard answer any peer with the admin bearer token');
      const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(out)![1];
      expect((await call(`http://127.0.0.1:${port}/__admin/health`, 'GET')).status).toBe(401);
      expect((await call(`http://127.0.0.1:${port}/__admin/health`, 'GET', { headers: { authorization: 'Bearer token-from-the-environment' } })).status).toBe(200);
    } finally {
      cli.kill('SIGTERM');
      if (cli.exitCode === null) await once(cli, 'exit');
    }
  });
});
