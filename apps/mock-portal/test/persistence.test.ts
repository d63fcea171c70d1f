import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestPki, writeTestPki } from '@dvc-kit/signature';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockPortal } from '../src/index.js';
import { STORE_FILE } from '../src/persistence.js';
import { getJson, send } from './helpers.js';
import { DOSSIER, register, signedJson, token } from './scenario.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mock-portal-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('persistence to a data directory', () => {
  it('survives a restart: systems, dossiers, signing keys and the PKI that issued their certificates', async () => {
    const dataDir = tempDir();
    const first = await startMockPortal({ port: 0, dataDir });
    // Same address after the restart, as a CLI user would have (the issuer is the URL).
    const port = Number(new URL(first.url).port);
    const creds = await register(send, first.url, { clientId: 'h56-durable', agencyCode: '000.00.00.H56' });
    const access = await token(send, first.url, creds);
    const put = await signedJson(creds, DOSSIER);
    expect((await send('PUT', `${first.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', 'x-dvc-signature': put.signature }, body: put.body })).status).toBe(201);
    await first.close();

    const second = await startMockPortal({ port, dataDir });
    try {
      expect(second.store.counts()).toMatchObject({ systems: 1, dossiers: 1 });
      // The signing keys are kept too: a token from before the restart still works.
      expect((await getJson(`${second.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { authorization: `Bearer ${access}` })).status).toBe(200);
      const again = await token(send, second.url, creds);
      const read = await getJson(`${second.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { authorization: `Bearer ${again}` });
      expect(read.body.dossier).toEqual(DOSSIER);
      const signed = await signedJson(creds, { ...DOSSIER, TrangThaiHoSo: '4' });
      expect((await send('PUT', `${second.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { authorization: `Bearer ${again}`, 'content-type': 'application/json', 'x-dvc-signature': signed.signature }, body: signed.body })).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('answers 503 and applies nothing when the disk refuses a write (a full disk: /dev/full)', async () => {
    const dataDir = tempDir();
    const portal = await startMockPortal({ port: 0, dataDir });
    try {
      const creds = await register(send, portal.url, { clientId: 'h56-full-disk', agencyCode: '000.00.00.H56' });
      const access = await token(send, portal.url, creds);
      // The log's file is swapped for /dev/full, which answers every write with ENOSPC.
      const log = portal.core.log as unknown as { fd: number };
      closeSync(log.fd);
      log.fd = openSync('/dev/full', 'w');
      const put = await signedJson(creds, DOSSIER);
      const res = await send('PUT', `${portal.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', 'x-dvc-signature': put.signature }, body: put.body });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(JSON.parse(res.text)).toMatchObject({ status: 503, detail: expect.stringMatching(/could not be written \(ENOSPC.*not applied/) });
      expect(portal.store.counts()).toMatchObject({ dossiers: 0 });
    } finally {
      await portal.close();
    }
  });

  it('drops a torn last line (a write that was never acknowledged) and keeps the rest', async () => {
    const dataDir = tempDir();
    const first = await startMockPortal({ port: 0, dataDir });
    await register(send, first.url, { clientId: 'h56-torn', agencyCode: '000.00.00.H56' });
    await first.close();
    appendFileSync(join(dataDir, STORE_FILE), '{"t":"system","system":{"clientId":"half');
    const second = await startMockPortal({ port: 0, dataDir });
    try {
      expect(second.core.log?.droppedTornLine).toBe(true);
      expect([...second.store.systems.keys()]).toEqual(['h56-torn']);
      await register(send, second.url, { clientId: 'h56-after', agencyCode: '000.00.00.H56' });
    } finally {
      await second.close();
    }
    expect(readFileSync(join(dataDir, STORE_FILE), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('uses a test PKI saved with writeTestPki when the CLI is given --pki-dir', async () => {
    const pkiDir = tempDir();
    const pki = await createTestPki({ serve: false });
    await writeTestPki(pki, pkiDir);
    await pki.close();
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--pki-dir', pkiDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
      });
      const served = await getJson(`${url}/__admin/pki`);
      expect(served.body.trustAnchorsPem).toEqual(pki.trustAnchors);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('loses no acknowledged write when the CLI process is killed (SIGKILL) and restarted', async () => {
    const dataDir = tempDir();
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const start = () =>
      new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve({ child, url: m[1]! });
        });
        child.on('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
      });
    const { child, url } = await start();
    let acknowledged = 0;
    for (let i = 0; i < 25; i++) {
      const r = await send('POST', `${url}/__admin/systems`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: `sys-${i}`, agencyCode: '000.00.00.H56', issueCertificate: false, clientSecret: `secret-${i}-value` }) });
      if (r.status === 201) acknowledged++;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const restarted = await start();
    try {
      const health = await getJson(`${restarted.url}/__admin/health`);
      expect(acknowledged).toBe(25);
      expect(health.body.counts.systems).toBe(acknowledged);
    } finally {
      restarted.child.kill('SIGTERM');
      const code = await new Promise((r) => restarted.child.once('exit', r));
      expect(code).toBe(0);
    }
  }, 60_000);
});
