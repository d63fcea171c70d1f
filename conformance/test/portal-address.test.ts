import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { parseCertificate } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli-main.js';
import { referenceAgencyCommand } from './reference-agency.js';

// Linux routes all of 127/8 to lo: 127.0.0.2 stands for an interface other than 127.0.0.1,
// and https://127.0.0.2:<port> for the public URL a vendor's server would be given.
const HOST = '127.0.0.2';
// Checks the system passes only by reaching the portal: pushes, its token, its certificate check.
const ONLY = ['reception.valid-dossier-received', 'status-sync.timely-and-by-code', 'transport.server-certificate-verified'];

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/** A port on HOST that is free, with the next one free too (the portal's and the test PKI's). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, HOST, () => {
        const { port: p } = probe.address() as AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    if (port < 65535 && (await portFree(port + 1))) return port;
  }
  throw new Error(`no two consecutive free ports on ${HOST}`);
}

/** The certificate the portal serves at first, read as soon as it listens (before any check swaps it). */
async function firstPortalCertificate(port: number, deadline: number): Promise<X509Certificate> {
  while (Date.now() < deadline) {
    const raw = await new Promise<Buffer | undefined>((resolve) => {
      const socket = connect({ host: HOST, port, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().raw);
        socket.destroy();
      });
      socket.once('error', () => resolve(undefined));
    });
    if (raw) return new X509Certificate(raw);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the portal never listened on ${HOST}:${port}`);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dvc-conformance-portal-address-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('dvc-conformance run --portal-listen / --portal-url', () => {
  it('serves the portal and the test PKI at the public address, and the system reaches both', async () => {
    const port = await freePortPair();
    const portalUrl = `https://${HOST}:${port}`;
    const onboardingDir = join(dir, 'onboarding');
    const out: string[] = [];
    const err: string[] = [];
    // hard-fail: a portal signature whose CRL/OCSP the system cannot fetch is refused (soft-fail would let it pass).
    const run = runCli(
      ['run', '--start', `DVC_REVOCATION_MODE=hard-fail ${referenceAgencyCommand()}`, '--portal-listen', HOST, '--portal-url', portalUrl, '--only', ONLY.join(','), '--seed', '7', '--no-rerun',
        '--onboarding-dir', onboardingDir, '--out', join(dir, 'report'), '--format', 'json'],
      { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { CI: 'true' } },
    );
    const certificate = await firstPortalCertificate(port, Date.now() + 20_000);
    const code = await run;
    expect(existsSync(join(dir, 'report', 'report.json')), err.join('')).toBe(true);

    const report = JSON.parse(await readFile(join(dir, 'report', 'report.json'), 'utf8')) as { checks: { id: string; outcome: string; attempts: { reason?: string; failures: { message: string }[] }[] }[] };
    const outcomes = Object.fromEntries(report.checks.map((c) => [c.id, `${c.outcome}${c.outcome === 'PASS' ? '' : `: ${c.attempts.map((a) => a.reason ?? a.failures.map((f) => f.message).join('; ')).join(' | ')}`}`]));
    expect(outcomes, err.join('')).toEqual(Object.fromEntries(ONLY.map((id) => [id, 'PASS'])));
    expect(code, out.join('')).toBe(0);

    // The system was told the public URL, and the portal's certificate names its address.
    const onboarding = await readFile(join(onboardingDir, 'onboarding.env'), 'utf8');
    expect(onboarding).toMatch(new RegExp(`^DVC_PORTAL_URL=${portalUrl.replace(/\./g, '\\.')}$`, 'm'));
    expect(certificate.checkIP(HOST)).toBe(HOST);
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(certificate.subjectAltName).toMatch(/IP Address:127\.0\.0\.1/);

    // The test PKI is served on the same address, the next port, and the certificates say so
    // (the system fetched its CRL or OCSP answers there to accept the portal's signatures).
    const clientCertificate = parseCertificate(await readFile(join(onboardingDir, 'client-cert.pem'), 'utf8'));
    const pkiBase = `http://${HOST}:${port + 1}/`;
    expect(clientCertificate.crlUrls.length).toBeGreaterThan(0);
    expect([...clientCertificate.crlUrls, ...clientCertificate.ocspUrls].every((u) => u.startsWith(pkiBase))).toBe(true);
  }, 60_000);
});
