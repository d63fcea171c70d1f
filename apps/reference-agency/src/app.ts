import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { receiveDossier } from './reception.js';
import { notifyPayment, submitSupplement, withdrawDossier } from './citizen-requests.js';
import type { AgencyConfig } from './config.js';
import { metaValue, openDatabase, type Db } from './database.js';
import { AccountStore } from './accounts.js';
import { CitizenSignOnFlow } from './citizen-sign-on.js';
import { openDeepLink, signOnCallback, submissionForm } from './deep-link.js';
import { DossierStore } from './dossier-store.js';
import { EvaluationStore, evaluateDossier, evaluationForm, submitEvaluation } from './evaluations.js';
import { listMyDossiers } from './my-dossiers.js';
import { Wakeup } from './wakeup.js';
import { FeedbackStore, receiveFeedback } from './feedback.js';
import { createListener, Router, type Reply, type RequestContext } from './http.js';
import { IdempotencyStore } from './idempotency.js';
import { lookupDossier, lookupDossierPublic } from './lookup.js';
import { MessageSigner } from './message-signature.js';
import { Officials } from './officials.js';
import { Outbox } from './outbox.js';
import { PortalDiscovery } from './portal-discovery.js';
import { portalTransport } from './portal-transport.js';
import { clientPusher, PortalSync, type PortalPusher, type SyncOptions } from './portal-sync.js';
import { PortalTokenVerifier } from './portal-token.js';
import { MonthlyReports } from './monthly-report.js';
import { listOfferedProcedures } from './procedures-api.js';
import { RateLimiter } from './rate-limit.js';
import type { AgencyServices } from './services.js';
import { getStatistics } from './statistics.js';
import { toVietnamIso } from './vietnam-time.js';

export const VERSION = '0.1.0';

export interface StartOptions {
  /** Where log lines go (default: none). */
  log?: (line: string) => void;
  /** Replace the binding's pusher (tests of failure handling). */
  pusher?: PortalPusher;
  sync?: SyncOptions;
}

/** A running reference agency system. */
export interface ReferenceAgency {
  /** The base URL it listens on. */
  readonly url: string;
  readonly services: AgencyServices;
  readonly sync: PortalSync;
  /** Monthly statistics reports to the portal (rest binding; undefined in dvcqg). */
  readonly reports: MonthlyReports | undefined;
  close(): Promise<void>;
}

function health(services: AgencyServices, db: Db) {
  return async (): Promise<Reply> => {
    const checks: Record<string, 'ok' | 'failing'> = {};
    try {
      db.prepare('SELECT 1').get();
      checks.database = 'ok';
    } catch {
      checks.database = 'failing';
    }
    try {
      await services.discovery.get();
      checks.portal = 'ok';
    } catch {
      checks.portal = 'failing';
    }
    const status = checks.database !== 'ok' ? 'unavailable' : checks.portal !== 'ok' ? 'degraded' : 'ok';
    return { status: status === 'unavailable' ? 503 : 200, headers: { 'cache-control': 'no-store' }, body: { status, version: VERSION, time: toVietnamIso(new Date()), checks } };
  };
}

function routes(services: AgencyServices, db: Db): Router {
  const h = (fn: (s: AgencyServices, ctx: RequestContext) => Promise<Reply> | Reply) => (ctx: RequestContext) => fn(services, ctx);
  return new Router()
    .add('POST', '/v1/dossiers', h(receiveDossier))
    .add('GET', '/v1/public/dossiers/{MaHoSo}', h(lookupDossierPublic))
    .add('GET', '/v1/dossiers/{MaHoSo}', h(lookupDossier))
    .add('POST', '/v1/dossiers/{MaHoSo}/supplements', h(submitSupplement))
    .add('POST', '/v1/dossiers/{MaHoSo}/withdrawal', h(withdrawDossier))
    .add('POST', '/v1/payment-notifications', h(notifyPayment))
    .add('POST', '/v1/feedback', h(receiveFeedback))
    .add('GET', '/v1/statistics', h(getStatistics))
    .add('GET', '/v1/procedures', h(listOfferedProcedures))
    .add('GET', '/health', health(services, db))
    .add('GET', '/dvc', h(openDeepLink))
    .add('GET', '/dvc/callback', h(signOnCallback))
    .add('GET', '/nop-ho-so/{MaTTHC}', h(submissionForm))
    .add('GET', '/v1/me/dossiers', h(listMyDossiers))
    .add('PUT', '/v1/me/dossiers/{MaHoSo}/evaluation', h(evaluateDossier))
    .add('GET', '/danh-gia/{MaHoSo}', h(evaluationForm))
    .add('POST', '/danh-gia/{MaHoSo}', h(submitEvaluation));
}

/**
 * Opens the database in `config.dataDir`, starts the HTTP server, the officials' schedule
 * and the push queue to the national portal.
 *
 * @example
 * const agency = await startReferenceAgency(loadConfig());
 * console.log(`listening on ${agency.url}`);
 */
export async function startReferenceAgency(given: AgencyConfig, options: StartOptions = {}): Promise<ReferenceAgency> {
  // A copy: publicUrl may follow the port actually bound (PORT=0).
  const config: AgencyConfig = { ...given };
  const db = openDatabase(config.dataDir);
  const mutant = config.mutant;
  const installId = metaValue(db, 'install-id', () => randomUUID());
  const secret = Buffer.from(metaValue(db, 'secret', () => randomBytes(32).toString('base64')), 'base64');
  const wakeup = new Wakeup();
  const store = new DossierStore(db, { mutant, installId, wakeup });
  const outbox = new Outbox(db);
  const transport = portalTransport(config, mutant);
  const discovery = new PortalDiscovery(config.portalUrl, transport.fetch);
  const signer = new MessageSigner({ privateKeyPem: config.clientKeyPem, certificates: config.clientCertificates, trustAnchors: config.trustAnchors, revocation: config.revocationMode, revocationCacheMs: config.revocationCacheMs, mutant });
  const feedback = new FeedbackStore(db, { mutant, wakeup });
  const officials = new Officials(store, { agencyCode: config.agencyCode, intervalMs: config.stepIntervalMs, supplementDeadlineMs: config.supplementDeadlineMs, mutant, feedback, wakeup, ...(options.log ? { log: options.log } : {}) });
  const evaluations = new EvaluationStore(db, { mutant, wakeup });
  const services: AgencyServices = {
    config,
    mutant,
    store,
    outbox,
    feedback,
    evaluations,
    idempotency: new IdempotencyStore(db, mutant),
    tokens: new PortalTokenVerifier(discovery, config.clientId, mutant),
    signer,
    officials,
    discovery,
    publicLookups: new RateLimiter(config.publicLookupsPerMinute),
    signOn: new CitizenSignOnFlow(config, secret, transport.dispatcher),
    accounts: new AccountStore(db, mutant),
    secret,
    version: VERSION,
  };
  const client = options.pusher ? undefined : clientPusher(config, signer, mutant, transport.dispatcher);
  const pusher = options.pusher ?? client!;
  const sync = new PortalSync(outbox, pusher, mutant.is('push-dropped-on-failure'), { ...options.sync, feedback, evaluations, wakeup, mutant, ...(options.log ? { log: options.log } : {}) });
  const listener = createListener(routes(services, db), { mutant, ...(options.log ? { log: options.log } : {}) });
  // DVC-TLS-001: with a certificate, HTTPS only, TLS 1.2 or later (the mutant also speaks 1.0 and 1.1, whose ciphers need security level 0).
  const oldTls = mutant.is('tls-old-versions');
  const server: Server = config.tls
    ? createHttpsServer({ cert: config.tls.certificatePem, key: config.tls.keyPem, minVersion: oldTls ? 'TLSv1' : 'TLSv1.2', ...(oldTls ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}) }, listener)
    : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = config.tls ? 'https' : 'http';
  if (!config.publicUrlGiven) config.publicUrl = `${scheme}://${host}:${address.port}`;
  const submit = pusher.submitStatisticsReport?.bind(pusher);
  const reports = submit ? new MonthlyReports(db, store, config.agencyCode, submit, options.log) : undefined;
  officials.start();
  sync.start();
  reports?.start();
  let closed = false;
  return {
    url: `${scheme}://${host}:${address.port}`,
    services,
    sync,
    reports,
    async close() {
      if (closed) return;
      closed = true;
      officials.stop();
      await sync.stop();
      await reports?.stop();
      await client?.close();
      await transport.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
