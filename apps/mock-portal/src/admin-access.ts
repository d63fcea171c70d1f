import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { adminProblem } from './admin-problem.js';
import type { PortalRequest, PortalResponse } from './types.js';

/** Who may use the admin API (`/__admin/*`) and the dashboard of a portal served over sockets. */
export interface AdminAccessOptions {
  /**
   * Which peers: `'loopback'` (127.0.0.0/8, ::1, ::ffff:127.x) or `'any'`. Default `'loopback'`,
   * or `'any'` when a `token` is set. A server bound to a loopback address only has loopback
   * peers, so the default changes nothing there; bound to 0.0.0.0, :: or a LAN address, it
   * keeps the journal (personal data), faults, citizens and systems from other machines.
   */
  from?: 'loopback' | 'any';
  /** Every admin call must carry `Authorization: Bearer <token>`, from whichever peer. */
  token?: string;
}

// 127.0.0.0/8 and ::1; BlockList matches an IPv4-mapped IPv6 peer (::ffff:127.0.0.1) against the IPv4 subnet.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a socket peer address is on this machine's loopback (IPv4, IPv6, or IPv4-mapped IPv6). */
export function isLoopbackPeer(address: string | undefined): boolean {
  const family = address ? isIP(address) : 0;
  return family !== 0 && LOOPBACK.check(address!, family === 4 ? 'ipv4' : 'ipv6');
}

/** The paths the admin API answers: `/__admin/*` and the dashboard (it shows the journal too). */
export function isAdminPath(path: string): boolean {
  return path.startsWith('/__admin') || path.startsWith('/__dashboard');
}

function refusal(status: 401 | 403, code: string, detail: string): PortalResponse {
  return adminProblem(status, code, detail, status === 401 ? { 'www-authenticate': 'Bearer realm="dvc-mock-portal-admin"' } : {});
}

// Hashing first gives equal-length inputs, so the comparison time says nothing about the token.
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

function accessRule(options: AdminAccessOptions): { from: 'loopback' | 'any'; token: string | undefined } {
  if (options.from !== undefined && options.from !== 'loopback' && options.from !== 'any') throw new TypeError(`admin.from must be 'loopback' or 'any', got ${JSON.stringify(options.from)}`);
  if (options.token !== undefined && options.token.length === 0) throw new TypeError('admin.token must not be empty');
  return { from: options.from ?? (options.token === undefined ? 'loopback' : 'any'), token: options.token };
}

/** Who the admin API answers, in words (for the CLI's start-up line). */
export function describeAdminAccess(options: AdminAccessOptions = {}): string {
  const { from, token } = accessRule(options);
  const peers = from === 'loopback' ? 'loopback peers' : 'any peer';
  return token === undefined ? `${peers}, without a token` : `${peers} with the admin bearer token`;
}

/**
 * The check in front of the admin API: the refusal to answer (before anything is changed or
 * read), or undefined when the request may go on. Requests outside the admin paths pass.
 */
export function adminAccessGuard(options: AdminAccessOptions = {}): (req: PortalRequest) => PortalResponse | undefined {
  const { from, token } = accessRule(options);
  return (req) => {
    if (!isAdminPath(req.path)) return undefined;
    if (from === 'loopback' && !isLoopbackPeer(req.remoteAddress)) {
      return refusal(403, 'MOCK_ADMIN_FORBIDDEN', `the admin API answers loopback peers only, not ${req.remoteAddress ?? 'an unknown peer'} (admin.token / --admin-token, or admin.from 'any' / --admin-from any, open it to others)`);
    }
    if (token !== undefined) {
      const given = bearer(req.headers.authorization);
      if (given === undefined || !sameToken(given, token)) return refusal(401, 'MOCK_ADMIN_UNAUTHORIZED', 'the admin API wants Authorization: Bearer <admin token>');
    }
    return undefined;
  };
}
