import { generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { createTestPki, signMessage, type TestParty, type TestPki } from '@dvc-kit/signature';
import { startMockPortal, TEST_CITIZENS, type PortalTlsOptions, type FaultRule, type JournalEntry, type MockPortal, type SystemCredentials } from '@dvc-kit/mock-portal';
import type { DossierRecord, Feedback, UserInfo } from '@dvc-kit/spec';
import { SignJWT, type CryptoKey, type KeyObject } from 'jose';
import { ConformanceError } from '../errors.js';
import { fetch as undiciFetch } from 'undici';
import type { SuiteFetch } from './transport-client.js';
import { waitForChange } from './condition.js';
import type { ListenAddress } from './portal-address.js';

/** A request the system under test made to the portal, with what the portal answered. */
export interface PortalRequestRecord {
  id: number;
  at: number;
  method: string;
  path: string;
  operationId: string | undefined;
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  durationMs: number;
}

export interface SystemTokenOptions {
  scope?: string;
  /** Default: the system's client id. */
  audience?: string | string[];
  issuer?: string;
  /** Seconds from now; negative makes an expired token. Default 300. */
  expiresIn?: number;
  /** Sign with this key instead of the portal's (a key not in the JWKS). */
  foreignKey?: KeyObject;
  extraClaims?: Record<string, unknown>;
}

/** Marks the suite's own calls to its portal (counterpart checks), so they are not taken for the system's. */
export const COUNTERPART_HEADER = 'x-dvc-conformance';

export const AGENCY_SCOPES = ['agency.dossiers.write', 'agency.payments.write', 'agency.feedback.write', 'agency.statistics.read'] as const;

/**
 * The national-portal half of the suite: the mock portal, started in-process, plus what a
 * check needs to act as the portal towards the system under test (tokens signed with the
 * portal's JWKS key, message signatures with the portal's government-CA certificate) and
 * to see what the system sent to the portal.
 */
export class PortalSide {
  private constructor(
    readonly portal: MockPortal,
    readonly pki: TestPki,
    readonly credentials: SystemCredentials,
    readonly binding: 'rest' | 'dvcqg',
    private readonly ownsPki: boolean,
  ) {}

  private untrusted: Promise<TestParty> | undefined;

  /**
   * Starts the mock portal and registers the system. `pki` lets several runs share one
   * test PKI (it must serve its CRL/OCSP); by default a fresh one is made and closed with the portal.
   */
  static async start(options: {
    seed: number; agencyCode: string; callbackBaseUrl: string; binding: 'rest' | 'dvcqg'; clientId?: string; pki?: TestPki;
    /** Serve the portal over HTTPS with this certificate (a TLS run). */
    tls?: PortalTlsOptions;
    /** Where the portal listens (default 127.0.0.1, a free port). */
    listen?: ListenAddress;
    /** The URL the system is told and the portal's issuer, when it is not the server's own (--portal-url). */
    publicUrl?: string;
    /** The run's fetch (it trusts the run's CA); the registration goes through it. */
    fetch?: SuiteFetch;
  }): Promise<PortalSide> {
    let pki: TestPki | undefined = options.pki;
    let portal: MockPortal | undefined;
    try {
      // Served, so that revocation checks by the system under test get real CRL/OCSP answers.
      pki ??= await createTestPki({ serve: true });
      // The suite's registration is the only admin call over HTTP; a token the run alone knows
      // lets it through the public URL (a non-loopback peer) while other hosts stay out.
      const adminToken = randomBytes(32).toString('base64url');
      portal = await startMockPortal({
        port: options.listen?.port ?? 0,
        host: options.listen?.host ?? '127.0.0.1',
        ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
        seed: options.seed,
        pki,
        ...(options.tls ? { tls: options.tls } : {}),
        admin: { token: adminToken },
      });
      const res = await (options.fetch ?? undiciFetch)(`${portal.url}/__admin/systems`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({
          agencyCode: options.agencyCode,
          clientId: options.clientId ?? `conformance-${options.agencyCode.replace(/\./g, '')}-${randomUUID().slice(0, 8)}`,
          name: 'System under conformance test',
          callbackBaseUrl: options.callbackBaseUrl,
          // signOnCallback: the redirect URI the standard has a system register at onboarding.
          redirectUris: [`${options.callbackBaseUrl.replace(/\/+$/, '')}/dvc/callback`],
          issueCertificate: true,
        }),
      });
      const body = (await res.json()) as SystemCredentials & { detail?: string };
      if (res.status !== 201) throw new Error(`registration refused (${res.status}): ${body.detail ?? JSON.stringify(body)}`);
      const side = new PortalSide(portal, pki, body, options.binding, options.pki === undefined);
      // Made in the background while the system starts; the checks that forge tokens await it.
      side.foreignKey().catch(() => undefined);
      return side;
    } catch (error) {
      await portal?.close().catch(() => undefined);
      if (!options.pki) await pki?.close().catch(() => undefined);
      throw new ConformanceError('ERR_PORTAL_START_FAILED', `Could not start the mock national portal: ${(error as Error).message}`, { cause: error });
    }
  }

  get url(): string {
    return this.portal.url;
  }

  get clientId(): string {
    return this.credentials.clientId;
  }

  get agencyCode(): string {
    return this.credentials.agencyCode;
  }

  /** The portal's message-signing party (government CA certificate). */
  get signer(): TestParty {
    return this.portal.core.signer;
  }

  /** A bearer token as the portal issues it to call the system (aud = the system's client id). */
  async systemToken(options: SystemTokenOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const key = this.portal.core.keys.current;
    const jwt = new SignJWT({ scope: options.scope ?? AGENCY_SCOPES.join(' '), client_id: 'dvcqg-portal', ...options.extraClaims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
      .setIssuer(options.issuer ?? this.portal.url)
      .setAudience(options.audience ?? this.clientId)
      .setSubject('dvcqg-portal')
      .setIssuedAt(now - (options.expiresIn !== undefined && options.expiresIn < 0 ? 600 : 0))
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .setJti(randomUUID());
    return jwt.sign((options.foreignKey ?? key.privateKey) as CryptoKey | KeyObject);
  }

  private foreign: Promise<KeyObject> | undefined;

  /**
   * A key the portal's JWKS does not hold (to forge tokens). Made once per run, off the event
   * loop: a blocking RSA key generation stalled every running check for 0.1–0.5 s.
   */
  foreignKey(): Promise<KeyObject> {
    this.foreign ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then((pair) => pair.privateKey);
    return this.foreign;
  }

  /** A citizen's access token from the portal's sign-on (aud = the system's client id, claim SoDinhDanh). */
  citizenToken(citizen: UserInfo): Promise<string> {
    return this.portal.core.oidc.citizenAccessToken(this.clientId, citizen);
  }

  get citizens(): readonly UserInfo[] {
    return TEST_CITIZENS;
  }

  /** Adds a citizen to this portal's sign-on (full UserInfo; sub, TechID and SoDinhDanh must be new). */
  addCitizen(info: UserInfo): UserInfo {
    return this.portal.core.oidc.citizens.add(info);
  }

  /** Records a feedback item as the portal's own, before the suite forwards it (answerFeedback then finds it). */
  recordFeedback(feedback: Feedback): void {
    this.portal.store.commit({ t: 'feedback', feedback });
  }

  /** Changes a citizen's claims (by sub, TechID or SoDinhDanh); shown at the citizen's next sign-in. */
  updateCitizen(key: string, changes: Partial<UserInfo>): UserInfo {
    return this.portal.core.oidc.citizens.update(key, changes);
  }

  /** X-DVC-Signature as the portal signs its messages. */
  sign(body: unknown, party: TestParty = this.signer): Promise<string> {
    return signMessage(body, { privateKey: party.privateKey, certificates: party.chainPem });
  }

  /** A certificate from the government CA of another PKI: valid-looking but untrusted. */
  untrustedSigner(): Promise<TestParty> {
    this.untrusted ??= createTestPki({ serve: false }).then((other) =>
      other.issueEndEntity({ subject: { commonName: 'Cổng giả mạo', organization: 'Không tin cậy', country: 'VN' }, issuer: 'governmentCa' }),
    );
    return this.untrusted;
  }

  /** The requests the system under test made to the portal, oldest first. */
  requests(filter: { sinceId?: number; operationIds?: string[] } = {}): PortalRequestRecord[] {
    const journal = this.portal.journal;
    // Only the entries after sinceId are read: waits probe this after every request.
    const entries = filter.sinceId === undefined ? journal.raw() : journal.since(filter.sinceId);
    const out: PortalRequestRecord[] = [];
    for (const e of entries) {
      // One system is registered per portal, so everything but the suite's own admin calls is the system's.
      if (e.path.startsWith('/__admin') || e.requestHeaders[COUNTERPART_HEADER] !== undefined) continue;
      if (filter.operationIds && (e.operationId === undefined || !filter.operationIds.includes(e.operationId))) continue;
      out.push(toRecord(e));
    }
    return out;
  }

  /** The journal's last id (to look only at what comes after). */
  get lastRequestId(): number {
    return this.portal.journal.nextEntryId - 1;
  }

  /** What the portal holds for a dossier (as synced by the system). */
  dossier(MaHoSo: string): DossierRecord | undefined {
    return this.portal.store.dossiers.get(MaHoSo);
  }

  /**
   * Waits until `probe` returns a value: it is tried now and after each request the portal
   * answers (the store already shows its effect), never on a polling timer; undefined at the
   * deadline or on abort.
   */
  waitFor<T>(probe: () => T | undefined, timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
    return waitForChange((wake) => this.portal.journal.subscribe(wake), probe, timeoutMs, signal);
  }

  /**
   * Adds a fault rule beside the others and returns its id. With `match` it breaks only the
   * requests that carry one of its strings (a check's own dossier), so other checks run on.
   */
  addFault(rule: FaultRule): string {
    return this.portal.core.faults.add(rule).id!;
  }

  /** Removes a rule added by `addFault`; false when it was already gone. */
  removeFault(id: string): boolean {
    return this.portal.core.faults.remove(id);
  }

  async close(): Promise<void> {
    await this.portal.close();
    if (this.ownsPki) await this.pki.close();
  }
}

// Decoded once per entry: waits read the same entries again after every request.
const records = new WeakMap<JournalEntry, PortalRequestRecord>();

function toRecord(e: JournalEntry): PortalRequestRecord {
  let record = records.get(e);
  if (!record) {
    record = decodeRecord(e);
    records.set(e, record);
  }
  return record;
}

function decodeRecord(e: JournalEntry): PortalRequestRecord {
  const rawBody = e.requestBody ? Buffer.from(e.requestBody).toString('utf8') : '';
  let body: unknown;
  try {
    body = rawBody ? JSON.parse(rawBody) : undefined;
  } catch {
    body = undefined;
  }
  return {
    id: e.id,
    at: e.startedAt,
    method: e.method,
    path: e.path,
    operationId: e.operationId,
    headers: e.requestHeaders,
    body,
    rawBody,
    status: e.status,
    responseHeaders: e.responseHeaders,
    durationMs: e.durationMs,
    responseBody: typeof e.responseBody === 'string' ? e.responseBody : Buffer.from(e.responseBody).toString('utf8'),
  };
}
