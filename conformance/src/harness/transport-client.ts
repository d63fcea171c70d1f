import { isIP } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from 'undici';
import { UsageError } from '../errors.js';

/** A name the run resolves itself, like curl's `--resolve host:port:addr` (port 0: any port). */
export interface ResolveRule {
  host: string;
  port: number;
  address: string;
}

export interface TransportClientOptions {
  /** Trust anchors (PEM) added to the system trust store, e.g. the run's test root CA. */
  ca?: readonly string[];
  /** Names resolved to fixed addresses instead of DNS. */
  resolve?: readonly ResolveRule[];
}

/** The fetch every check gets as `ctx.env.fetch`: undici's, bound to the run's dispatcher. */
export type SuiteFetch = (input: string | URL, init?: Parameters<typeof undiciFetch>[1]) => ReturnType<typeof undiciFetch>;

/**
 * The suite's HTTP client for one run: one undici Agent that trusts the run's CA (on top of
 * the system store) and resolves the system's public host name to where it really listens.
 */
export interface TransportClient {
  readonly dispatcher: Dispatcher;
  readonly fetch: SuiteFetch;
  /** Trust anchors in force: the system store plus the added ones (for node:tls checks). */
  readonly ca: readonly string[];
  /** Only the anchors added for this run (empty: the system store alone). */
  readonly addedCa: readonly string[];
  /** The address `host` maps to for `port`, when a rule says so. */
  resolveAddress(host: string, port: number): string | undefined;
  close(): Promise<void>;
}

/** Parses `host:port:addr` as curl writes it (`*` for any port, IPv6 addresses in brackets). */
export function parseResolveRule(text: string): ResolveRule {
  const m = /^([^:\s]+):(\d{1,5}|\*):(\[[0-9a-fA-F:.]+\]|[^:\s]+)$/.exec(text.trim());
  const address = m?.[3]?.replace(/^\[|\]$/g, '');
  if (!m || !address || isIP(address) === 0) {
    throw new UsageError(`--resolve "${text}" must be host:port:address with an IP address, e.g. dichvucong.thanhhoa.gov.vn:443:10.0.0.5`);
  }
  return { host: m[1]!.toLowerCase(), port: m[2] === '*' ? 0 : Number(m[2]), address };
}

export function createTransportClient(options: TransportClientOptions = {}): TransportClient {
  const rules = [...(options.resolve ?? [])];
  const addedCa = [...(options.ca ?? [])];
  // Node's `ca` replaces the default store: keep the public roots for real deployments.
  const ca = [...rootCertificates, ...addedCa];
  const resolveAddress = (host: string, port: number) => rules.find((r) => r.host === host.toLowerCase() && (r.port === 0 || r.port === port))?.address;
  // One secure context for the run: building one from ~150 roots on every connection cost
  // about 1.7 s of CPU per run.
  const connector = buildConnector({ secureContext: createSecureContext({ ca }) } as buildConnector.BuildOptions);
  const agent = new Agent({
    connect: (opts, callback) => {
      const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
      const address = resolveAddress(opts.hostname, port);
      // Connect to the address, but keep SNI and the certificate check on the host name.
      const target = address ? { ...opts, hostname: address, servername: opts.servername || opts.hostname } : opts;
      return connector(target, callback);
    },
  });
  return {
    dispatcher: agent,
    fetch: (input, init) => undiciFetch(input, { ...init, dispatcher: agent }),
    ca,
    addedCa,
    resolveAddress,
    close: () => agent.close(),
  };
}
