import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { createTestPki, type TestParty, type TestPki } from '@dvc-kit/signature';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-main.js';
import { startMockPortal, type MockPortal } from './mock-portal.js';

let pki: TestPki;
let portal: MockPortal;
let own: TestParty;
let other: TestParty;
let agent: Agent;

beforeAll(async () => {
  pki = await createTestPki({ serve: false });
  [own, other] = await Promise.all([
    pki.issueEndEntity({ subject: { commonName: 'mock portal' }, subjectAltNames: { dns: ['localhost'], ip: ['127.0.0.1'] } }),
    pki.issueEndEntity({ subject: { commonName: 'somewhere else' }, subjectAltNames: { dns: ['portal.example.invalid'] } }),
  ]);
  portal = await startMockPortal({ port: 0, seed: 3, pki, tls: { cert: own.chainPem, key: own.privateKeyPem } });
  agent = new Agent({ connect: { ca: pki.trustAnchors } });
});
afterAll(async () => {
  await agent?.close();
  await portal?.close();
  await pki?.close();
});

const port = () => (portal.server.address() as AddressInfo).port;

/** A raw TLS handshake to the portal: the negotiated version, or the error. */
function handshake(options: ConnectionOptions): Promise<{ version: string | null; localPort: number | undefined } | { error: string; localPort: number | undefined }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: port(), ca: pki.trustAnchors, ...options }, () => {
      const result = { version: socket.getProtocol(), localPort: socket.localPort };
      socket.end();
      resolve(result);
    });
    let localPort: number | undefined;
    socket.once('connect', () => (localPort = socket.localPort));
    socket.on('error', (e: Error & { code?: string }) => resolve({ error: e.code ?? e.message, localPort }));
  });
}

describe('the mock portal over HTTPS', () => {
  it('serves https:// URLs that a client trusting the test root can call', async () => {
    expect(portal.url).toBe(`https://127.0.0.1:${port()}`);
    const res = await request(`${portal.url}/.well-known/jwks.json`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  });

  it('negotiates TLS 1.2 and 1.3 and refuses TLS 1.1 by default', async () => {
    expect(await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toMatchObject({ version: 'TLSv1.2' });
    expect(await handshake({ minVersion: 'TLSv1.3' })).toMatchObject({ version: 'TLSv1.3' });
    const before = portal.tls!.handshakeFailures.length;
    const old = await handshake({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    expect(old).toHaveProperty('error');
    // Whether the server or the client's own OpenSSL said no, the server saw no good handshake from it.
    if ('error' in old && !/NO_PROTOCOLS_AVAILABLE/.test(old.error)) {
      await expect.poll(() => portal.tls!.handshakeFailures.length).toBeGreaterThan(before);
      expect(portal.tls!.handshakeFailures.at(-1)).toMatchObject({ kind: 'handshake-error', reason: expect.stringMatching(/version|protocol/i) });
    }
  });

  it('swaps the served certificate at runtime and records the clients that abort the handshake', async () => {
    portal.tls!.setCertificate({ cert: other.chainPem, key: other.privateKeyPem });
    try {
      const before = portal.tls!.handshakeFailures.length;
      const journalBefore = portal.journal.raw().length;
      // A fresh agent: a pooled connection would still carry the old certificate.
      const fresh = new Agent({ connect: { ca: pki.trustAnchors } });
      await expect(request(`${portal.url}/.well-known/jwks.json`, { dispatcher: fresh })).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      await fresh.close();
      const heard: number[] = [];
      const unsubscribe = portal.tls!.subscribe((f) => heard.push(f.remotePort ?? 0));
      const raw = await handshake({ servername: 'localhost' });
      expect(raw).toMatchObject({ error: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      await expect.poll(() => portal.tls!.handshakeFailures.length).toBeGreaterThanOrEqual(before + 2);
      const failure = portal.tls!.handshakeFailures.at(-1)!;
      expect(failure.remotePort).toBe(raw.localPort);
      await expect.poll(() => heard).toContain(raw.localPort);
      unsubscribe();
      expect(failure.remoteAddress).toMatch(/127\.0\.0\.1/);
      expect(failure.at).toBeLessThanOrEqual(Date.now());
      expect(portal.journal.raw().length).toBe(journalBefore);
    } finally {
      portal.tls!.setCertificate({ cert: own.chainPem, key: own.privateKeyPem });
    }
    const fresh = new Agent({ connect: { ca: pki.trustAnchors } });
    const res = await request(`${portal.url}/.well-known/jwks.json`, { dispatcher: fresh });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await fresh.close();
  });

  it('a swap closes open connections and stops session resumption, so a client cannot skip the new certificate', async () => {
    const keep = new Agent({ connect: { ca: pki.trustAnchors } });
    const before = await request(`${portal.url}/.well-known/jwks.json`, { dispatcher: keep });
    expect(before.statusCode).toBe(200);
    await before.body.dump();
    portal.tls!.setCertificate({ cert: other.chainPem, key: other.privateKeyPem });
    try {
      // The connection opened before the swap is closed, and its session cannot be resumed: every try sees the new certificate.
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        outcomes.push(
          await request(`${portal.url}/.well-known/jwks.json`, { dispatcher: keep }).then(
            async (r) => {
              await r.body.dump();
              return String(r.statusCode);
            },
            (e: Error & { code?: string }) => e.code ?? e.message,
          ),
        );
      }
      expect(outcomes.filter((o) => o === '200')).toEqual([]);
      expect(outcomes).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    } finally {
      portal.tls!.setCertificate({ cert: own.chainPem, key: own.privateKeyPem });
      await keep.close();
    }
  });

  it('a served request is not taken for an aborted handshake', async () => {
    // A plain node:https request, to know the client's port and look for it among the failures.
    const localPort = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(`${portal.url}/.well-known/jwks.json`, { ca: pki.trustAnchors, agent: false }, (res) => {
        const port = res.socket.localPort!;
        res.resume();
        res.socket.once('close', () => resolve(port));
      });
      req.on('error', reject);
      req.end();
    });
    // A control connection that does close before any request: once it is recorded, the server has handled the first close too.
    const control = await handshake({ servername: 'localhost' });
    await expect.poll(() => portal.tls!.handshakeFailures.some((f) => f.remotePort === control.localPort)).toBe(true);
    expect(portal.tls!.handshakeFailures.filter((f) => f.remotePort === localPort)).toEqual([]);
  });

  it('the CLI wants --tls-cert and --tls-key together, and a known minimum version', async () => {
    await expect(runCli(['--tls-cert', '/nonexistent.pem', '--port', '0'])).rejects.toThrow(/--tls-cert and --tls-key go together/);
    await expect(runCli(['--tls-cert', 'a', '--tls-key', 'b', '--tls-min-version', 'TLSv1.1', '--port', '0'])).rejects.toThrow(/--tls-min-version/);
  });
});

describe('the mock portal without tls', () => {
  it('stays plain HTTP with no TLS control', async () => {
    const plain = await startMockPortal({ port: 0, seed: 4, pki });
    try {
      expect(plain.url).toMatch(/^http:\/\//);
      expect(plain.tls).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
