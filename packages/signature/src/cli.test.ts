import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { signMessage, verifyMessage } from './jws.js';
import { loadTestPki } from './test-pki-files.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('dvc-kit-pki', () => {
  it('init writes a PKI that loads, signs and verifies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvc-cli-'));
    dirs.push(dir);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, 'init', join(dir, 'pki'), '--base-url', 'http://127.0.0.1:1'], { timeout: 60_000 });
    expect(stdout).toMatch(/test PKI written to/);
    expect(await readdir(join(dir, 'pki'))).toEqual(expect.arrayContaining(['pki.json', 'trust-anchors.pem', 'agency.key.pem', 'agency.chain.pem', 'citizen.crt.pem', 'tsa.crt.pem']));
    const pki = await loadTestPki(join(dir, 'pki'), { serve: false });
    const jws = await signMessage({ ok: true }, { privateKey: pki.agency.privateKeyPem, certificates: pki.agency.chainPem });
    const report = await verifyMessage(jws, { ok: true }, { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher } });
    expect(report.indication).toBe('TOTAL_PASSED');
  });

  it('serve answers CRL requests at the URL written in the certificates, until stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dvc-cli-'));
    dirs.push(dir);
    // Ask the OS for a free port, then give it back for the PKI to use.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const base = `http://127.0.0.1:${port}`;
    await run(process.execPath, ['--import', 'tsx', cli, 'init', join(dir, 'pki'), '--base-url', base, '--ca-key', 'ec'], { timeout: 60_000 });
    const server = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', join(dir, 'pki')], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on('data', (d: Buffer) => (d.toString().includes('serving test PKI') ? resolve() : undefined));
        server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const res = await fetch(`${base}/crl/government-ca.crl`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    } finally {
      server.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => server.once('exit', (code) => resolve(code)))).toBe(0);
  });

  it('exits 2 with usage on a bad command', async () => {
    await expect(run(process.execPath, ['--import', 'tsx', cli, 'frobnicate', '/tmp/x'], { timeout: 60_000 })).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command/) });
  });
});
