import { randomUUID } from 'node:crypto';
import { clientCredentials, dvcqgSession, type Credential, type CredentialProvider } from '@dvc-kit/auth';
import type { AgencyConfig } from './config.js';
import type { DossierStore } from './dossier-store.js';
import type { MessageSigner } from './message-signature.js';
import type { Outbox, QueuedPush } from './outbox.js';

/** The result of one push attempt. */
export type PushOutcome =
  | { ok: true }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number; credentialRejected?: boolean };

/** Sends one queued change to the national portal in the configured binding. */
export interface PortalPusher {
  push(entry: QueuedPush, portalKnowsDossier: boolean): Promise<PushOutcome>;
}

interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

const TRANSIENT_DVCQG = new Set(['09', '99']);

function retryAfterMs(headers: Headers): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function httpFailure(what: string, answer: HttpAnswer): PushOutcome {
  const detail = (answer.body as { detail?: string; title?: string } | undefined)?.detail ?? (answer.body as { title?: string } | undefined)?.title ?? '';
  const error = `${what} answered HTTP ${answer.status}${detail ? `: ${detail}` : ''}`;
  const retryable = answer.status >= 500 || answer.status === 429 || answer.status === 408;
  const after = retryAfterMs(answer.headers);
  return { ok: false, retryable, error, ...(after !== undefined ? { retryAfterMs: after } : {}), ...(answer.status === 401 ? { credentialRejected: true } : {}) };
}

async function send(url: string, init: { method: string; headers: Record<string, string>; body: unknown }): Promise<HttpAnswer> {
  const res = await fetch(url, {
    method: init.method,
    headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json', ...init.headers },
    body: JSON.stringify(init.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body };
}

/** Calls `fn` with a credential; when the portal rejects it, drops it and tries once more with a new one. */
async function withCredential(provider: CredentialProvider, fn: (c: Credential) => Promise<PushOutcome>): Promise<PushOutcome> {
  let credential = await provider.getCredential();
  let outcome = await fn(credential);
  if (!outcome.ok && outcome.credentialRejected) {
    provider.invalidate(credential);
    credential = await provider.getCredential();
    outcome = await fn(credential);
  }
  return outcome;
}

/**
 * The `rest` binding: `PUT /v1/dossiers/{MaHoSo}` (upsertDossier) with the dossier as it
 * stood after the step, then `POST /v1/dossiers/{MaHoSo}/events` (appendDossierEvents)
 * with the step; both signed, the events with the entry's stable Idempotency-Key.
 */
export function restPusher(config: AgencyConfig, signer: MessageSigner, provider?: CredentialProvider): PortalPusher {
  const credentials = provider ?? clientCredentials({ issuer: config.portalUrl, clientId: config.clientId, privateKey: config.clientKeyPem, scope: 'dossiers.write' });
  return {
    push: (entry) =>
      withCredential(credentials, async (credential) => {
        if (credential.type !== 'bearer') return { ok: false, retryable: false, error: 'the rest binding needs a bearer token' };
        const auth = { authorization: `Bearer ${credential.token}` };
        const code = encodeURIComponent(entry.code);
        const dossierSignature = await signer.signBody(entry.dossier);
        const put = await send(`${config.portalUrl}/v1/dossiers/${code}`, {
          method: 'PUT',
          headers: { ...auth, 'x-request-id': randomUUID(), ...(dossierSignature ? { 'x-dvc-signature': dossierSignature } : {}) },
          body: entry.dossier,
        });
        if (put.status !== 200 && put.status !== 201) return httpFailure('upsertDossier', put);
        const events = { events: [entry.step] };
        const eventsSignature = await signer.signBody(events);
        const post = await send(`${config.portalUrl}/v1/dossiers/${code}/events`, {
          method: 'POST',
          headers: {
            ...auth,
            'idempotency-key': entry.idempotencyKey,
            'x-request-id': randomUUID(),
            ...(eventsSignature ? { 'x-dvc-signature': eventsSignature } : {}),
          },
          body: events,
        });
        if (post.status !== 201 && post.status !== 200) return httpFailure('appendDossierEvents', post);
        return { ok: true };
      }),
  };
}

interface DvcqgAnswer {
  error_code?: string | number;
  message?: string;
  result?: { MaHoSo?: string; error_code?: string; message?: string }[];
}

function dvcqgOutcome(service: string, answer: HttpAnswer): PushOutcome | undefined {
  if (answer.status !== 200) return httpFailure(service, answer);
  const body = answer.body as DvcqgAnswer | undefined;
  const code = String(body?.error_code ?? '');
  const record = body?.result?.find((r) => r && typeof r === 'object' && 'error_code' in r);
  const recordCode = record?.error_code !== undefined ? String(record.error_code) : '0';
  if ((code === '0' || code === '00') && (recordCode === '0' || recordCode === '00')) return undefined;
  const failing = code === '0' || code === '00' ? recordCode : code;
  const message = (failing === code ? body?.message : record?.message) ?? '';
  return {
    ok: false,
    retryable: TRANSIENT_DVCQG.has(failing),
    error: `${service} answered error_code "${failing}"${message ? `: ${message}` : ''}`,
    ...(failing === '01' ? { credentialRejected: true } : {}),
  };
}

/**
 * The `dvcqg` binding: log in for a session, `TraCuuHoSo` to learn whether the portal knows
 * the dossier (first push only), `DongBoHoSoMC` with `isUpdating` accordingly, then
 * `CapNhatTienDoHoSoMC` with the step. Resending a step is safe (DVC-HIST-004).
 */
export function dvcqgPusher(config: AgencyConfig, signer: MessageSigner, store: DossierStore, provider?: CredentialProvider): PortalPusher {
  if (!config.dvcqg) throw new TypeError('the dvcqg binding needs DVC_DVCQG_USERNAME and DVC_DVCQG_PASSWORD');
  const credentials = provider ?? dvcqgSession({ loginUrl: `${config.portalUrl}/dvcqg/login`, username: config.dvcqg.username, password: config.dvcqg.password });
  const url = `${config.portalUrl}/dvcqg/integration`;
  const call = async (body: Record<string, unknown>) => {
    const signature = await signer.signBody(body);
    return send(url, { method: 'POST', headers: { 'x-request-id': randomUUID(), ...(signature ? { 'x-dvc-signature': signature } : {}) }, body });
  };
  return {
    push: (entry, portalKnowsDossier) =>
      withCredential(credentials, async (credential) => {
        if (credential.type !== 'dvcqg-session') return { ok: false, retryable: false, error: 'the dvcqg binding needs a session' };
        const envelope = { session: credential.session, madonvi: config.agencyCode };
        let known = portalKnowsDossier;
        if (!known) {
          const lookup = await call({ ...envelope, service: 'TraCuuHoSo', MaHoSo: entry.code });
          const code = String((lookup.body as DvcqgAnswer | undefined)?.error_code ?? '');
          if (lookup.status === 200 && (code === '0' || code === '00')) known = true;
          else if (!(lookup.status === 200 && code === '03')) return dvcqgOutcome('TraCuuHoSo', lookup) ?? { ok: false, retryable: true, error: 'TraCuuHoSo failed' };
        }
        const upsert = await call({ ...envelope, service: 'DongBoHoSoMC', isUpdating: known ? 'True' : 'False', data: [entry.dossier] });
        const upsertFailure = dvcqgOutcome('DongBoHoSoMC', upsert);
        if (upsertFailure) return upsertFailure;
        store.markPortalKnown(entry.code);
        const steps = await call({ ...envelope, service: 'CapNhatTienDoHoSoMC', data: [entry.step] });
        return dvcqgOutcome('CapNhatTienDoHoSoMC', steps) ?? { ok: true };
      }),
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

  constructor(outbox: Outbox, store: DossierStore, pusher: PortalPusher, dropOnFailure: boolean, options: SyncOptions = {}) {
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
    await Promise.all(due.map((entry) => this.#deliver(entry)));
  }

  async #deliver(entry: QueuedPush): Promise<void> {
    if (this.#stopped) return;
    let outcome: PushOutcome;
    try {
      outcome = await this.#pusher.push(entry, this.#store.get(entry.code)?.portalKnown ?? false);
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
    const backoff = Math.min(this.#options.maxBackoffMs, this.#options.baseBackoffMs * 2 ** entry.attempts);
    const delay = Math.max(outcome.retryAfterMs ?? 0, backoff / 2 + Math.random() * (backoff / 2));
    this.#outbox.retry(entry.id, Date.now() + delay, outcome.error);
  }
}
