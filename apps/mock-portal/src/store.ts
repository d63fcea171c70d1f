import type { DossierRecord, Evaluation, Feedback, Payment, StatisticsReport } from '@dvc-kit/spec';
import type { JWK } from 'jose';

/** An agency system registered with the portal (what onboarding records). */
export interface RegisteredSystem {
  clientId: string;
  agencyCode: string;
  name: string;
  /** Public keys for `private_key_jwt` client assertions. */
  jwks?: { keys: JWK[] } | undefined;
  /** The system's certificate chain (PEM, leaf first): its key also verifies assertions. */
  certificatePem?: string | undefined;
  /** For `client_secret_basic`. */
  clientSecret?: string | undefined;
  /** Base URL of the system's agency-system API (where the portal forwards dossiers). */
  callbackBaseUrl?: string | undefined;
  dvcqgUsername?: string | undefined;
  dvcqgPassword?: string | undefined;
  /** Redirect URIs for citizen sign-on. */
  redirectUris: string[];
  scopes: string[];
  createdAt: string;
}

/** A stored answer to replay for a repeated Idempotency-Key. */
export interface IdempotencyEntry {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface StoredEvaluation extends Evaluation {
  agencyCode: string;
}

/** What the portal received from agency systems in answer to its forwarded calls. */
export interface ForwardRecord {
  id: string;
  at: string;
  clientId: string;
  operationId: string;
  url: string;
  request: unknown;
  status: number;
  response: unknown;
  /** The system's answer checked against agency-system.yaml (null when there was none). */
  responseValid: boolean | null;
  responseErrors: { pointer: string; code: string; message: { vi: string; en: string } }[];
  error?: string;
}

/** One change to the store; persistence writes these, replay re-applies them. */
export type Mutation =
  | { t: 'system'; system: RegisteredSystem }
  | { t: 'dossier'; record: DossierRecord }
  | { t: 'feedback'; feedback: Feedback }
  | { t: 'evaluations'; items: StoredEvaluation[] }
  | { t: 'report'; report: StatisticsReport }
  | { t: 'payment'; payment: Payment }
  | { t: 'idempotency'; key: string; entry: IdempotencyEntry }
  | { t: 'forward'; record: ForwardRecord };

/** Receives each mutation before it is applied; throwing refuses the change. */
export type MutationSink = (mutation: Mutation) => void;

/**
 * The single source of truth of the mock: both bindings and every adapter read and
 * change it through here. Changes go through {@link PortalStore.commit} so that they can
 * be made durable before they are applied (and so acknowledged).
 */
export class PortalStore {
  readonly systems = new Map<string, RegisteredSystem>();
  readonly dossiers = new Map<string, DossierRecord>();
  readonly feedback = new Map<string, Feedback>();
  readonly evaluations: StoredEvaluation[] = [];
  readonly reports = new Map<string, StatisticsReport>();
  readonly payments = new Map<string, Payment>();
  readonly idempotency = new Map<string, IdempotencyEntry>();
  readonly forwards: ForwardRecord[] = [];
  private sink: MutationSink | undefined;

  setSink(sink: MutationSink | undefined): void {
    this.sink = sink;
  }

  commit(mutation: Mutation): void {
    this.sink?.(mutation);
    this.apply(mutation);
  }

  /** Applies a mutation without writing it (replay). */
  apply(m: Mutation): void {
    switch (m.t) {
      case 'system':
        this.systems.set(m.system.clientId, m.system);
        break;
      case 'dossier':
        this.dossiers.set(m.record.dossier.MaHoSo, m.record);
        break;
      case 'feedback':
        this.feedback.set(m.feedback.MaPhanAnh, m.feedback);
        break;
      case 'evaluations':
        this.evaluations.push(...m.items);
        break;
      case 'report':
        this.reports.set(m.report.reportId!, m.report);
        break;
      case 'payment':
        this.payments.set(m.payment.paymentId, m.payment);
        break;
      case 'idempotency':
        this.idempotency.set(m.key, m.entry);
        break;
      case 'forward':
        this.forwards.push(m.record);
        if (this.forwards.length > 1000) this.forwards.shift();
        break;
    }
  }

  systemByDvcqgUsername(username: string): RegisteredSystem | undefined {
    for (const s of this.systems.values()) if (s.dvcqgUsername === username) return s;
    return undefined;
  }

  /** Counts of stored records, e.g. to check that no acknowledged write was lost. */
  counts(): Record<'systems' | 'dossiers' | 'events' | 'feedback' | 'evaluations' | 'reports' | 'payments', number> {
    let events = 0;
    for (const r of this.dossiers.values()) events += r.history.length;
    return {
      systems: this.systems.size,
      dossiers: this.dossiers.size,
      events,
      feedback: this.feedback.size,
      evaluations: this.evaluations.length,
      reports: this.reports.size,
      payments: this.payments.size,
    };
  }
}
