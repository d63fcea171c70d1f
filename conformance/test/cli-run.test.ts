import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli-main.js';
import { referenceAgencyCommand } from './reference-agency.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dvc-conformance-run-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: { CI: 'true' } } };
}

describe('dvc-conformance run (exit codes)', () => {
  it('exits 0 and writes every report for a passing system', async () => {
    const t = io();
    const out = join(dir, 'pass');
    const code = await runCli(['run', '--start', referenceAgencyCommand(), '--only', 'transport.,lookup-public.', '--seed', '11', '--out', out], t.io);
    expect(code, t.err.join('')).toBe(0);
    for (const f of ['report.json', 'junit.xml', 'report.html', 'summary.md', 'report.sarif']) expect(existsSync(join(out, f))).toBe(true);
    expect(t.err.join('')).toMatch(/^PASS +transport\.health/m); // plain progress lines in CI
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(report.seed).toBe(11);
    expect(report.verdict).toBe('PASS');
  }, 120_000);

  it('exits 1 when a MUST fails (the errors-as-500 mutant)', async () => {
    const t = io();
    const code = await runCli(['run', '--start', `DVC_MUTANT=errors-as-500 ${referenceAgencyCommand()}`, '--only', 'lookup-public.unknown-code', '--no-rerun', '--out', join(dir, 'fail'), '--format', 'json'], t.io);
    expect(code).toBe(1);
    expect(t.out.join('')).toMatch(/^FAIL: /);
    expect(t.out.join('')).toMatch(/failed or flaky: .*DVC-ERR-001/);
  }, 120_000);

  it('exits 2 (inconclusive, never a pass) when the target cannot be reached', async () => {
    const t = io();
    const code = await runCli(['run', '--target', 'http://127.0.0.1:9', '--wait-for-system', '0', '--only', 'transport.health', '--out', join(dir, 'down'), '--format', 'json'], t.io);
    expect(code).toBe(2);
    const report = JSON.parse(await readFile(join(dir, 'down', 'report.json'), 'utf8'));
    expect(report.checks.find((c: { id: string }) => c.id === 'transport.health').outcome).toBe('INCONCLUSIVE');
  }, 120_000);

  it('exits 2 when the started system never becomes healthy', async () => {
    const t = io();
    const code = await runCli(['run', '--start', `"${process.execPath}" -e "process.exit(3)"`, '--out', join(dir, 'crash')], t.io);
    expect(code).toBe(2);
    expect(t.err.join('')).toMatch(/exited \(code 3/);
  }, 120_000);
});
