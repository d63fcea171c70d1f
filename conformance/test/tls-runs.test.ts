import { describe, expect, it } from 'vitest';
import { runSuite } from '../src/suite.js';

// A system that knows nothing of TLS: plain HTTP on PORT, /health answers 200.
const PLAIN_SYSTEM = `"${process.execPath}" -e "require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end(JSON.stringify({ status: 'ok', version: '0', time: new Date().toISOString() })); }).listen(Number(process.env.PORT), process.env.HOST)"`;
const scope = { profile: 'province', online: 'full', binding: 'rest' } as const;

describe('TLS runs', () => {
  it('a started system that ignores DVC_TLS_CERT_FILE is not healthy, and the error says what to do', async () => {
    await expect(runSuite({ scope, start: PLAIN_SYSTEM, seed: 1, only: ['transport.'], healthTimeoutMs: 3000 })).rejects.toThrow(
      /did not answer 200 on https:\/\/dichvucong\.thanhhoa\.gov\.vn:\d+\/health .*--plain-http/s,
    );
  }, 30_000);

  it('with --plain-http the transport checks SKIP with the reason, never PASS', async () => {
    const report = await runSuite({ scope, start: PLAIN_SYSTEM, seed: 1, only: ['transport.'], plainHttp: true, rerun: false });
    expect(report.target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const id of ['DVC-TLS-001', 'DVC-TLS-002', 'DVC-TLS-003']) {
      const r = report.requirements.find((x) => x.id === id)!;
      expect(r.outcome, id).toBe('SKIP');
    }
    const reasons = report.checks.filter((c) => c.id.startsWith('transport.') && c.id !== 'transport.health').map((c) => c.attempts[0]!.reason);
    expect(reasons.every((r) => /--plain-http/.test(r ?? ''))).toBe(true);
    expect(report.checks.find((c) => c.id === 'transport.health')?.outcome).toBe('PASS');
  }, 30_000);
});
