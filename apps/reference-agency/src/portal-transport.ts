import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { AgencyConfig } from './config.js';
import type { Mutant } from './mutants.js';

/** How every call to the national portal travels (DVC-TLS-002). */
export interface PortalTransport {
  /** The undici dispatcher of the portal calls; undefined: undici's default (the system CA list). */
  readonly dispatcher: Dispatcher | undefined;
  /** fetch through that dispatcher (discovery, JWKS). */
  readonly fetch: typeof globalThis.fetch;
  close(): Promise<void>;
}

/**
 * One transport for all calls to the portal: the API client's pool, the token requests, the
 * sign-on's discovery, token and userinfo requests, discovery and the JWKS. With
 * `DVC_PORTAL_CA_FILE` it trusts exactly those CAs; the host name is always verified.
 */
export function portalTransport(config: Pick<AgencyConfig, 'portalCaPem'>, mutant: Mutant): PortalTransport {
  let agent: Agent | undefined;
  if (mutant.is('tls-verification-off')) {
    // The defect: any certificate, for any host name, is accepted.
    agent = new Agent({ connect: { rejectUnauthorized: false, checkServerIdentity: () => undefined } });
  } else if (config.portalCaPem) {
    agent = new Agent({ connect: { ca: config.portalCaPem } });
  }
  const dispatcher = agent;
  const fetch = dispatcher
    ? (((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) => undiciFetch(input, { ...init, dispatcher })) as unknown as typeof globalThis.fetch)
    : globalThis.fetch.bind(globalThis);
  return {
    dispatcher,
    fetch,
    close: async () => {
      await agent?.close();
    },
  };
}
