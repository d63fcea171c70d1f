import type { Check } from './support.js';

/**
 * How long the slow checks take alone against the reference system (ms, `bench/` profile at
 * concurrency 1, rounded). Only the order matters: the runner starts the longest first so a
 * run is about as long as its slowest check. A check not listed is taken as quick.
 */
export const EXPECTED_MS: Readonly<Record<string, number>> = Object.freeze({
  'status-sync.refused-push-not-retried': 2100,
  'status-sync.retries-back-off': 1600,
  'counterpart.agency-scope-and-payments': 1200,
  'transport.tls-versions': 400,
  'payment.final-states-kept': 350,
  'errors.no-internal-details': 300,
  'dossier-code.unique-and-sequential': 300,
  // Quick, but they wait on the system's pushes: a check that pauses the system must not overlap them.
  'counterpart.agency-scope': 200,
  'counterpart.duplicate-step-once': 200,
  'evaluation.owner-evaluates-ended-dossier': 1100,
  'withdrawal.refused-after-final': 800,
  'status-sync.queued-while-portal-down': 1300,
  'history.append-only': 800,
  'payment.paid-notification': 800,
  'counterpart.evaluation-rules': 800,
  'withdrawal.owner-withdraws': 800,
  'status-sync.history-steps-complete': 700,
  'status-sync.timely-and-by-code': 650,
  'supplementation.requested-and-accepted': 650,
  'status-sync.upsert-semantics': 600,
  'payment.tampered-notification-refused': 600,
  'status-sync.legal-transitions': 600,
  'counterpart.payment-refused-without-fees': 550,
  'counterpart.read-back': 400,
  'lookup-auth.owner-sees-details': 350,
  'feedback.accountability-recorded': 350,
  'lookup-auth.token-required': 350,
  'authentication.foreign-key': 250,
  'counterpart.merged-unit-codes': 250,
  'counterpart.not-received-needs-reason': 200,
  'signatures.untrusted-chain-refused': 200,
  'reception.valid-dossier-received': 200,
  'signatures.pushes-signed': 200,
  'reception.channel-and-dates-synced': 150,
  'account.linked-by-techid': 150,
  'lookup-auth.feedback-shown': 150,
  'reception.date-format': 150,
});

/** The checks with their measured duration (a check's own `expectedMs` wins). */
export function withExpectedDurations(checks: readonly Check[]): Check[] {
  return checks.map((c) => (c.expectedMs !== undefined || EXPECTED_MS[c.id] === undefined ? c : Object.freeze({ ...c, expectedMs: EXPECTED_MS[c.id] })));
}
