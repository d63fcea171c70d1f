import type { ProblemError } from '@dvc-kit/spec';
import { validateResponse, type OperationId } from '@dvc-kit/validators';
import { redactJson, redactHeaders } from './redaction.js';

/** One request and its answer, as the journal keeps it (raw; redacted when read). */
export interface JournalEntry {
  id: number;
  requestId: string;
  startedAt: number;
  durationMs: number;
  method: string;
  path: string;
  /** Kept as received; turned into a string when the entry is read. */
  query: URLSearchParams | string;
  operationId: string | undefined;
  clientId: string | undefined;
  requestHeaders: Record<string, string>;
  requestBody: Uint8Array | undefined;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string | Uint8Array;
  /** The request's validation verdict: undefined when it was not validated (unknown route, admin). */
  valid: boolean | undefined;
  errors: ProblemError[];
  fault: string | undefined;
}

/** What the admin API shows: secrets and personal data redacted. */
export interface JournalView {
  id: number;
  requestId: string;
  startedAt: string;
  durationMs: number;
  method: string;
  path: string;
  query: string;
  operationId: string | null;
  clientId: string | null;
  status: number;
  valid: boolean | null;
  errors: ProblemError[];
  fault: string | null;
  /** The answer checked against the document (`@dvc-kit/validators`): null when not checkable. */
  responseValid: boolean | null;
  responseErrors: ProblemError[];
  request: { headers: Record<string, string>; body: unknown };
  response: { headers: Record<string, string>; body: unknown };
}

export interface JournalQuery {
  operationId?: string | undefined;
  clientId?: string | undefined;
  status?: number | undefined;
  invalid?: boolean | undefined;
  sinceId?: number | undefined;
  limit?: number | undefined;
}

function decodeBody(body: string | Uint8Array | undefined, contentType: string | undefined): unknown {
  if (body === undefined || body.length === 0) return null;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (contentType?.includes('json')) {
    try {
      return redactJson(JSON.parse(text));
    } catch {
      return `[${text.length} bytes, not JSON]`;
    }
  }
  if (contentType?.includes('x-www-form-urlencoded')) {
    const form: Record<string, string> = Object.fromEntries(new URLSearchParams(text));
    if (form.code !== undefined) form.code = '[redacted]';
    return redactJson(form);
  }
  return text.length > 2000 ? `[${text.length} characters]` : text;
}

/** A bounded in-memory journal of every request the portal answered. */
export class Journal {
  // A ring buffer: adding is O(1) however full the journal is.
  private ring: (JournalEntry | undefined)[];
  private head = 0;
  private count = 0;
  private nextId = 1;

  constructor(private readonly capacity = 5000) {
    this.ring = new Array<JournalEntry | undefined>(capacity);
  }

  private readonly listeners = new Set<(entry: JournalEntry) => void>();

  add(entry: Omit<JournalEntry, 'id'>): JournalEntry {
    const full = entry as JournalEntry;
    full.id = this.nextId++;
    this.ring[(this.head + this.count) % this.capacity] = full;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch {
        // A listener's failure is its own: the request is answered and journaled regardless.
      }
    }
    return full;
  }

  /**
   * Calls `listener` with each entry as it is added (after the request was handled, so the
   * store already shows its effect). Returns the function that unsubscribes it.
   */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The id the next entry gets: entries after this point have ids ≥ it. */
  get nextEntryId(): number {
    return this.nextId;
  }

  /** The entries with an id above `id`, oldest first, without copying the older ones. */
  since(id: number): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = this.count - 1; i >= 0; i--) {
      const e = this.ring[(this.head + i) % this.capacity]!;
      if (e.id <= id) break;
      out.push(e);
    }
    return out.reverse();
  }

  clear(): void {
    this.ring = new Array<JournalEntry | undefined>(this.capacity);
    this.head = 0;
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  /** The entries, oldest first. */
  raw(): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.ring[(this.head + i) % this.capacity]!);
    return out;
  }

  query(q: JournalQuery = {}): JournalView[] {
    let list = this.raw().filter(
      (e) =>
        (q.operationId === undefined || e.operationId === q.operationId) &&
        (q.clientId === undefined || e.clientId === q.clientId) &&
        (q.status === undefined || e.status === q.status) &&
        (q.invalid === undefined || (e.valid === false) === q.invalid) &&
        (q.sinceId === undefined || e.id > q.sinceId),
    );
    if (q.limit !== undefined) list = list.slice(-q.limit);
    return list.map(view);
  }
}

function checkResponse(e: JournalEntry): { valid: boolean | null; errors: ProblemError[] } {
  if (!e.operationId || e.status === 0 || e.fault) return { valid: null, errors: [] };
  const contentType = e.responseHeaders['content-type'] ?? '';
  let body: unknown;
  if (contentType.includes('json')) {
    try {
      body = JSON.parse(typeof e.responseBody === 'string' ? e.responseBody : Buffer.from(e.responseBody).toString('utf8'));
    } catch {
      return { valid: false, errors: [{ pointer: '', code: 'json', message: { en: 'the answer is not JSON', vi: 'Phản hồi không phải JSON' } }] };
    }
  } else if (e.responseBody.length > 0) {
    body = typeof e.responseBody === 'string' ? e.responseBody : Buffer.from(e.responseBody).toString('utf8');
  }
  try {
    const result = validateResponse(e.operationId as OperationId, e.status, { headers: e.responseHeaders, body });
    return result.ok ? { valid: true, errors: [] } : { valid: false, errors: result.errors };
  } catch {
    return { valid: null, errors: [] };
  }
}

export function view(e: JournalEntry): JournalView {
  const response = checkResponse(e);
  return {
    id: e.id,
    requestId: e.requestId,
    startedAt: new Date(e.startedAt).toISOString(),
    durationMs: e.durationMs,
    method: e.method,
    path: e.path,
    query: e.query.toString(),
    operationId: e.operationId ?? null,
    clientId: e.clientId ?? null,
    status: e.status,
    valid: e.valid ?? null,
    errors: e.errors,
    fault: e.fault ?? null,
    responseValid: response.valid,
    responseErrors: response.errors,
    request: { headers: redactHeaders(e.requestHeaders), body: decodeBody(e.requestBody, e.requestHeaders['content-type']) },
    response: { headers: redactHeaders(e.responseHeaders), body: decodeBody(e.responseBody, e.responseHeaders['content-type']) },
  };
}
