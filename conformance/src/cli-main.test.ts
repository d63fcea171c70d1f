import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki, type TestPki } from '@dvc-kit/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../test/sample-report.js';
import { runCli } from './cli-main.js';

let dir: string;
let pki: TestPki;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: { CI: '1' } } };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dvc-conformance-cli-'));
  pki = await createTestPki({ serve: false });
}, 60_000);
afterAll(async () => {
  await pki?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('dvc-conformance CLI', () => {
  it('prints help for every command with exit 0', async () => {
    for (const argv of [['--help'], ['help'], ['help', 'run'], ['run', '--help'], ['merge', '--help'], ['attest', '--help'], ['verify', '--help']]) {
      const t = io();
      expect(await runCli(argv, t.io)).toBe(0);
      expect(t.out.join('')).toMatch(/Usage: dvc-conformance/);
    }
  });

  it('answers usage errors with exit 64 and a message that says what to do', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Commands:/],
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['run'], /needs --start/],
      [['run', '--target', 'http://127.0.0.1:9', '--profile', 'county'], /--profile must be one of ministry, province/],
      [['run', '--target', 'http://127.0.0.1:9', '--shard', '3/2'], /--shard expects i\/n/],
      [['run', '--target', 'http://127.0.0.1:9', '--bogus'], /Unknown option/],
      [['run', '--target', 'http://127.0.0.1:9', '--waivers', join(tmpdir(), 'no-such-waivers.yaml')], /Cannot read the waivers file/],
      [['run', '--target', 'https://dichvucong.thanhhoa.gov.vn', '--resolve', 'dichvucong.thanhhoa.gov.vn:443'], /--resolve "dichvucong.thanhhoa.gov.vn:443" must be host:port:address/],
      [['run', '--target', 'https://dichvucong.thanhhoa.gov.vn', '--ca', join(tmpdir(), 'no-such-ca.pem')], /--ca: cannot read/],
      [['run', '--start', 'true', '--public-host', 'not a host'], /--public-host must be a DNS host name/],
      [['run', '--target', 'https://dichvucong.thanhhoa.gov.vn', '--wait-for-system', 'soon'], /--wait-for-system must be a whole number/],
      [['verify', 'x.json'], /needs <report.json> --trust-anchors/],
      [['help', 'nothing'], /No help for "nothing"/],
    ];
    for (const [argv, message] of cases) {
      const t = io();
      expect(await runCli(argv, t.io), argv.join(' ')).toBe(64);
      expect(t.err.join('') + t.out.join(''), argv.join(' ')).toMatch(message);
    }
  });

  it('refuses a config file with an unknown key or a wrong type', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, 'profile: province\nbindng: rest\n');
    const t = io();
    expect(await runCli(['run', '--config', path], t.io)).toBe(64);
    expect(t.err.join('')).toMatch(/unknown setting "bindng"/);
    await writeFile(path, 'seed: "twelve"\n');
    const t2 = io();
    expect(await runCli(['run', '--config', path], t2.io)).toBe(64);
    expect(t2.err.join('')).toMatch(/"seed" must be a number/);
  });

  it('attests a report, verifies it offline, and detects tampering', async () => {
    const report = await sampleReport();
    const reportPath = join(dir, 'report.json');
    await writeFile(reportPath, JSON.stringify(report, null, 2));
    const certifier = await pki.issueEndEntity({ subject: { commonName: 'Cục Kiểm soát thủ tục hành chính (thử nghiệm)', organization: 'Văn phòng Chính phủ', country: 'VN' }, issuer: 'governmentCa' });
    await writeFile(join(dir, 'certifier.key.pem'), certifier.privateKeyPem);
    await writeFile(join(dir, 'certifier.chain.pem'), certifier.chainPem.join('\n'));
    await writeFile(join(dir, 'roots.pem'), pki.trustAnchors.join('\n'));

    const a = io();
    expect(await runCli(['attest', reportPath, '--key', join(dir, 'certifier.key.pem'), '--cert', join(dir, 'certifier.chain.pem')], a.io)).toBe(0);
    const attestation = JSON.parse(await readFile(join(dir, 'report.attestation.json'), 'utf8'));
    expect(attestation.jws).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);

    const v = io();
    expect(await runCli(['verify', reportPath, '--trust-anchors', join(dir, 'roots.pem')], v.io)).toBe(0);
    expect(v.out.join('')).toMatch(/^VALID/);

    // Flip one outcome: the digest and the signature no longer match.
    const tampered = JSON.parse(await readFile(reportPath, 'utf8'));
    tampered.verdict = 'PASS';
    await writeFile(reportPath, JSON.stringify(tampered, null, 2));
    const bad = io();
    expect(await runCli(['verify', reportPath, '--trust-anchors', join(dir, 'roots.pem')], bad.io)).toBe(1);
    expect(bad.out.join('')).toMatch(/INVALID[\s\S]*changed after signing/);

    // Untrusted anchors: the signature does not chain.
    const other = await createTestPki({ serve: false });
    await writeFile(join(dir, 'other-roots.pem'), other.trustAnchors.join('\n'));
    await writeFile(reportPath, JSON.stringify(report, null, 2));
    const untrusted = io();
    expect(await runCli(['verify', reportPath, '--trust-anchors', join(dir, 'other-roots.pem')], untrusted.io)).toBe(1);
    expect(untrusted.out.join('')).toMatch(/signature does not verify/);
    await other.close();
  }, 60_000);
});
