import { createTestPki, type TestParty } from '@dvc-kit/signature';
import type { HttpResponse } from '../evidence.js';
import { TargetUnreachableError } from '../errors.js';
import { waitForChange } from '../harness/condition.js';
import { PUBLIC_HOST_PATTERN } from '../harness/public-host.js';
import { canNegotiate, LOCAL_PROTOCOL_ERRORS, tlsProbe, type TlsProbeResult } from '../harness/tls-probe.js';
import { leaksInternals } from './contract.js';
import { asPortal, check, newSubmission, pickProcedure, portalRecord, type Check, type Ctx } from './support.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** --plain-http against a loopback target: the one case where transport security is not checked. */
function skipPlainLoopback(ctx: Ctx): void {
  const url = new URL(ctx.env.target);
  if (ctx.env.tls.mode === 'plain-http' && url.protocol === 'http:' && LOOPBACK.has(url.hostname)) {
    ctx.skip('the run uses --plain-http against a loopback target: transport security is not checked (run without --plain-http to verify it)');
  }
}

/** Where a TLS handshake to the target goes: its host and port, and the address a --resolve rule gives. */
function endpoint(ctx: Ctx): { host: string; port: number; address?: string } {
  const url = new URL(ctx.env.target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const address = ctx.env.transport.resolveAddress(host, port);
  return { host, port, ...(address ? { address } : {}) };
}

function shown(r: TlsProbeResult): string {
  return r.ok ? `${r.version} (${r.cipher})` : `refused: ${r.code} ${r.message}`.slice(0, 200);
}

/** The certificate of the local server the OpenSSL self-test talks to (made once per process). */
let selfTestCredentials: Promise<TestParty> | undefined;

/** Whether a plain-HTTP answer is a refusal or a redirect to HTTPS (DVC-TLS-001's exception). */
function refusesPlain(res: HttpResponse | undefined): boolean {
  if (!res) return true;
  if ([301, 302, 307, 308].includes(res.status)) return /^https:\/\//i.test(res.headers.location ?? '');
  return res.status >= 400 && res.status < 500;
}

async function plainHttp(ctx: Ctx, url: string, label: string): Promise<HttpResponse | undefined> {
  try {
    return await ctx.send({ url, label, timeoutMs: 5000 });
  } catch (error) {
    if (error instanceof TargetUnreachableError) {
      ctx.note(`${label}: no answer (${(error.cause as Error | undefined)?.message ?? error.message})`);
      return undefined;
    }
    throw error;
  }
}

/** Pushes of the system to the portal since `at` (what DVC-TLS-002 requires none of while the certificate is wrong). */
function systemRequestsSince(ctx: Ctx, sinceId: number, at: number) {
  return ctx.env.portal.requests({ sinceId }).filter((r) => r.at >= at);
}

/** A certificate the system must refuse, and how the report names it. */
interface WrongCertificate {
  cert: string[];
  key: string;
  what: string;
}

/** A dossier received and pushed with the portal serving its own certificate (keys fetched, connections open). */
async function warmUp(ctx: Ctx, procedure: Awaited<ReturnType<typeof pickProcedure>>): Promise<void> {
  const warmAt = Date.now();
  // Not this requirement's business if it fails: the check cannot go on, it does not fail.
  const warm = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: newSubmission(ctx, { procedure }), label: 'receiveDossier (warm-up, portal serving its own certificate)' });
  const warmCode = (warm.json as { MaHoSo?: string } | undefined)?.MaHoSo;
  if (warm.status !== 201 || typeof warmCode !== 'string') ctx.inconclusive(`the system did not receive the warm-up dossier (${warm.status} ${warm.text.slice(0, 160)})`);
  const warmed = await portalRecord(ctx, warmCode, () => true);
  ctx.note(`warm-up dossier ${warmCode}: ${warmed ? `at the portal after ${Date.now() - warmAt} ms` : 'not at the portal'}`);
  if (!warmed) ctx.inconclusive(`the system did not push dossier ${warmCode} to the portal with its own certificate, so a refusal under a wrong one would prove nothing`);
}

/**
 * One round of DVC-TLS-002: the portal starts serving `wrong`, a dossier is submitted, and the
 * system must abort its handshakes. Answers the dossier's code and when the round began.
 */
async function heldBack(ctx: Ctx, wrong: WrongCertificate, procedure: Awaited<ReturnType<typeof pickProcedure>>): Promise<{ MaHoSo: string; from: number }> {
  const tls = ctx.env.portal.portal.tls!;
  const sinceId = ctx.env.portal.lastRequestId;
  const failuresBefore = tls.handshakeFailures.length;
  const from = Date.now();
  // Also closes every open connection: the system's next request must shake hands with this certificate.
  tls.setCertificate(wrong);
  const submitted = await asPortal(ctx, { method: 'POST', path: '/v1/dossiers', body: newSubmission(ctx, { procedure }), label: `receiveDossier while the portal serves ${wrong.what}` });
  const MaHoSo = (submitted.json as { MaHoSo?: string } | undefined)?.MaHoSo;
  ctx.note(`receiveDossier while serving ${wrong.what}: ${submitted.status} after ${Math.round(submitted.durationMs)} ms`);
  if (submitted.status !== 201 || typeof MaHoSo !== 'string') {
    ctx.inconclusive(`the system did not receive a dossier while the portal served ${wrong.what} (${submitted.status} ${submitted.text.slice(0, 160)}), so there was nothing to push`);
  }
  const deadline = ctx.env.timing.syncDeadlineMs;
  // Whichever comes first: an aborted handshake (the TLS server's record, not the journal) or a request that got through.
  const first = await waitForChange(
    (wake) => {
      const offTls = tls.subscribe(wake);
      const offJournal = ctx.env.portal.portal.journal.subscribe(wake);
      return () => {
        offTls();
        offJournal();
      };
    },
    () => (tls.handshakeFailures.length > failuresBefore || systemRequestsSince(ctx, sinceId, from).length > 0 ? true : undefined),
    deadline,
    ctx.signal,
  );
  const aborted = first && tls.handshakeFailures.length > failuresBefore ? tls.handshakeFailures.slice(failuresBefore) : undefined;
  ctx.note(`serving ${wrong.what}: ${aborted ? `first aborted handshake after ${aborted[0]!.at - from} ms` : 'no aborted handshake'}`);
  ctx.verify(aborted !== undefined, {
    message: `The system aborts its TLS handshakes with a portal serving ${wrong.what}`,
    expected: 'a handshake the portal saw fail or end before any request',
    found: aborted
      ? aborted.map((f) => `${f.kind} from port ${f.remotePort ?? '?'}: ${f.reason}`).slice(0, 3).join('; ')
      : first
        ? 'no aborted handshake: the system completed its handshakes and sent requests'
        : `no connection attempt within ${deadline} ms`,
  });
  return { MaHoSo, from };
}

/**
 * DVC-TLS-002 over every wrong certificate in turn, back to back: no request of the system may
 * reach the portal in the whole time, and once the portal's own certificate is back the last
 * held-back push must arrive (queued, not dropped). The earlier rounds' pushes are not waited
 * for: each extra failed attempt doubles a system's back-off, and one arrival shows the queue.
 */
async function refusedWhileServed(ctx: Ctx, wrongs: WrongCertificate[]): Promise<void> {
  const procedure = await pickProcedure(ctx);
  // Warm up first: a system that reads the portal's keys on demand must have them before the portal turns strange.
  await warmUp(ctx, procedure);
  const tls = ctx.env.portal.portal.tls!;
  const own = ctx.env.tls.portalCertificate!;
  const sinceId = ctx.env.portal.lastRequestId;
  const rounds: { what: string; MaHoSo: string; from: number }[] = [];
  const start = Date.now();
  try {
    for (const wrong of wrongs) rounds.push({ what: wrong.what, ...(await heldBack(ctx, wrong, procedure)) });
    // A moment more, so that a request sent despite the certificate would be in the journal.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    tls.setCertificate({ cert: own.chainPem, key: own.privateKeyPem });
  }
  const restoredAt = Date.now();
  const servedAt = (at: number) => [...rounds].reverse().find((r) => r.from <= at)?.what ?? wrongs[0]!.what;
  const sent = systemRequestsSince(ctx, sinceId, start).filter((r) => r.at < restoredAt);
  const reached = rounds.filter((r) => ctx.env.portal.dossier(r.MaHoSo) !== undefined).map((r) => r.MaHoSo);
  // The portal is itself again: the other checks may start while the held-back push is awaited.
  ctx.release();
  ctx.verify(sent.length === 0, {
    message: `No request of the system reaches the portal while it serves ${wrongs.map((w) => w.what).join('; ')}`,
    expected: 'no request in the portal journal',
    found: sent.length === 0 ? 'none' : sent.map((r) => `${r.method} ${r.path} → ${r.status} while serving ${servedAt(r.at)}`).slice(0, 5).join('; '),
    evidence: sent.slice(0, 3).map((r) => ctx.observe({ label: `sent to a portal serving ${servedAt(r.at)}`, method: r.method, url: `${ctx.env.portal.url}${r.path}`, requestHeaders: r.headers, requestBody: r.rawBody, status: r.status, responseHeaders: r.responseHeaders, responseBody: r.responseBody, at: r.at })),
  });
  for (const r of rounds) {
    ctx.verify(!reached.includes(r.MaHoSo), { message: `Dossier ${r.MaHoSo} did not reach the portal while it served ${r.what}`, expected: 'not at the portal', found: 'at the portal' });
  }
  const last = rounds[rounds.length - 1];
  if (!last) return;
  const arrived = await portalRecord(ctx, last.MaHoSo, () => true);
  ctx.note(`own certificate back: dossier ${last.MaHoSo} ${arrived ? `arrived after ${Date.now() - restoredAt} ms` : 'did not arrive'}`);
  ctx.verify(arrived !== undefined, {
    message: `Once the portal serves its own certificate again, the push of ${last.MaHoSo} that was held back arrives (it was queued, not dropped)`,
    expected: `dossier ${last.MaHoSo} at the portal within ${ctx.env.timing.syncDeadlineMs} ms`,
    found: arrived ? `status ${arrived.dossier.TrangThaiHoSo}` : 'not at the portal',
  });
}

export const transportChecks: Check[] = [
  check({
    id: 'transport.health',
    title: 'The health endpoint answers 200 without authentication and reveals no internals',
    area: 'transport',
    requirements: ['DVC-TLS-004'],
    run: async (ctx: Ctx) => {
      const res = await ctx.send({ url: `${ctx.env.target}/health`, label: 'getHealth' });
      ctx.verify(res.status === 200, { message: 'GET /health answers 200 when ready', expected: 200, found: res.status, response: res });
      const b = res.json as Record<string, unknown> | undefined;
      ctx.verify(!!b && ['ok', 'degraded'].includes(String(b.status)) && typeof b.version === 'string' && typeof b.time === 'string', { message: 'The answer is { status, version, time }', expected: '{ status: ok, version, time }', found: res.text.slice(0, 200), response: res });
      ctx.verify(leaksInternals(res) === undefined && !/(password|secret|postgres:|mysql:|file:)/i.test(res.text), { message: 'The health answer reveals no internal details', expected: 'no paths, secrets or connection strings', found: leaksInternals(res) ?? 'none', response: res });
    },
  }),
  check({
    id: 'transport.tls-versions',
    title: 'The system speaks HTTPS only, with TLS 1.2 or later: TLS 1.0 and 1.1 handshakes and plain HTTP are refused',
    area: 'transport',
    requirements: ['DVC-TLS-001'],
    run: async (ctx: Ctx) => {
      skipPlainLoopback(ctx);
      const url = new URL(ctx.env.target);
      ctx.require(url.protocol === 'https:', { message: 'The system is reached over HTTPS', expected: 'https://', found: ctx.env.target });
      const { host, port, address } = endpoint(ctx);
      const probe = (v: { minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'; maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'; ciphers?: string }) =>
        tlsProbe({ host, port, ...(address ? { address } : {}), ca: ctx.env.transport.ca, ...v });
      const v12 = await probe({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
      ctx.note(`TLS 1.2 handshake: ${shown(v12)}`);
      ctx.verify(v12.ok && v12.version === 'TLSv1.2', { message: 'A TLS 1.2 handshake succeeds', expected: 'TLSv1.2', found: shown(v12) });
      const v13 = await probe({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
      ctx.note(`TLS 1.3 handshake: ${shown(v13)} (allowed, not required)`);
      selfTestCredentials ??= ctx.env.portal.pki.issueEndEntity({ subject: { commonName: 'localhost' }, keyAlgorithm: 'RSA', subjectAltNames: { dns: ['localhost'], ip: ['127.0.0.1'] } });
      const self = await selfTestCredentials;
      const undecided: string[] = [];
      for (const [version, name] of [['TLSv1.1', 'TLS 1.1'], ['TLSv1', 'TLS 1.0']] as const) {
        // Only a client able to offer the old version shows that the server refuses it.
        const local = await canNegotiate(version, { cert: self.chainPem.join('\n'), key: self.privateKeyPem });
        if (!local.ok) {
          undecided.push(`${name}: ${local.reason}`);
          continue;
        }
        const old = await probe({ minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' });
        ctx.note(`${name} handshake: ${shown(old)}`);
        if (!old.ok && LOCAL_PROTOCOL_ERRORS.test(old.code) && /client|no protocols/i.test(old.message)) {
          undecided.push(`${name}: the local client could not offer it (${old.code})`);
          continue;
        }
        ctx.verify(!old.ok, { message: `A ${name} handshake is refused`, expected: 'handshake refused', found: shown(old) });
      }
      const plain = await plainHttp(ctx, `http://${url.host}/health`, 'plain HTTP to the HTTPS port');
      ctx.verify(refusesPlain(plain), { message: 'Plain HTTP to the same port is refused or redirected to https://', expected: 'no answer, a 4xx, or a redirect to https://', found: plain ? `${plain.status}${plain.headers.location ? ` → ${plain.headers.location}` : ''}` : 'no answer', ...(plain ? { response: plain } : {}) });
      if (port === 443 && !address && !LOOPBACK.has(host)) {
        const port80 = await plainHttp(ctx, `http://${host}/health`, 'plain HTTP on port 80');
        ctx.verify(refusesPlain(port80), { message: 'Plain HTTP on port 80 is refused or redirected to https://', expected: 'no answer, a 4xx, or a redirect to https://', found: port80 ? `${port80.status}${port80.headers.location ? ` → ${port80.headers.location}` : ''}` : 'no answer', ...(port80 ? { response: port80 } : {}) });
      }
      if (undecided.length > 0) ctx.inconclusive(`refusal of old TLS versions not decided: ${undecided.join('; ')}`);
    },
  }),
  check({
    id: 'transport.server-certificate-verified',
    title: "The system verifies the portal's TLS certificate: nothing is sent to a portal with a certificate for another name, from an untrusted CA or self-signed, and the held-back push is sent once the certificate is right",
    area: 'transport',
    requirements: ['DVC-TLS-002'],
    // The portal's certificate is the run's: no other check may call it meanwhile. First, while the system has no
    // pushes of other checks to retry, and only until the certificate is back (see refusedWhileServed).
    exclusive: 'first',
    timeoutMs: 180_000,
    run: async (ctx: Ctx) => {
      if (ctx.env.tls.mode === 'plain-http') ctx.skip('the run uses --plain-http: the portal serves no certificate to verify');
      if (!ctx.env.portal.portal.tls || !ctx.env.tls.portalCertificate) ctx.skip('the suite\'s portal does not serve HTTPS in this run');
      // Exactly the names of the portal's own certificate (its public host too, with --portal-url): only the chain is wrong.
      const ownNames = ctx.env.tls.portalNames;
      const ownName = new URL(ctx.env.portal.url).hostname.replace(/^\[|\]$/g, '');
      // The right names, but a chain to a root the system was not given.
      const stranger = await createTestPki({ serve: false });
      try {
        const [otherName, untrusted, selfSigned] = await Promise.all([
          ctx.env.portal.pki.issueEndEntity({ subject: { commonName: 'portal.other-host.invalid' }, subjectAltNames: { dns: ['portal.other-host.invalid'] } }),
          stranger.issueEndEntity({ subject: { commonName: ownName }, subjectAltNames: ownNames }),
          ctx.env.portal.pki.issueEndEntity({ subject: { commonName: ownName }, subjectAltNames: ownNames, selfSigned: true }),
        ]);
        await refusedWhileServed(ctx, [
          { cert: otherName.chainPem, key: otherName.privateKeyPem, what: 'a certificate for another host name (valid chain from the trusted CA)' },
          { cert: untrusted.chainPem, key: untrusted.privateKeyPem, what: 'a certificate for its own name from a CA the system does not trust' },
          { cert: selfSigned.chainPem, key: selfSigned.privateKeyPem, what: 'a self-signed certificate for its own name' },
        ]);
      } finally {
        await stranger.close();
      }
    },
  }),
  check({
    id: 'transport.public-host-name',
    title: 'The system is served on dichvucong.<name>.gov.vn (or e-services.<name>.gov.vn) with a certificate valid for that name',
    area: 'transport',
    requirements: ['DVC-TLS-003'],
    run: async (ctx: Ctx) => {
      skipPlainLoopback(ctx);
      const url = new URL(ctx.env.target);
      ctx.verify(PUBLIC_HOST_PATTERN.test(url.hostname), { message: 'The public host name is dichvucong.<name>.gov.vn (or e-services.<name>.gov.vn)', expected: 'dichvucong.<name>.gov.vn', found: url.hostname });
      ctx.require(url.protocol === 'https:', { message: 'The public host serves a certificate (HTTPS)', expected: 'https://', found: ctx.env.target });
      const { host, port, address } = endpoint(ctx);
      const r = await tlsProbe({ host, port, ...(address ? { address } : {}), ca: ctx.env.transport.ca });
      if (!r.ok) throw new TargetUnreachableError(ctx.env.target, new Error(`TLS handshake failed: ${r.code} ${r.message}`));
      ctx.note(`certificate: subject ${r.peer.subject}; names ${r.peer.subjectAltName ?? 'none'}; issuer ${r.peer.issuer}; valid ${r.peer.validFrom} – ${r.peer.validTo}`);
      ctx.verify(r.peer.chainTrusted, { message: 'The certificate chains to a trusted root (the system store, --ca, or the run\'s test root)', expected: 'a trusted chain', found: r.peer.chainError ?? 'trusted' });
      ctx.verify(r.peer.nameError === undefined, { message: `The certificate is valid for ${host}`, expected: `a subjectAltName covering ${host}`, found: r.peer.nameError ?? `valid (${r.peer.subjectAltName})` });
    },
  }),
];
