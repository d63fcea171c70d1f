import type { AccountStore } from './accounts.js';
import type { CitizenSignOnFlow } from './citizen-sign-on.js';
import type { AgencyConfig } from './config.js';
import type { EvaluationStore } from './evaluations.js';
import type { DossierStore } from './dossier-store.js';
import type { FeedbackStore } from './feedback.js';
import type { IdempotencyStore } from './idempotency.js';
import type { MessageSigner } from './message-signature.js';
import type { Mutant } from './mutants.js';
import type { Officials } from './officials.js';
import type { Outbox } from './outbox.js';
import type { PortalDiscovery } from './portal-discovery.js';
import type { PortalTokenVerifier } from './portal-token.js';
import type { RateLimiter } from './rate-limit.js';

/** What the request handlers work with. */
export interface AgencyServices {
  config: AgencyConfig;
  mutant: Mutant;
  store: DossierStore;
  outbox: Outbox;
  feedback: FeedbackStore;
  evaluations: EvaluationStore;
  idempotency: IdempotencyStore;
  tokens: PortalTokenVerifier;
  signer: MessageSigner;
  officials: Officials;
  discovery: PortalDiscovery;
  publicLookups: RateLimiter;
  signOn: CitizenSignOnFlow;
  accounts: AccountStore;
  /** Key of the HMACs on pagination cursors and sign-on state. */
  secret: Buffer;
  version: string;
}
