import { createHash } from 'node:crypto';
import { clientCredentials, dvcqgSession, type CredentialProvider } from '@dvc-kit/auth';
import type { Evaluation, FeedbackAnswer, StatisticsReport } from '@dvc-kit/spec';
import { ApiError, AuthError as ClientAuthError, ClientError, createNationalPortalClient, NetworkError, TimeoutError } from '@dvc-kit/client';
import { Agent, type Dispatcher } from 'undici';
import type { AgencyConfig } from './config.js';
import type { EvaluationStore } from './evaluations.js';
import type { FeedbackStore } from './feedback.js';
import type { Mutant } from './mutants.js';
import type { MessageSigner } from './message-signature.js';
import type { Outbox, QueuedPush } from './outbox.js';
import type { Wakeup } from './wakeup.js';

/** The result of one push attempt. */
export type PushOutcome =
  | { ok: true }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number; throttled?: boolean };

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
  if (error instanceof HeldByPortal) return { ok: false, retryable: true, error: error.message, retryAfterMs: error.waitMs, throttled: true };
  if (error instanceof ApiError) {
    const transient = error.status >= 500 || error.status === 429 || error.status === 408 || error.dvcqgErrorCode === '09' || error.dvcqgErrorCode === '99';
    const detail = error.problem.detail ?? error.problem.title;
    return {
      ok: false,
      retryable: transient,
      error: `${error.request?.operationId ?? 'call'} answered ${error.dvcqgErrorCode !== undefined ? `error_code "${error.dvcqgErrorCode}"` : `HTTP ${error.status}`}${detail ? `: ${detail}` : ''}`,
      ...(error.retryAfterSeconds !== undefined ? { retryAfterMs: error.retryAfterSeconds * 1000 } : {}),
      ...(error.status === 429 ? { throttled: true } : {}),
    };
  }
  if (error instanceof ClientError && !(error instanceof NetworkError || error instanceof TimeoutError || error instanceof ClientAuthError)) {
    return { ok: false, retryable: false, error: `${error.code}: ${error.message}` };
  }
  // Network, timeout, the token endpoint or the gateway login being down: try again later.
  return { ok: false, retryable: true, error: (error as Error)?.message ?? String(error) };
}

/** A call not sent because the portal asked (429 + Retry-After) to wait; retried after `waitMs`. */
export class HeldByPortal extends Error {
  readonly waitMs: number;
  constructor(waitMs: number) {
    super(`not sent: the portal answered 429 and asked to wait ${Math.ceil(waitMs / 1000)} s more`);
    this.waitMs = waitMs;
  }
}

/**
 * After a 429, no call goes to the portal before its Retry-After has passed (DVC-RATE-002):
 * also not the next call of a push that was already under way for another dossier. The
 * retry-after-ignored mutant has no gate.
 */
function throttleGate(mutant: Mutant): <T>(call: () => Promise<T>) => Promise<T> {
  let until = 0;
  return async (call) => {
    if (mutant.is('retry-after-ignored')) return call();
    const wait = until - Date.now();
    if (wait > 0) throw new HeldByPortal(wait);
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiError && error.status === 429) until = Math.max(until, Date.now() + (error.retryAfterSeconds ?? 1) * 1000);
      throw error;
    }
  };
}

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
      // One retry layer: the outbox's, with back-off per dossier and, on a 429, every push held. Quick
      // in-process retries under it would multiply the attempts a struggling portal gets (DVC-SYNC-009).
      retries: 0,
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
  const held = throttleGate(mutant);
  return {
    async push(entry) {
      try {
        await held(() => client.dossiers.upsert(entry.dossier));
        await held(() => client.dossiers.appendEvents(entry.code, [entry.step], { idempotencyKey: entry.idempotencyKey }));
        const fees = (entry.dossier.DanhSachLePhi ?? []).filter((f) => f.Gia > 0);
        // Asking for the financial obligation opens the payment at the portal's gateway (rest only).
        if (entry.step.TrangThai === '6' && !dvcqg && fees.length > 0) {
          await held(() =>
            client.payments.create(
              { MaHoSo: entry.code, DanhSachLePhi: fees, returnUrl: `${config.publicUrl}/thanh-toan/ket-qua` },
              { idempotencyKey: `${entry.idempotencyKey}:payment` },
            ),
          );
        }
        return { ok: true };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    async pushFeedbackAnswer(MaPhanAnh: string, answer: FeedbackAnswer, idempotencyKey: string): Promise<PushOutcome> {
      try {
        await held(() => rest.feedback.answer(MaPhanAnh, answer, { idempotencyKey }));
        return { ok: true };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    async submitEvaluations(items: Evaluation[], idempotencyKey: string): Promise<PushOutcome> {
      try {
        await held(() => rest.evaluations.submit(items, { idempotencyKey }));
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
              await held(() => client.statistics.submitReport(report, { idempotencyKey }));
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
  /** The longest the queue sleeps without looking (default 5 000); wakeups and due times drive it. */
  maxSleepMs?: number;
  /** First retry delay (jittered up to 1.125×); doubles each attempt up to maxBackoffMs (default 400). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Dossiers pushed at the same time (default 16); one dossier's changes always go one at a time, in order. */
  maxInFlight?: number;
  log?: (line: string) => void;
}

/** The retry-after-ignored mutant retries a 429 this soon, whatever the portal said. */
const IGNORED_RETRY_AFTER_MS = 200;

/**
 * Works through the outbox: pushes each change as soon as it is queued (woken by the store,
 * no polling), oldest first per dossier, several dossiers at once; retries transient failures
 * with jittered exponential backoff per dossier, so one dossier's trouble does not hold up the
 * others. A 429 is the portal throttling this system on that endpoint: every dossier push
 * waits out its Retry-After. Changes the portal refuses for good are set aside (logged, kept
 * in the outbox as failed).
 */
export class PortalSync {
  readonly #outbox: Outbox;
  readonly #pusher: PortalPusher;
  readonly #options: Required<Omit<SyncOptions, 'log'>> & Pick<SyncOptions, 'log'>;
  readonly #dropOnFailure: boolean;
  readonly #mutant: Mutant | undefined;
  readonly #wakeup: Wakeup | undefined;
  readonly #feedback: FeedbackStore | undefined;
  readonly #evaluations: EvaluationStore | undefined;
  /** Dossiers with a push on the wire. */
  readonly #inFlight = new Set<string>();
  readonly #active = new Set<Promise<void>>();
  #answersBusy = false;
  #evaluationsBusy = false;
  /** Until when the portal asked (429 + Retry-After) that no dossier be pushed. */
  #pausedUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopped = true;

  constructor(
    outbox: Outbox,
    pusher: PortalPusher,
    dropOnFailure: boolean,
    options: SyncOptions & { feedback?: FeedbackStore; evaluations?: EvaluationStore; wakeup?: Wakeup; mutant?: Mutant } = {},
  ) {
    this.#feedback = options.feedback;
    this.#evaluations = options.evaluations;
    this.#wakeup = options.wakeup;
    this.#mutant = options.mutant;
    this.#outbox = outbox;
    this.#pusher = pusher;
    this.#dropOnFailure = dropOnFailure;
    this.#options = {
      maxSleepMs: options.maxSleepMs ?? 5000,
      baseBackoffMs: options.baseBackoffMs ?? 400,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      maxInFlight: options.maxInFlight ?? 16,
      log: options.log,
    };
  }

  start(): void {
    this.#stopped = false;
    this.#unsubscribe = this.#wakeup?.on(() => this.#dispatch());
    this.#dispatch();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
    await Promise.all([...this.#active]);
  }

  /** Starts what is due and waits until those pushes are settled (tests; the timer and wakeups do this on their own). */
  async runOnce(): Promise<void> {
    const stopped = this.#stopped;
    this.#stopped = false;
    try {
      this.#dispatch(false);
      await Promise.all([...this.#active]);
    } finally {
      this.#stopped = stopped;
    }
  }

  #track(work: Promise<void>, after: () => void): void {
    const p = work
      .catch((error: unknown) => this.#options.log?.(`push failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`))
      .finally(() => {
        this.#active.delete(p);
        after();
      });
    this.#active.add(p);
  }

  /** Starts every due push whose dossier is not already on the wire, then sleeps until the next due time. */
  #dispatch(reschedule = true): void {
    if (this.#stopped) return;
    const now = Date.now();
    const again = () => {
      if (reschedule) this.#dispatch();
    };
    if (now >= this.#pausedUntil) {
      const room = this.#options.maxInFlight - this.#inFlight.size;
      if (room > 0) {
        for (const entry of this.#outbox.due(now, room + this.#inFlight.size)) {
          if (this.#inFlight.has(entry.code) || this.#inFlight.size >= this.#options.maxInFlight) continue;
          this.#inFlight.add(entry.code);
          this.#track(this.#deliver(entry), () => {
            this.#inFlight.delete(entry.code);
            again();
          });
        }
      }
    }
    if (!this.#answersBusy && this.#feedback && (this.#feedback.nextPushDueAt() ?? Infinity) <= now) {
      this.#answersBusy = true;
      this.#track(this.#deliverAnswers(), () => {
        this.#answersBusy = false;
        again();
      });
    }
    if (!this.#evaluationsBusy && this.#evaluations && (this.#evaluations.nextDueAt() ?? Infinity) <= now) {
      this.#evaluationsBusy = true;
      let sent = false;
      this.#track(
        this.#deliverEvaluations().then((s) => {
          sent = s;
        }),
        () => {
          this.#evaluationsBusy = false;
          // Nothing sent (all waiting for their dossier's pushes): the pushes' completion wakes us.
          if (sent) again();
        },
      );
    }
    if (reschedule) this.#schedule(now);
  }

  /** The timer for the next due time; what is due now but busy is picked up when the busy push settles. */
  #schedule(now: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    const later = (t: number | undefined) => (t !== undefined && t > now ? t : Infinity);
    const pushes = now < this.#pausedUntil ? this.#pausedUntil : later(this.#outbox.nextDueAt());
    const next = Math.min(pushes, later(this.#feedback?.nextPushDueAt()), later(this.#evaluations?.nextDueAt()));
    const delay = Math.min(this.#options.maxSleepMs, Math.max(0, next - now));
    this.#timer = setTimeout(() => this.#dispatch(), delay);
    this.#timer.unref();
  }

  /** How long until the retry: Retry-After honoured, else jittered exponential backoff. */
  #retryIn(attempts: number, outcome: PushOutcome & { ok: false }): number {
    if (outcome.throttled && this.#mutant?.is('retry-after-ignored')) return IGNORED_RETRY_AFTER_MS;
    return this.#backoff(attempts, outcome.retryAfterMs);
  }

  /**
   * Due evaluations go in one batch; its key names the batch's dossiers, so a resend is the same
   * request. An evaluation waits until its dossier's changes have reached the portal, which
   * refuses evaluations of dossiers it does not know to be finished (DVC-EVAL-002). Answers
   * whether anything was sent.
   */
  async #deliverEvaluations(): Promise<boolean> {
    const evaluations = this.#evaluations;
    const send = this.#pusher.submitEvaluations?.bind(this.#pusher);
    if (!evaluations || !send) return false;
    const due = evaluations.due(Date.now()).filter((d) => !this.#outbox.hasPending(d.evaluation.MaHoSo));
    if (due.length === 0 || this.#stopped) return false;
    const codes = due.map((d) => d.evaluation.MaHoSo);
    const key = `eval:${createHash('sha256').update(codes.join(',')).digest('base64url').slice(0, 32)}`;
    const outcome: PushOutcome = await send(due.map((d) => d.evaluation), key).catch((e: unknown): PushOutcome => ({ ok: false, retryable: true, error: String(e) }));
    if (outcome.ok) evaluations.settle(codes, { state: 'delivered' });
    else if (!outcome.retryable) evaluations.settle(codes, { state: 'failed' }, outcome.error);
    else evaluations.settle(codes, { state: 'pending', dueAt: Date.now() + this.#retryIn(Math.max(...due.map((d) => d.attempts)), outcome) }, outcome.error);
    return true;
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
      else feedback.answerPushed(item.id, { state: 'pending', dueAt: Date.now() + this.#retryIn(item.attempts, outcome) }, outcome.error);
    }
  }

  /**
   * Retry n waits base·2ⁿ to 1.125·base·2ⁿ (capped): jittered, so dossiers that failed together
   * do not come back together, yet each wait is clearly longer than the one before (≥ 1.7×, with
   * room for a loaded machine's delays), as the standard's back-off asks (DVC-SYNC-009). Never
   * sooner than the portal's Retry-After.
   */
  #backoff(attempts: number, retryAfterMs?: number): number {
    if (this.#mutant?.is('retry-fixed-interval')) return Math.max(retryAfterMs ?? 0, this.#options.baseBackoffMs);
    const backoff = Math.min(this.#options.maxBackoffMs, this.#options.baseBackoffMs * 2 ** attempts);
    return Math.max(retryAfterMs ?? 0, Math.min(this.#options.maxBackoffMs, backoff * (1 + Math.random() / 8)));
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
    if (!outcome.retryable && !this.#mutant?.is('retry-validation-errors')) {
      this.#options.log?.(`push of ${entry.code} step ${entry.step.TrangThai} refused for good: ${outcome.error}`);
      this.#outbox.failed(entry.id, outcome.error);
      return;
    }
    const wait = this.#retryIn(entry.attempts, outcome);
    // 429: the portal throttles this system on the endpoint, so every dossier waits; other failures hold up only this dossier.
    if (outcome.throttled && !this.#mutant?.is('retry-after-ignored')) this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + wait);
    this.#outbox.retry(entry.id, Date.now() + wait, outcome.error);
  }
}
