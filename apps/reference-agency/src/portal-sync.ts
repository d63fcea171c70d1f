import { createHash } from 'node:crypto';
import { clientCredentials, dvcqgSession, type CredentialProvider } from '@dvc-kit/auth';
import type { Evaluation, FeedbackAnswer, StatisticsReport } from '@dvc-kit/spec';
import { ApiError, AuthError as ClientAuthError, ClientError, createNationalPortalClient, NetworkError, TimeoutError } from '@dvc-kit/client';
import { Agent, type Dispatcher } from 'undici';
import type { AgencyConfig } from './config.js';
import type { DossierStore } from './dossier-store.js';
import type { EvaluationStore } from './evaluations.js';
import type { FeedbackStore } from './feedback.js';
import type { Mutant } from './mutants.js';
import type { MessageSigner } from './message-signature.js';
import type { Outbox, QueuedPush } from './outbox.js';

/** The result of one push attempt. */
export type PushOutcome =
  | { ok: true }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

/** Sends one queued change to the national portal in the configured binding. */
export interface PortalPusher {
  push(entry: QueuedPush): Promise<PushOutcome>;
  /** Sends the answer to a feedback item (answerFeedback); absent where the binding has no such call. */
  pushFeedbackAnswer?(MaPhanAnh: string, answer: FeedbackAnswer, idempotencyKey: string): Promise<PushOutcome>;
  /** Submits a periodic statistics report (submitStatisticsReport); absent where the binding has no such call. */
  submitStatisticsReport?(report: StatisticsReport, idempotencyKey: string): Promise<PushOutcome>;
  /** Sends owners' evaluations (submitEvaluations); absent where the binding has no such call. */
  submitEvaluations?(items: Evaluation[], idempotencyKey: string): Promise<PushOutcome>;
}

/** How a client error is handled: transient ones are retried later, the rest set aside. */
export function outcomeOf(error: unknown): PushOutcome {
  if (error instanceof ApiError) {
    const transient = error.status >= 500 || error.status === 429 || error.status === 408 || error.dvcqgErrorCode === '09' || error.dvcqgErrorCode === '99';
    const detail = error.problem.detail ?? error.problem.title;
    return {
      ok: false,
      retryable: transient,
      error: `${error.request?.operationId ?? 'call'} answered ${error.dvcqgErrorCode !== undefined ? `error_code "${error.dvcqgErrorCode}"` : `HTTP ${error.status}`}${detail ? `: ${detail}` : ''}`,
      ...(error.retryAfterSeconds !== undefined ? { retryAfterMs: error.retryAfterSeconds * 1000 } : {}),
    };
  }
  if (error instanceof ClientError && !(error instanceof NetworkError || error instanceof TimeoutError || error instanceof ClientAuthError)) {
    return { ok: false, retryable: false, error: `${error.code}: ${error.message}` };
  }
  // Network, timeout, the token endpoint or the gateway login being down: try again later.
  return { ok: false, retryable: true, error: (error as Error)?.message ?? String(error) };
}

const RETRY_AFTER_IGNORED = (_m: Mutant) => false; // step 6

/** The X-DVC-Signature signer the client uses (the events-* mutants corrupt it here). */
function clientSigner(signer: MessageSigner): (body: unknown) => Promise<string> {
  return async (body) => (await signer.signBody(body)) ?? '';
}

/** Drops X-DVC-Signature from every request (only for the events-unsigned mutant). */
function withoutSignatures(transport: Dispatcher | undefined): Dispatcher {
  return (transport ?? new Agent()).compose((dispatch) => (opts, handler) => {
    const headers = Object.fromEntries(Object.entries((opts.headers ?? {}) as Record<string, string>).filter(([k]) => k.toLowerCase() !== 'x-dvc-signature'));
    return dispatch({ ...opts, headers }, handler);
  });
}

/**
 * Pushes with @dvc-kit/client in the configured binding. `rest`: `dossiers.upsert` (PUT the
 * dossier as it stood after the step) then `dossiers.appendEvents` with the entry's stable
 * Idempotency-Key, both signed, with client-credentials tokens (`private_key_jwt`). `dvcqg`:
 * the same two calls through the envelope (TraCuuHoSo → DongBoHoSoMC with isUpdating per
 * the lookup → CapNhatTienDoHoSoMC), with a gateway session. A step to status 6 also
 * creates the fee payment at the portal (`payments.create`, rest binding). Feedback answers
 * and owners' evaluations have no envelope service: they go in the rest binding whichever
 * binding pushes the dossiers (the portal serves both; the system has its OAuth credentials).
 */
export function clientPusher(config: AgencyConfig, signer: MessageSigner, mutant: Mutant, transport?: Dispatcher): PortalPusher & { close(): Promise<void> } {
  const dvcqg = config.binding === 'dvcqg';
  if (dvcqg && !config.dvcqg) throw new TypeError('the dvcqg binding needs DVC_DVCQG_USERNAME and DVC_DVCQG_PASSWORD');
  const via = transport ? { dispatcher: transport } : {};
  const make = (binding: 'rest' | 'dvcqg', auth: CredentialProvider) =>
    createNationalPortalClient({
      baseUrl: config.portalUrl,
      binding,
      auth,
      signer: clientSigner(signer),
      // Short in-process retries (a Retry-After up to 2 s is honoured here); the outbox retries for as long as it takes.
      // The retry-after-ignored mutant leaves every retry to the outbox, which then ignores Retry-After.
      retries: RETRY_AFTER_IGNORED(mutant) ? 0 : { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 2000 },
      timeoutMs: 15_000,
      userAgent: `dvc-reference-agency/${config.agencyCode}`,
      ...(binding === 'dvcqg' ? { dvcqg: { agencyCode: config.agencyCode, isUpdating: 'lookup' as const } } : {}),
      ...(mutant.is('events-unsigned') ? { dispatcher: withoutSignatures(transport) } : via),
    });
  // No scope asked: the portal grants what the system is registered for, and a call outside it gets its own 403.
  const oauth = () => clientCredentials({ issuer: config.portalUrl, clientId: config.clientId, privateKey: config.clientKeyPem, ...via });
  const client = dvcqg
    ? make('dvcqg', dvcqgSession({ loginUrl: `${config.portalUrl}/dvcqg/login`, username: config.dvcqg!.username, password: config.dvcqg!.password, ...via }))
    : make('rest', oauth());
  const rest = dvcqg ? make('rest', oauth()) : client;
  return {
    async push(entry) {
      try {
        await client.dossiers.upsert(entry.dossier);
        await client.dossiers.appendEvents(entry.code, [entry.step], { idempotencyKey: entry.idempotencyKey });
        const fees = (entry.dossier.DanhSachLePhi ?? []).filter((f) => f.Gia > 0);
        // Asking for the financial obligation opens the payment at the portal's gateway (rest only).
        if (entry.step.TrangThai === '6' && !dvcqg && fees.length > 0) {
          await client.payments.create(
            { MaHoSo: entry.code, DanhSachLePhi: fees, returnUrl: `${config.publicUrl}/thanh-toan/ket-qua` },
            { idempotencyKey: `${entry.idempotencyKey}:payment` },
          );
        }
        return { ok: true };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    async pushFeedbackAnswer(MaPhanAnh: string, answer: FeedbackAnswer, idempotencyKey: string): Promise<PushOutcome> {
      try {
        await rest.feedback.answer(MaPhanAnh, answer, { idempotencyKey });
        return { ok: true };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    async submitEvaluations(items: Evaluation[], idempotencyKey: string): Promise<PushOutcome> {
      try {
        await rest.evaluations.submit(items, { idempotencyKey });
        return { ok: true };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    ...(dvcqg
      ? {}
      : {
          async submitStatisticsReport(report: StatisticsReport, idempotencyKey: string): Promise<PushOutcome> {
            try {
              await client.statistics.submitReport(report, { idempotencyKey });
              return { ok: true };
            } catch (error) {
              return outcomeOf(error);
            }
          },
        }),
    close: async () => {
      await client.close();
      if (rest !== client) await rest.close();
    },
  };
}

export interface SyncOptions {
  /** How often the queue is looked at (default 200 ms). */
  pollMs?: number;
  /** First retry delay; doubles each attempt up to maxBackoffMs (default 1 000). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: string) => void;
}

/**
 * Works through the outbox: pushes each due change, oldest first per dossier; retries
 * transient failures with jittered exponential backoff (honouring Retry-After), and sets
 * aside changes the portal refuses for good (logged, kept in the outbox as failed).
 */
export class PortalSync {
  readonly #outbox: Outbox;
  readonly #store: DossierStore;
  readonly #pusher: PortalPusher;
  readonly #options: Required<Omit<SyncOptions, 'log'>> & Pick<SyncOptions, 'log'>;
  readonly #dropOnFailure: boolean;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  #feedback: FeedbackStore | undefined;
  #evaluations: EvaluationStore | undefined;

  constructor(
    outbox: Outbox,
    store: DossierStore,
    pusher: PortalPusher,
    dropOnFailure: boolean,
    options: SyncOptions & { feedback?: FeedbackStore; evaluations?: EvaluationStore } = {},
  ) {
    this.#feedback = options.feedback;
    this.#evaluations = options.evaluations;
    this.#outbox = outbox;
    this.#store = store;
    this.#pusher = pusher;
    this.#dropOnFailure = dropOnFailure;
    this.#options = { pollMs: options.pollMs ?? 200, baseBackoffMs: options.baseBackoffMs ?? 1000, maxBackoffMs: options.maxBackoffMs ?? 60_000, log: options.log };
  }

  start(): void {
    this.#stopped = false;
    this.#timer = setInterval(() => void this.runOnce(), this.#options.pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass over what is due (also what the timer calls). */
  runOnce(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(): Promise<void> {
    const due = this.#outbox.due(Date.now());
    await Promise.all([...due.map((entry) => this.#deliver(entry)), this.#deliverAnswers(), this.#deliverEvaluations()]);
  }

  /** Due evaluations go in one batch; its key names the batch's dossiers, so a resend is the same request. */
  async #deliverEvaluations(): Promise<void> {
    const evaluations = this.#evaluations;
    const send = this.#pusher.submitEvaluations?.bind(this.#pusher);
    if (!evaluations || !send) return;
    const due = evaluations.due(Date.now());
    if (due.length === 0 || this.#stopped) return;
    const codes = due.map((d) => d.evaluation.MaHoSo);
    const key = `eval:${createHash('sha256').update(codes.join(',')).digest('base64url').slice(0, 32)}`;
    const outcome: PushOutcome = await send(due.map((d) => d.evaluation), key).catch((e: unknown): PushOutcome => ({ ok: false, retryable: true, error: String(e) }));
    if (outcome.ok) evaluations.settle(codes, { state: 'delivered' });
    else if (!outcome.retryable) evaluations.settle(codes, { state: 'failed' }, outcome.error);
    else evaluations.settle(codes, { state: 'pending', dueAt: Date.now() + this.#backoff(Math.max(...due.map((d) => d.attempts)), outcome.retryAfterMs) }, outcome.error);
  }

  async #deliverAnswers(): Promise<void> {
    const feedback = this.#feedback;
    const send = this.#pusher.pushFeedbackAnswer?.bind(this.#pusher);
    if (!feedback || !send) return;
    for (const item of feedback.answersDue(Date.now())) {
      if (this.#stopped) return;
      const outcome: PushOutcome = await send(item.id, item.answer, `fbk:${item.id}`).catch((e: unknown): PushOutcome => ({ ok: false, retryable: true, error: String(e) }));
      if (outcome.ok) feedback.answerPushed(item.id, { state: 'delivered' });
      else if (!outcome.retryable) feedback.answerPushed(item.id, { state: 'failed' }, outcome.error);
      else feedback.answerPushed(item.id, { state: 'pending', dueAt: Date.now() + this.#backoff(item.attempts, outcome.retryAfterMs) }, outcome.error);
    }
  }

  #backoff(attempts: number, retryAfterMs?: number): number {
    const backoff = Math.min(this.#options.maxBackoffMs, this.#options.baseBackoffMs * 2 ** attempts);
    return Math.max(retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2));
  }

  async #deliver(entry: QueuedPush): Promise<void> {
    if (this.#stopped) return;
    let outcome: PushOutcome;
    try {
      outcome = await this.#pusher.push(entry);
    } catch (error) {
      outcome = { ok: false, retryable: true, error: `network or credential error: ${(error as Error).message}` };
    }
    if (outcome.ok) {
      this.#outbox.delivered(entry.id, Date.now());
      return;
    }
    if (outcome.retryable && this.#dropOnFailure) {
      this.#outbox.drop(entry.id, outcome.error);
      return;
    }
    if (!outcome.retryable) {
      this.#options.log?.(`push of ${entry.code} step ${entry.step.TrangThai} refused for good: ${outcome.error}`);
      this.#outbox.failed(entry.id, outcome.error);
      return;
    }
    this.#outbox.retry(entry.id, Date.now() + this.#backoff(entry.attempts, outcome.retryAfterMs), outcome.error);
  }
}
