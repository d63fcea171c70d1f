import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import type { ResolveRule } from './transport-client.js';

/** An address a server binds to. */
export interface ListenAddress {
  /** An IP address; 0.0.0.0 or :: for every interface. */
  host: string;
  /** 0: any free port. */
  port: number;
}

/**
 * Where the suite's portal and its served test PKI listen, and the URLs the system under
 * test is given for them (--portal-listen, --portal-url, --pki-listen, --pki-url).
 */
export interface PortalAddress {
  listen: ListenAddress;
  /** DVC_PORTAL_URL and the portal's issuer; undefined: the portal server's own URL. */
  url?: string;
  pkiListen: ListenAddress;
  /** The PKI base URL written into certificates (CRL, OCSP); undefined: the PKI server's own URL. */
  pkiUrl?: string;
}

/** The raw option values, as the command line or the config file gives them. */
export interface PortalAddressInput {
  portalListen?: string;
  portalUrl?: string;
  pkiListen?: string;
  pkiUrl?: string;
  plainHttp?: boolean;
}

/** Today's run: everything on 127.0.0.1, free ports, the servers' own URLs. */
export const LOOPBACK_PORTAL: PortalAddress = Object.freeze({
  listen: Object.freeze({ host: '127.0.0.1', port: 0 }),
  pkiListen: Object.freeze({ host: '127.0.0.1', port: 0 }),
});

const WILDCARDS = new Set(['0.0.0.0', '::']);

function unbracket(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

function isLoopback(host: string): boolean {
  const h = unbracket(host).toLowerCase();
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** Where a client on this machine connects to reach a server bound to `host`. */
export function localAddress(host: string): string {
  return host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
}

/** Parses `<address>[:<port>]` (IPv6 in brackets when a port follows, e.g. [::]:8443). */
export function parseListen(text: string, flag: string): { host: string; port?: number } {
  const bad = () =>
    new UsageError(`--${flag} must be <IP address>[:<port>], e.g. 0.0.0.0:8443, 127.0.0.1 or [::]:8443 (no port: a free one, or the port of the URL); got "${text}".`);
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)|([0-9a-fA-F:.]*:[0-9a-fA-F:.]*))(?::(\d{1,5}))?$/.exec(text.trim());
  // A bare IPv6 address has colons of its own: it takes no port.
  const host = m?.[1] ?? m?.[2] ?? m?.[3];
  if (!m || !host || isIP(host) === 0 || (m[3] !== undefined && m[4] !== undefined)) throw bad();
  if (m[4] === undefined) return { host };
  const port = Number(m[4]);
  if (port < 1 || port > 65535) throw bad();
  return { host, port };
}

/** Parses an origin URL (scheme, host, optional port; no path, query or credentials). */
export function parseOriginUrl(text: string, flag: string, protocol: 'http:' | 'https:', example: string, why: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname || url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError(`--${flag} must be an http(s) URL naming only a host and port, e.g. ${example}; got "${text}".`);
  }
  if (url.protocol !== protocol) throw new UsageError(`--${flag} must be an ${protocol}// URL (${why}); got "${text}".`);
  return url;
}

function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

/**
 * Whether a system told `url` can reach a server bound to `host`, as far as this machine can
 * tell: a loopback binding is reachable at its own address only (and localhost at the usual two).
 */
function reachable(host: string, url: URL): boolean {
  if (WILDCARDS.has(host)) return true;
  const named = unbracket(url.hostname).toLowerCase();
  if (isLoopback(host)) return named === host || (named === 'localhost' && (host === '127.0.0.1' || host === '::1'));
  return !isLoopback(named);
}

function checkReachable(listen: ListenAddress, url: URL, listenFlag: string, urlFlag: string, example: string): void {
  if (reachable(listen.host, url)) return;
  const where = isLoopback(listen.host) ? `${listen.host}, a loopback address` : listen.host;
  throw new UsageError(`--${urlFlag} ${url.origin} cannot reach a server bound to ${where}: bind it where the system can reach it, e.g. --${listenFlag} ${example}.`);
}

/**
 * Resolves and validates the four options into where the portal and the PKI listen and what
 * the system is told. Ports follow the URLs: the portal listens on its URL's port and the
 * PKI on the next one (e.g. 8443 and 8444), unless the listen options give their own.
 */
export function resolvePortalAddress(input: PortalAddressInput): PortalAddress {
  if (!input.portalListen && !input.portalUrl && !input.pkiListen && !input.pkiUrl) return LOOPBACK_PORTAL;
  const protocol = input.plainHttp ? 'http:' : 'https:';
  const url = input.portalUrl === undefined
    ? undefined
    : parseOriginUrl(input.portalUrl, 'portal-url', protocol, 'https://conformance.example.gov.vn:8443', input.plainHttp ? 'the run uses --plain-http' : 'the portal serves HTTPS; with --plain-http, http://');
  const portalListen = input.portalListen === undefined ? undefined : parseListen(input.portalListen, 'portal-listen');
  const listen: ListenAddress = { host: portalListen?.host ?? '127.0.0.1', port: portalListen?.port ?? (url ? portOf(url) : 0) };
  if (url) checkReachable(listen, url, 'portal-listen', 'portal-url', `0.0.0.0:${portOf(url)}`);
  else if (WILDCARDS.has(listen.host)) {
    throw new UsageError(`--portal-listen ${input.portalListen} binds every interface, but the system needs one address to call: add --portal-url https://<host the system reaches>:<port>.`);
  }

  const explicitPkiUrl = input.pkiUrl === undefined ? undefined : parseOriginUrl(input.pkiUrl, 'pki-url', 'http:', 'http://conformance.example.gov.vn:8444', 'the test PKI serves CRLs and OCSP over plain HTTP, as CAs do');
  const pkiListenInput = input.pkiListen === undefined ? undefined : parseListen(input.pkiListen, 'pki-listen');
  const pkiHost = pkiListenInput?.host ?? listen.host;
  const derivedPort = explicitPkiUrl ? portOf(explicitPkiUrl) : url ? listen.port + 1 : 0;
  if (derivedPort > 65535) throw new UsageError(`The test PKI would listen on port ${derivedPort} (the portal's + 1): give it a port with --pki-listen <address>:<port>.`);
  const pkiListen: ListenAddress = { host: pkiHost, port: pkiListenInput?.port ?? derivedPort };
  // By default the PKI is named like the portal: one name for the vendor to reach, one firewall rule more.
  const pkiUrl = explicitPkiUrl ?? (url ? new URL(`http://${url.hostname}:${pkiListen.port}`) : undefined);
  if (pkiUrl) checkReachable(pkiListen, pkiUrl, 'pki-listen', 'pki-url', `0.0.0.0:${portOf(pkiUrl)}`);
  else if (WILDCARDS.has(pkiListen.host)) {
    throw new UsageError(`--pki-listen ${input.pkiListen} binds every interface, but the certificates need one URL for it: add --pki-url http://<host the system reaches>:<port>.`);
  }
  return { listen, ...(url ? { url: url.origin } : {}), pkiListen, ...(pkiUrl ? { pkiUrl: pkiUrl.origin } : {}) };
}

/** Names of the portal's TLS certificate: loopback, the address it is bound to, and the host of its public URL. */
export function portalCertificateNames(address: PortalAddress): { dns: string[]; ip: string[] } {
  const hosts = ['localhost', '127.0.0.1', '::1', ...(WILDCARDS.has(address.listen.host) ? [] : [address.listen.host])];
  if (address.url) hosts.push(unbracket(new URL(address.url).hostname));
  const unique = [...new Set(hosts.map((h) => h.toLowerCase()))];
  return { dns: unique.filter((h) => isIP(h) === 0), ip: unique.filter((h) => isIP(h) !== 0) };
}

/**
 * The suite calls its own portal at the public URL too (registration, counterpart checks).
 * A public host name need not resolve on the suite's machine, or may resolve to an address
 * only the outside reaches: take it to where the portal listens, like curl --resolve. A URL
 * on another port (a port forward in front) is called as it is.
 */
export function portalResolveRules(address: PortalAddress): ResolveRule[] {
  if (!address.url) return [];
  const url = new URL(address.url);
  if (isIP(unbracket(url.hostname)) !== 0 || portOf(url) !== address.listen.port) return [];
  return [{ host: url.hostname.toLowerCase(), port: address.listen.port, address: localAddress(address.listen.host) }];
}
