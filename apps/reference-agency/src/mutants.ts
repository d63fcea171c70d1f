import { ConfigError } from './errors.js';

/**
 * Deliberate defects for the conformance suite's mutation tests. `DVC_MUTANT=<name>` turns
 * on exactly one; the reference is correct when it is unset. This is the only module that
 * reads the variable: every other module asks `mutant.is(name)` at the one place the
 * behaviour lives.
 */
export const MUTANTS = {
  'dossier-code-grammar': 'Generates dossier codes as <agency>-<yyyyMMdd>-<3-digit sequence> instead of <agency>-<yyMMdd>-<4-digit sequence>.',
  'dossier-code-reuse': 'Does not advance the daily counter: every dossier of a day is given sequence 0001 (the previous dossier is overwritten).',
  'public-lookup-leaks': 'The public (unauthenticated) lookup also answers the owner, the handling unit and the history.',
  'lookup-any-citizen': "The authenticated lookup answers any citizen's dossier, not only the token holder's.",
  'token-signature-unchecked': "The portal's bearer token is decoded but its signature is not verified.",
  'token-audience-unchecked': 'The bearer token audience (aud) is not checked.',
  'token-expiry-unchecked': 'An expired bearer token is accepted.',
  'feedback-token-decoded-only': 'receiveFeedback reads the bearer token without verifying it (signature, issuer, audience, expiry): one route wired to the wrong middleware.',
  'token-scope-unchecked': 'The token scope is not checked (any scope may call any operation).',
  'request-signature-unchecked': 'Incoming X-DVC-Signature is not verified (missing or bad signatures are accepted).',
  'signature-receive-only': 'Only receiveDossier verifies X-DVC-Signature: supplements, withdrawals and payment notifications are applied whatever their signature.',
  'signer-agency-unchecked': "A request signed with another agency system's certificate (trusted chain) is accepted as the portal's.",
  'validation-skipped': 'Request bodies are not validated against the spec; invalid dossiers are stored.',
  'byte-length-limits': 'Text lengths are counted in UTF-8 bytes (a VARCHAR(n BYTE) column): a Vietnamese text at the standard\'s maxLength in characters is refused.',
  'validation-types-only': 'Request bodies are checked for required fields and types only: patterns, formats, lengths, code lists and unknown properties are let through.',
  'idempotency-ignored': 'Idempotency-Key is ignored: a retried receiveDossier creates a second dossier.',
  'idempotency-receive-only': 'Only receiveDossier goes through the idempotency layer: the other writes require no Idempotency-Key and process a repeat again.',
  'idempotency-body-unchecked': 'The same Idempotency-Key with a different body replays the first answer instead of 422.',
  'events-unsigned': 'Status pushes to the national portal carry no X-DVC-Signature.',
  'events-badly-signed': 'Status pushes carry a signature over a different body.',
  'illegal-transition': 'The officials jump a received dossier straight from 2 to 9 (an illegal transition).',
  'late-sync': 'Status changes are pushed 20 minutes after they happen (the standard allows 15).',
  'push-dropped-on-failure': 'A push that fails is dropped instead of queued and retried.',
  'supplement-any-status': 'A supplement is accepted whatever the status, and moves the dossier to 4.',
  'withdraw-after-final': 'A withdrawal is accepted even after a final status (3, 7, 8, 10) or 9.',
  'withdraw-any-citizen': "A withdrawal is accepted whoever's SoDinhDanh it carries.",
  'payment-double-credit': 'A repeated payment notification is applied twice (two processing steps).',
  'payment-state-unchecked': 'A payment notification is applied whatever the payment\'s earlier state (a paid after a failed one is credited).',
  'errors-as-500': 'Errors are answered as HTTP 500 text/plain instead of problem+json.',
  'stack-trace-leak': 'Internal errors answer with the stack trace.',
  'public-lookup-unlimited': 'The public lookup has no rate limit.',
  'account-linked-by-name': "Citizen accounts are keyed by HoVaTen: another person with the same name reaches the first one's dossiers.",
  'evaluation-not-forwarded': "The owner's evaluation is answered 201 but never sent to the national portal.",
  'feedback-unanswered': 'Feedback is recorded but the officials never answer it.',
  'feedback-accountability-missing': 'The authenticated lookup lists feedback without NgayNhan, DonViXuLy and HanTraLoi.',
  'retry-fixed-interval': 'A push that failed (5xx) is retried at a fixed interval (the first back-off delay), without back-off.',
  'retry-validation-errors': 'A push the portal refuses as invalid (4xx other than 408 and 429) is retried like a transient failure.',
  'retry-after-ignored': 'A 429 from the portal is retried after 200 ms whatever its Retry-After says.',
  'tls-verification-off': "The portal's TLS certificate is not verified (any certificate, any host name).",
  'tls-old-versions': 'HTTPS also accepts TLS 1.0 and 1.1.',
  'pre-merger-codes-refused': 'Dossier codes dated before the 2025-07-01 mergers are refused as malformed (400) by the lookups.',
} as const satisfies Record<string, string>;

export type MutantName = keyof typeof MUTANTS;

export interface Mutant {
  /** The active mutant, or undefined for the correct reference. */
  readonly name: MutantName | undefined;
  is(name: MutantName): boolean;
}

export function isMutantName(value: string): value is MutantName {
  return Object.prototype.hasOwnProperty.call(MUTANTS, value);
}

/** The mutant named by `DVC_MUTANT` in `env` (none when unset or empty). */
export function readMutant(env: Record<string, string | undefined>): Mutant {
  const raw = env.DVC_MUTANT?.trim();
  if (!raw) return noMutant;
  if (!isMutantName(raw)) {
    throw new ConfigError('DVC_MUTANT', `unknown mutant "${raw}"; expected one of ${Object.keys(MUTANTS).join(', ')}`);
  }
  return mutantNamed(raw);
}

export function mutantNamed(name: MutantName | undefined): Mutant {
  return Object.freeze({ name, is: (n: MutantName) => n === name });
}

export const noMutant: Mutant = mutantNamed(undefined);
