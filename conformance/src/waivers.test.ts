import { requirements } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { buildReport } from './report.js';
import type { CheckResult } from './runner.js';
import { requirementsInScope } from './scope.js';
import { parseWaivers, waiverStatus } from './waivers.js';

const scope = { profile: 'province', online: 'full', binding: 'rest' } as const;
const inScope = new Set(requirementsInScope(requirements, scope).map((r) => r.id));
const failing: CheckResult = {
  id: 'rate-limits.x', title: 'x', area: 'rate-limits', requirements: ['DVC-RATE-001'], outcome: 'FAIL', durationMs: 1,
  attempts: [{ outcome: 'FAIL', durationMs: 1, failures: [{ requirements: ['DVC-RATE-001'], passed: false, message: 'no 429' }], passedAssertions: 0, failedRequirements: ['DVC-RATE-001'], stoppedEarly: false, notes: [], evidence: [] }],
};
const build = (waivers: ReturnType<typeof parseWaivers>, now: Date) =>
  buildReport({ catalogue: requirements, inScope, scope, checks: [failing], target: { url: 'http://x' }, tool: { name: 't', version: '1' }, seed: 1, startedAt: now, finishedAt: now, waivers, now });

describe('waivers', () => {
  it('validates entries with messages naming the entry', () => {
    expect(() => parseWaivers([{ requirement: 'RATE-1', reason: 'x', expires: '2030-01-01' }])).toThrow(/waiver #1: "requirement" must be a requirement ID/);
    expect(() => parseWaivers({ waivers: [{ requirement: 'DVC-RATE-001', reason: '', expires: '2030-01-01' }] })).toThrow(/"reason" must say why/);
    expect(() => parseWaivers([{ requirement: 'DVC-RATE-001', reason: 'x', expires: '31/12/2030' }])).toThrow(/"expires" must be a date YYYY-MM-DD/);
    expect(parseWaivers({ waivers: [{ requirement: 'DVC-RATE-001', reason: 'gateway upgrade', expires: '2030-01-01' }] })).toHaveLength(1);
  });

  it('an active waiver keeps a failed MUST from failing the run; an expired one fails it', () => {
    const waivers = parseWaivers([{ requirement: 'DVC-RATE-001', reason: 'gateway upgrade in Q3', expires: '2026-06-30' }]);
    const active = build(waivers, new Date('2026-06-30T16:00:00Z')); // 23:00 in Vietnam, last day
    expect(active.verdict).toBe('PASS');
    expect(active.requirements.find((r) => r.id === 'DVC-RATE-001')).toMatchObject({ outcome: 'FAIL', waiver: { expired: false } });
    const expired = build(waivers, new Date('2026-06-30T17:00:01Z')); // 00:00:01 on 1 July in Vietnam
    expect(expired.verdict).toBe('FAIL');
    expect(expired.verdictReasons.join(' ')).toMatch(/expired waiver\(s\): DVC-RATE-001 \(expired 2026-06-30\)/);
    expect(waiverStatus(waivers[0]!, new Date('2026-07-01T00:00:00Z')).expired).toBe(true);
    expect(build([], new Date()).verdict).toBe('FAIL');
  });
});
