import { getRequirement, requirements } from '@dvc-kit/spec';
import { MUTANTS, type MutantName } from '@dvc-kit/reference-agency';
import { createTestPki } from '@dvc-kit/signature';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../src/checks/index.js';
import { operationEdgeChecks } from '../src/checks/operation-edges.js';
import { operationHttpChecks } from '../src/checks/operation-http.js';
import { operationChecks } from '../src/checks/operations.js';
import { runSuite } from '../src/suite.js';
import { referenceAgencyCommand } from './reference-agency.js';

/**
 * Each mutant of the reference agency (one deliberate defect, `DVC_MUTANT=<name>`) and the
 * requirement whose text names that defect. The suite must not pass that requirement.
 */
export const MUTANT_REQUIREMENT: Record<MutantName, string> = {
  'dossier-code-grammar': 'DVC-CODE-002',
  'dossier-code-reuse': 'DVC-CODE-004',
  'public-lookup-leaks': 'DVC-LKP-002',
  'lookup-any-citizen': 'DVC-LKA-002',
  'token-signature-unchecked': 'DVC-AUTH-005',
  'token-audience-unchecked': 'DVC-AUTH-005',
  // One route (receiveFeedback) reads the token without verifying it: only the per-operation token checks see it.
  'feedback-token-decoded-only': 'DVC-AUTH-005',
  'token-expiry-unchecked': 'DVC-AUTH-005',
  'token-scope-unchecked': 'DVC-AUTH-011',
  'request-signature-unchecked': 'DVC-SIG-004',
  // Only receiveDossier verifies the signature: the per-operation signature checks of the other writes see it.
  'signature-receive-only': 'DVC-SIG-004',
  'validation-skipped': 'DVC-RCV-003',
  'validation-types-only': 'DVC-RCV-003',
  // Lengths counted in bytes: a Vietnamese name at ChuHoSo's maxLength is refused (the accepts.* edge checks).
  'byte-length-limits': 'DVC-RCV-001',
  'idempotency-ignored': 'DVC-IDEM-002',
  // Only receiveDossier's route requires and honours the key: the per-operation idempotency checks see it.
  'idempotency-receive-only': 'DVC-IDEM-001',
  'idempotency-body-unchecked': 'DVC-IDEM-003',
  'events-unsigned': 'DVC-SIG-001',
  'events-badly-signed': 'DVC-SIG-001',
  'illegal-transition': 'DVC-SYNC-004',
  'late-sync': 'DVC-SYNC-002',
  'push-dropped-on-failure': 'DVC-SYNC-002',
  'supplement-any-status': 'DVC-SUPP-002',
  'withdraw-after-final': 'DVC-WDR-001',
  'withdraw-any-citizen': 'DVC-WDR-002',
  'payment-double-credit': 'DVC-PAY-003',
  // A "paid" for a payment that had failed (a final state) is credited.
  'payment-state-unchecked': 'DVC-PAY-005',
  'errors-as-500': 'DVC-ERR-001',
  'stack-trace-leak': 'DVC-ERR-005',
  'public-lookup-unlimited': 'DVC-RATE-004',
  // A SHOULD: a receiveDossier signed by another agency's certificate (trusted chain) is accepted.
  'signer-agency-unchecked': 'DVC-SIG-005',
  // A SHOULD: a push the portal refused as invalid (422) is sent again and again.
  'retry-validation-errors': 'DVC-SYNC-009',
  'retry-after-ignored': 'DVC-RATE-002',
  // A SHOULD: failed pushes retried every second, without back-off.
  'retry-fixed-interval': 'DVC-SYNC-009',
  'account-linked-by-name': 'DVC-SSO-006',
  'evaluation-not-forwarded': 'DVC-EVAL-001',
  'feedback-unanswered': 'DVC-FBK-003',
  'feedback-accountability-missing': 'DVC-FBK-003',
  // The system talks to a portal whose certificate names another host / chains to an unknown root.
  'tls-verification-off': 'DVC-TLS-002',
  // The system also accepts TLS 1.0 and 1.1 handshakes.
  'tls-old-versions': 'DVC-TLS-001',
  // Dossier codes dated before the 2025-07-01 mergers refused as malformed by the lookups.
  'pre-merger-codes-refused': 'DVC-REF-002',
};

const names = Object.keys(MUTANTS) as MutantName[];

async function pool<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

describe('mutant systems', () => {
  it('every mutant the reference agency defines is mapped to a requirement', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
    expect(names.filter((n) => !MUTANT_REQUIREMENT[n])).toEqual([]);
  });

  it('each mutant fails on the requirement that names its defect (test/reference.test.ts shows the reference passes it)', async () => {
    const start = referenceAgencyCommand();
    const pki = await createTestPki({ serve: true });
    const results = await pool(names, 3, async (name) => {
      const id = MUTANT_REQUIREMENT[name];
      const checks = allChecks.filter((c) => c.requirements.includes(id));
      const report = await runSuite({
        scope: { profile: 'province', online: 'full', binding: 'rest' },
        start,
        seed: 7,
        checks,
        extraEnv: { DVC_MUTANT: name },
        timing: { syncDeadlineMs: 10_000 },
        // A mutant's failure is deterministic; the re-run (FLAKY detection) is proven on the reference.
        rerun: false,
        pki,
      });
      const r = report.requirements.find((x) => x.id === id)!;
      const why = r.outcome === 'FAIL' || r.outcome === 'WARN' ? '' : report.checks.filter((c) => c.requirements.includes(id)).map((c) => `${c.id} ${c.outcome} ${c.attempts[0]!.reason ?? ''}`).join('; ');
      return { name, id, outcome: r.outcome, verdict: report.verdict, seconds: report.durationMs / 1000, checks: checks.length, why };
    });
    await pki.close();
    const table = results.map((r) => `${r.name.padEnd(28)} ${r.id.padEnd(13)} ${r.outcome.padEnd(7)} ${r.verdict.padEnd(7)} ${String(r.checks).padStart(2)} checks ${r.seconds.toFixed(1)} s ${r.why}`).join('\n');
    console.log(`mutant                       requirement   outcome verdict\n${table}`);
    for (const r of results) {
      const level = getRequirement(requirements, r.id)!.level;
      expect({ mutant: r.name, outcome: r.outcome }).toEqual({ mutant: r.name, outcome: level === 'MUST' ? 'FAIL' : 'WARN' });
      if (level === 'MUST') expect(r.verdict, r.name).toBe('FAIL');
    }
  }, 240_000);

  // The per-operation checks (checks/operations.ts) alone, against mutants that break what they probe.
  const OPERATION_MUTANTS: { mutant: MutantName; requirements: string[] }[] = [
    // Every error answered 500 text/plain: no 401 without a token, no 400, no documented 404.
    { mutant: 'errors-as-500', requirements: ['DVC-AUTH-005', 'DVC-ERR-001', 'DVC-LKP-003'] },
    // Bodies against the schema accepted: no 422 naming the field.
    { mutant: 'validation-skipped', requirements: ['DVC-ERR-003', 'DVC-RCV-003'] },
    // Only types and required fields checked: the probes of patterns, lengths, code lists and unknown properties fail.
    { mutant: 'validation-types-only', requirements: ['DVC-ERR-003', 'DVC-RCV-003'] },
    // One route reads the token without verifying it: its token checks fail, and no other operation's.
    { mutant: 'feedback-token-decoded-only', requirements: ['DVC-AUTH-005'] },
    // Only receiveDossier requires and honours Idempotency-Key: the other writes' idempotency checks fail.
    { mutant: 'idempotency-receive-only', requirements: ['DVC-IDEM-001', 'DVC-IDEM-002', 'DVC-IDEM-003'] },
    // Lengths counted in UTF-8 bytes: the longest-text edge bodies are refused, and nothing else.
    { mutant: 'byte-length-limits', requirements: ['DVC-RCV-001'] },
  ];

  it('the per-operation contract checks alone fail the mutants that break what they probe', async () => {
    const start = referenceAgencyCommand();
    const pki = await createTestPki({ serve: true });
    const checks = [...operationChecks(), ...operationHttpChecks(), ...operationEdgeChecks()];
    const results = await pool(OPERATION_MUTANTS, 3, async ({ mutant, requirements: ids }) => {
      const report = await runSuite({ scope: { profile: 'province', online: 'full', binding: 'rest' }, start, seed: 7, checks, extraEnv: { DVC_MUTANT: mutant }, rerun: false, pki });
      return { mutant, outcomes: Object.fromEntries(ids.map((id) => [id, report.requirements.find((r) => r.id === id)!.outcome])), failedBy: report.checks.filter((c) => c.outcome === 'FAIL').map((c) => c.id) };
    });
    await pki.close();
    for (const r of results) {
      expect(r.outcomes, r.mutant).toEqual(Object.fromEntries(Object.keys(r.outcomes).map((id) => [id, 'FAIL'])));
      expect(r.failedBy.every((id) => id.startsWith('contract.'))).toBe(true);
    }
    // Each body probe decides its own constraint: the types-only mutant fails every probe but those of types and
    // required fields, and those of the fields its business rules refuse anyway (an offered procedure and its
    // components, its own agency code, a well-formed owner ID), naming the field just as the schema would.
    const typesOnly = results.find((r) => r.mutant === 'validation-types-only')!;
    const businessRules = /\.(receive-dossier\.body\.(matthc|macoquanthuchien|dinhdanhchs\.0\.sodinhdanh|tailieunop\.0\.mathanhphanhoso)|receive-feedback\.body\.macoquanxuly)\./;
    const expected = checks.map((c) => c.id).filter((id) => id.includes('.body.') && !/\.(type|required)$/.test(id) && !businessRules.test(id));
    expect(expected.length).toBeGreaterThan(60);
    expect(typesOnly.failedBy.filter((id) => id.includes('.body.')).sort()).toEqual(expected.sort());
    // The idempotency checks of the writes other than receiveDossier fail, and nothing else: every missing or
    // malformed key is let through. (A repeated payment has no second effect anyway: paymentId identifies it.)
    const receiveOnly = results.find((r) => r.mutant === 'idempotency-receive-only')!;
    const idempotency = checks.map((c) => c.id).filter((id) => id.includes('.idempotency.'));
    expect(receiveOnly.failedBy.every((id) => idempotency.includes(id))).toBe(true);
    expect(receiveOnly.failedBy).toEqual(expect.arrayContaining(idempotency.filter((id) => /\.key-(missing|malformed)$/.test(id))));
    const byBytes = results.find((r) => r.mutant === 'byte-length-limits')!;
    expect(byBytes.failedBy.sort()).toEqual(checks.map((c) => c.id).filter((id) => /\.accepts\..*\.longest$/.test(id)).sort());
    const decodeOnly = results.find((r) => r.mutant === 'feedback-token-decoded-only')!;
    expect(decodeOnly.failedBy.sort()).toEqual(['alg-none', 'expired', 'foreign-key', 'hs256-jwks', 'wrong-audience', 'wrong-issuer'].map((t) => `contract.receive-feedback.token.${t}`));
  }, 180_000);
});
