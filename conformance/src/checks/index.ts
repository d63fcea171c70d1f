import type { Check } from './support.js';
import { accountChecks } from './account.js';
import { citizenRequestChecks } from './citizen-requests.js';
import { contractChecks } from './contract.js';
import { counterpartChecks } from './counterpart.js';
import { withExpectedDurations } from './durations.js';
import { exclusiveChecks } from './exclusive.js';
import { feedbackChecks } from './feedback.js';
import { lookupChecks } from './lookup.js';
import { operationEdgeChecks } from './operation-edges.js';
import { operationHttpChecks } from './operation-http.js';
import { operationSignatureChecks } from './operation-signatures.js';
import { operationChecks } from './operations.js';
import { receptionChecks } from './reception.js';
import { referenceDataChecks } from './reference-data.js';
import { reportChecks } from './reports.js';
import { securityChecks } from './security.js';
import { transportChecks } from './transport.js';

/** Every check of the suite, in a stable order (shards split this list); the runner starts the slow ones first. */
export const allChecks: readonly Check[] = Object.freeze(withExpectedDurations([
  ...receptionChecks,
  ...securityChecks,
  ...lookupChecks,
  ...citizenRequestChecks,
  ...contractChecks,
  ...operationChecks(),
  ...operationHttpChecks(),
  ...operationEdgeChecks(),
  ...operationSignatureChecks(),
  ...transportChecks,
  ...reportChecks,
  ...accountChecks,
  ...feedbackChecks,
  ...referenceDataChecks,
  ...counterpartChecks,
  ...exclusiveChecks,
]));
