import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { checkServerIdentity, connect, createSecureContext, createServer, type PeerCertificate, type SecureContext, type SecureVersion } from 'node:tls';

export interface TlsProbeOptions {
  host: string;
  port: number;
  /** Connect here instead of resolving `host` (a --resolve rule). */
  address?: string;
  /** Trust anchors for the chain check (the handshake itself does not depend on them). */
  ca?: readonly string[];
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  ciphers?: string;
  timeoutMs?: number;
}

export interface TlsPeer {
  subject: string;
  subjectAltName?: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** The chain verifies to the trust anchors. */
  chainTrusted: boolean;
  chainError?: string;
  /** The certificate is valid for the host name (RFC 6125), or why not. */
  nameError?: string;
}

export type TlsProbeResult = { ok: true; version: string; cipher: string; peer: TlsPeer } | { ok: false; code: string; message: string };

/** Codes of a client that could not even offer the versions it was asked to (not a server's answer). */
export const LOCAL_PROTOCOL_ERRORS = /NO_PROTOCOLS_AVAILABLE|UNSUPPORTED_PROTOCOL_VERSION|NO_CIPHERS_AVAILABLE|NO_SUITABLE/i;

function describe(name: Record<string, string | string[]> | undefined): string {
  return Object.entries(name ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

const NO_CA: readonly string[] = [];
const contexts = new WeakMap<readonly string[], Map<string, SecureContext>>();

/**
 * The secure context of a probe, made once per trust anchors, versions and ciphers: building
 * one from the run's roots took ≈ 20 ms of CPU, on every probe.
 */
function probeContext(o: TlsProbeOptions): SecureContext {
  const ca = o.ca ?? NO_CA;
  const key = `${o.minVersion ?? ''}|${o.maxVersion ?? ''}|${o.ciphers ?? ''}`;
  let byOptions = contexts.get(ca);
  if (!byOptions) contexts.set(ca, (byOptions = new Map()));
  let context = byOptions.get(key);
  if (!context) {
    context = createSecureContext({
      ...(o.ca ? { ca: [...o.ca] } : {}),
      ...(o.minVersion ? { minVersion: o.minVersion } : {}),
      ...(o.maxVersion ? { maxVersion: o.maxVersion } : {}),
      ...(o.ciphers ? { ciphers: o.ciphers } : {}),
    });
    byOptions.set(key, context);
  }
  return context;
}

/**
 * One TLS handshake, nothing sent after it: which version and cipher the server chose, and
 * what it presented. The chain and the name are checked but never stop the handshake, so
 * that a version probe is not confused with a certificate problem.
 */
export function tlsProbe(o: TlsProbeOptions): Promise<TlsProbeResult> {
  const servername = /^[\d.]+$|:/.test(o.host) ? undefined : o.host;
  return new Promise((resolve) => {
    const socket = connect({
      host: o.address ?? o.host,
      port: o.port,
      ...(servername ? { servername } : {}),
      secureContext: probeContext(o),
      rejectUnauthorized: false,
      // The name is checked below, apart from the chain (else `authorized` would mix the two).
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, code: 'ETIMEDOUT', message: `no TLS handshake within ${o.timeoutMs ?? 10_000} ms` });
    }, o.timeoutMs ?? 10_000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate() as PeerCertificate;
      const nameError = checkServerIdentity(o.host, cert);
      const peer: TlsPeer = {
        subject: describe(cert.subject as unknown as Record<string, string>),
        ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
        issuer: describe(cert.issuer as unknown as Record<string, string>),
        validFrom: cert.valid_from,
        validTo: cert.valid_to,
        chainTrusted: socket.authorized,
        ...(socket.authorizationError ? { chainError: String(socket.authorizationError) } : {}),
        ...(nameError ? { nameError: nameError.message } : {}),
      };
      resolve({ ok: true, version: socket.getProtocol() ?? 'unknown', cipher: socket.getCipher()?.name ?? 'unknown', peer });
      socket.end();
    });
    socket.once('error', (e: Error & { code?: string }) => {
      clearTimeout(timer);
      resolve({ ok: false, code: e.code ?? 'ERROR', message: e.message });
    });
  });
}

/**
 * Whether this machine's OpenSSL can still negotiate `version` at all: a handshake with a
 * local server that accepts it. Without that, a refused old-version handshake proves nothing.
 */
export async function canNegotiate(version: SecureVersion, credentials: { cert: string; key: string }): Promise<{ ok: true } | { ok: false; reason: string }> {
  let server;
  try {
    server = createServer({ cert: credentials.cert, key: credentials.key, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => s.end());
  } catch (error) {
    return { ok: false, reason: `this machine's OpenSSL cannot serve ${version}: ${(error as Error).message}` };
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const r = await tlsProbe({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0', timeoutMs: 5000 });
    return r.ok && r.version === version ? { ok: true } : { ok: false, reason: `this machine's OpenSSL cannot negotiate ${version} even with itself (${r.ok ? r.version : `${r.code} ${r.message}`})` };
  } finally {
    server.close();
  }
}
