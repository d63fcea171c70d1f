import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { AdminApi } from './admin.js';
import { adminAccessGuard, type AdminAccessOptions } from './admin-access.js';
import { createPortalServer, createPortalTlsServer, listen, type PortalTls, type PortalTlsOptions } from './http-server.js';
import { CitizenLog } from './persistence.js';
import { MockPortalCore, type PortalOptions } from './portal.js';
import type { PortalStore } from './store.js';
import type { Journal } from './journal.js';

export interface MockPortalOptions extends PortalOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The URL callers use, when it is not http://host:port (e.g. behind a proxy). */
  publicUrl?: string;
  /** Serve HTTPS with this certificate (the URL becomes https://host:port). */
  tls?: PortalTlsOptions;
  /**
   * Who may call `/__admin/*` and open `/__dashboard` over the network. Default: loopback
   * peers only (all there are on a loopback-bound server); with `token`, whoever sends
   * `Authorization: Bearer <token>`; `from: 'any'` opens it to every peer.
   */
  admin?: AdminAccessOptions;
}

/** A running mock portal. */
export interface MockPortal {
  url: string;
  store: PortalStore;
  journal: Journal;
  core: MockPortalCore;
  admin: AdminApi;
  server: Server | HttpsServer;
  /** With `tls`: swap the served certificate, see failed handshakes. */
  tls?: PortalTls;
  close(): Promise<void>;
}

/** Builds the portal and its admin API without a server (for the MSW and dispatcher adapters). */
export async function createMockPortal(options: PortalOptions = {}): Promise<{ core: MockPortalCore; admin: AdminApi }> {
  const core = await MockPortalCore.create(options);
  if (options.dataDir) {
    // The test citizens added or changed over the admin API are kept beside the store.
    try {
      new CitizenLog(options.dataDir, core.oidc.citizens);
    } catch (e) {
      await core.close();
      throw e;
    }
  }
  const admin = new AdminApi(core);
  core.extraRoutes = (req) => admin.handle(req);
  return { core, admin };
}

/**
 * Starts the mock national portal on a real HTTP server.
 *
 * @example
 * const portal = await startMockPortal({ port: 0, seed: 42 });
 * const creds = await (await fetch(`${portal.url}/__admin/systems`, { method: 'POST', body: JSON.stringify({ agencyCode: '000.00.00.H56' }) })).json();
 * await portal.close();
 */
export async function startMockPortal(options: MockPortalOptions = {}): Promise<MockPortal> {
  // Listen first: the portal's URL goes into its test PKI (CRL and OCSP addresses).
  let ready: MockPortalCore | undefined;
  const refuseAdmin = adminAccessGuard(options.admin);
  const handle = (req: Parameters<MockPortalCore['handle']>[0]) => {
    const refused = refuseAdmin(req);
    if (refused) return Promise.resolve(refused);
    if (!ready) return Promise.resolve({ status: 503, headers: { 'content-type': 'application/problem+json', 'retry-after': '1' }, body: '{"type":"https://dvc-kit.dev/problems/unavailable","title":"Service unavailable","status":503,"detail":"starting"}' });
    return ready.handle(req);
  };
  const secure = options.tls ? createPortalTlsServer(handle, options.tls) : undefined;
  const server = secure ? secure.server : createPortalServer(handle);
  server.keepAliveTimeout = 30_000;
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  let built: { core: MockPortalCore; admin: AdminApi };
  try {
    built = await createMockPortal({ ...options, baseUrl: options.publicUrl ?? options.baseUrl ?? url });
  } catch (e) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw e;
  }
  const { core, admin } = built;
  ready = core;
  let closed: Promise<void> | undefined;
  return {
    url: core.url,
    store: core.store,
    journal: core.journal,
    core,
    admin,
    server,
    ...(secure ? { tls: secure.tls } : {}),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => core.close())),
  };
}
