import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli-main.js';
import { freePort, SystemProcess } from '../src/harness/system-process.js';
import { referenceAgencyCommand } from './reference-agency.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dvc-conformance-wait-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An io whose stderr resolves `printed` once the onboarding variables are out. */
function io() {
  const out: string[] = [];
  const err: string[] = [];
  let announce!: (vars: Record<string, string>) => void;
  const printed = new Promise<Record<string, string>>((resolve) => (announce = resolve));
  return {
    out,
    err,
    printed,
    io: {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => {
        err.push(t);
        if (/configure the system with:/.test(t)) announce(Object.fromEntries([...t.matchAll(/^ {2}([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!])));
      },
      env: { CI: 'true' },
    },
  };
}

describe('dvc-conformance run --target --wait-for-system', () => {
  it('waits for a system started after the variables were printed, then runs over HTTPS on its public host name', async () => {
    const port = await freePort();
    const host = 'dichvucong.thanhhoa.gov.vn';
    const t = io();
    const out = join(dir, 'waited');
    const onboarding = join(dir, 'onboarding');
    const run = runCli(
      ['run', '--target', `https://${host}:${port}`, '--resolve', `${host}:${port}:127.0.0.1`, '--onboarding-dir', onboarding, '--wait-for-system', '60',
        '--only', 'transport.health,transport.tls-versions,transport.public-host-name', '--seed', '3', '--out', out, '--format', 'json'],
      t.io,
    );
    const vars = await t.printed;
    // What an operator does with the printed contract: start the system configured by it.
    expect(vars).toMatchObject({ DVC_PUBLIC_URL: `https://${host}:${port}`, DVC_TLS_CERT_FILE: join(onboarding, 'tls-cert.pem'), DVC_PORTAL_CA_FILE: join(onboarding, 'portal-ca.pem') });
    expect(vars.DVC_PORTAL_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await readFile(join(onboarding, 'onboarding.env'), 'utf8')).toContain(`DVC_CLIENT_ID=${vars.DVC_CLIENT_ID}`);
    const system = SystemProcess.start(referenceAgencyCommand(), { ...vars, PORT: String(port) });
    try {
      const code = await run;
      expect(code, `${t.err.join('')}\n${system.tail()}`).toBe(0);
      expect(t.err.join('')).toMatch(/Waiting up to 60 s/);
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { requirements: { id: string; outcome: string }[] };
      const outcome = (id: string) => report.requirements.find((r) => r.id === id)?.outcome;
      expect([outcome('DVC-TLS-001'), outcome('DVC-TLS-003'), outcome('DVC-TLS-004')]).toEqual(['PASS', 'PASS', 'PASS']);
    } finally {
      await system.stop();
    }
  }, 120_000);

  it('trusts the CA given with --ca for a system that serves a certificate of its own', async () => {
    const port = await freePort();
    const host = 'dichvucong.nghean.gov.vn';
    const own = await createTestPki({ serve: false });
    const cert = await own.issueEndEntity({ subject: { commonName: host }, subjectAltNames: { dns: [host] } });
    const files = join(dir, 'own-ca');
    await mkdir(files, { recursive: true });
    await writeFile(join(files, 'root.pem'), own.trustAnchors.join('\n'));
    await writeFile(join(files, 'cert.pem'), cert.chainPem.join('\n'));
    await writeFile(join(files, 'key.pem'), cert.privateKeyPem);
    const t = io();
    const out = join(dir, 'own-ca-report');
    const run = runCli(
      ['run', '--target', `https://${host}:${port}`, '--resolve', `${host}:*:127.0.0.1`, '--ca', join(files, 'root.pem'), '--wait-for-system', '60',
        '--only', 'transport.health,transport.public-host-name', '--out', out, '--format', 'json'],
      t.io,
    );
    const vars = await t.printed;
    const system = SystemProcess.start(referenceAgencyCommand(), { ...vars, PORT: String(port), DVC_TLS_CERT_FILE: join(files, 'cert.pem'), DVC_TLS_KEY_FILE: join(files, 'key.pem') });
    try {
      const code = await run;
      expect(code, `${t.err.join('')}\n${system.tail()}`).toBe(0);
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { requirements: { id: string; outcome: string }[] };
      expect(report.requirements.find((r) => r.id === 'DVC-TLS-003')?.outcome).toBe('PASS');
    } finally {
      await system.stop();
      await own.close();
    }
  }, 120_000);

  it('ends INCONCLUSIVE (exit 2) with a clear message when no system turns up in time', async () => {
    const t = io();
    const started = Date.now();
    const code = await runCli(['run', '--target', 'https://dichvucong.thanhhoa.gov.vn:9', '--wait-for-system', '1', '--out', join(dir, 'absent'), '--format', 'json'], t.io);
    expect(code).toBe(2);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(t.err.join('')).toMatch(/not ready within 1 s: it never obtained a token from the suite's portal .* with client id conformance-/);
  }, 60_000);
});
