import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SIGNATURE_OIDS, verifyRaw } from './algorithms.js';
import { OID, parseCertificate, readPssParams, type ParsedCertificate } from './certificate.js';
import { RevocationFetchError } from './errors.js';
import { toArrayBuffer } from './encoding.js';
import type { SignaturePolicy } from './policy.js';
import type { RevocationEvidence } from './report.js';

/** hard-fail: no status means INDETERMINATE/TRY_LATER; soft-fail: accepted with a warning; off: not checked. */
export type RevocationMode = 'hard-fail' | 'soft-fail' | 'off';

export interface RevocationRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: Uint8Array;
  contentType?: string;
}

/** Fetches a CRL or OCSP response. Throw (any error) when the source cannot answer. */
export type RevocationFetcher = (request: RevocationRequest) => Promise<Uint8Array>;

export interface RevocationOptions {
  /** Default `hard-fail`. */
  mode?: RevocationMode;
  /** Default: HTTP through the global `fetch` with a 5 s timeout. */
  fetcher?: RevocationFetcher;
  /**
   * Keep CRLs and OCSP responses between validations until their nextUpdate. Without
   * one, each validation fetches afresh (a fresh cache per call).
   */
  cache?: RevocationCache;
}

/**
 * The default fetcher: plain HTTP, as CRL distribution points and OCSP responders serve.
 *
 * @example
 * verifyMessage(jws, body, { trustAnchors, revocation: { fetcher: httpRevocationFetcher({ timeoutMs: 2000 }) } });
 */
export function httpRevocationFetcher(options: { timeoutMs?: number } = {}): RevocationFetcher {
  const timeoutMs = options.timeoutMs ?? 5000;
  return async (req) => {
    let res: Response;
    try {
      res = await fetch(req.url, {
        method: req.method,
        ...(req.body ? { body: req.body } : {}),
        headers: req.contentType ? { 'content-type': req.contentType } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new RevocationFetchError(req.url, `could not reach ${req.url}: ${(cause as Error).message}`, { cause });
    }
    if (!res.ok) throw new RevocationFetchError(req.url, `${req.url} answered HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

interface CacheEntry {
  value: unknown;
  expires: number;
}

/** An in-memory cache of verified CRLs and OCSP answers, each kept until its nextUpdate. */
export class RevocationCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #maxEntries: number;
  /** Longest time an answer without nextUpdate is reused. */
  readonly defaultTtlMs: number;
  constructor(options: { maxEntries?: number; defaultTtlMs?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 1000;
    this.defaultTtlMs = options.defaultTtlMs ?? 5 * 60_000;
  }
  get<T>(key: string, now: number): T | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value as T;
  }
  set(key: string, value: unknown, expires: number): void {
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, { value, expires });
  }
  clear(): void {
    this.#entries.clear();
  }
  get size(): number {
    return this.#entries.size;
  }
}

export const CRL_REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

export interface RevocationStatus extends RevocationEvidence {
  revokedAt?: Date;
}

interface VerifiedCrl {
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: Map<string, { date: Date; reason?: string }>;
}

interface VerifiedOcsp {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: string;
  thisUpdate: Date;
  nextUpdate?: Date;
}

const CLOCK_SKEW_MS = 5 * 60_000;

/** Status of `cert` (issued by `issuer`) from OCSP, falling back to its CRLs. */
export async function checkRevocation(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  options: { fetcher: RevocationFetcher; cache: RevocationCache; policy: SignaturePolicy; now: Date },
): Promise<RevocationStatus> {
  const base = { certificate: cert.subject.dn, serialNumber: cert.serialNumberHex };
  const errors: string[] = [];
  for (const url of cert.ocspUrls) {
    try {
      const { value, cached } = await cachedOrFetch(options.cache, `ocsp|${url}|${issuer.fingerprint256}|${cert.serialNumberHex}`, options.now, () =>
        fetchOcsp(url, cert, issuer, options),
      );
      if (value.status === 'unknown') {
        errors.push(`OCSP responder ${url} does not know the certificate`);
        continue;
      }
      return {
        ...base,
        source: 'OCSP',
        url,
        status: value.status,
        cached,
        thisUpdate: value.thisUpdate.toISOString(),
        ...(value.nextUpdate ? { nextUpdate: value.nextUpdate.toISOString() } : {}),
        ...(value.revokedAt ? { revokedAt: value.revokedAt, revocationTime: value.revokedAt.toISOString() } : {}),
        ...(value.reason ? { reason: value.reason } : {}),
      };
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  for (const url of cert.crlUrls) {
    try {
      const { value, cached } = await cachedOrFetch(options.cache, `crl|${url}|${issuer.fingerprint256}`, options.now, () => fetchCrl(url, cert, issuer, options));
      const entry = value.revoked.get(cert.serialNumberHex);
      return {
        ...base,
        source: 'CRL',
        url,
        status: entry ? 'revoked' : 'good',
        cached,
        thisUpdate: value.thisUpdate.toISOString(),
        ...(value.nextUpdate ? { nextUpdate: value.nextUpdate.toISOString() } : {}),
        ...(entry ? { revokedAt: entry.date, revocationTime: entry.date.toISOString() } : {}),
        ...(entry?.reason ? { reason: entry.reason } : {}),
      };
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (!cert.ocspUrls.length && !cert.crlUrls.length) errors.push('the certificate names no OCSP responder and no CRL distribution point');
  return { ...base, source: 'none', status: 'unavailable', error: errors.join('; ') };
}

async function cachedOrFetch<T extends { nextUpdate?: Date }>(
  cache: RevocationCache,
  key: string,
  now: Date,
  load: () => Promise<T>,
): Promise<{ value: T; cached: boolean }> {
  const hit = cache.get<Promise<T>>(key, now.getTime());
  if (hit) return { value: await hit, cached: true };
  // Cache the promise so that concurrent validations share one fetch.
  const pending = load();
  cache.set(key, pending, now.getTime() + cache.defaultTtlMs);
  try {
    const value = await pending;
    const expires = value.nextUpdate ? Math.min(value.nextUpdate.getTime(), now.getTime() + 24 * 3600_000) : now.getTime() + cache.defaultTtlMs;
    cache.set(key, Promise.resolve(value), expires);
    return { value, cached: false };
  } catch (e) {
    cache.set(key, pending, 0);
    throw e;
  }
}

function checkFreshness(what: string, url: string, thisUpdate: Date, nextUpdate: Date | undefined, now: Date): void {
  if (thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new RevocationFetchError(url, `${what} from ${url} is dated in the future (thisUpdate ${thisUpdate.toISOString()})`);
  }
  if (nextUpdate && nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS) {
    throw new RevocationFetchError(url, `${what} from ${url} is stale (nextUpdate ${nextUpdate.toISOString()})`);
  }
}

function verifySignedBy(
  what: string,
  url: string,
  algorithm: pkijs.AlgorithmIdentifier,
  tbs: Uint8Array,
  signature: Uint8Array,
  signer: ParsedCertificate,
  policy: SignaturePolicy,
): boolean {
  const info = SIGNATURE_OIDS[algorithm.algorithmId];
  if (!info) throw new RevocationFetchError(url, `${what} from ${url} uses an unknown signature algorithm ${algorithm.algorithmId}`);
  let hash = info.hash;
  let salt: number | undefined;
  if (info.scheme === 'rsa-pss') ({ hash, saltLength: salt } = readPssParams(algorithm));
  if (!hash || !policy.hashes.includes(hash)) {
    throw new RevocationFetchError(url, `${what} from ${url} is signed with ${hash ?? 'an unknown hash'}, which the policy does not allow`);
  }
  return verifyRaw(info.scheme, hash, signer.publicKey, tbs, signature, salt);
}

async function fetchCrl(
  url: string,
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  options: { fetcher: RevocationFetcher; policy: SignaturePolicy; now: Date },
): Promise<VerifiedCrl> {
  const der = await options.fetcher({ url, method: 'GET' });
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(der);
  } catch (cause) {
    throw new RevocationFetchError(url, `${url} did not return a DER CRL`, { cause });
  }
  if (!crl.issuer.isEqual(cert.asn.issuer)) {
    throw new RevocationFetchError(url, `the CRL from ${url} is issued by another CA than the certificate's issuer`);
  }
  const ok = verifySignedBy('the CRL', url, crl.signatureAlgorithm, crl.tbsView, crl.signatureValue.valueBlock.valueHexView, issuer, options.policy);
  if (!ok) throw new RevocationFetchError(url, `the CRL from ${url} is not signed by "${issuer.subject.dn}"`);
  const thisUpdate = crl.thisUpdate.value;
  const nextUpdate = crl.nextUpdate?.value;
  checkFreshness('the CRL', url, thisUpdate, nextUpdate, options.now);
  const revoked = new Map<string, { date: Date; reason?: string }>();
  for (const entry of crl.revokedCertificates ?? []) {
    const serial = Buffer.from(entry.userCertificate.valueBlock.valueHexView).toString('hex').toUpperCase();
    const reasonExt = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === '2.5.29.21');
    let reason: string | undefined;
    if (reasonExt) {
      const parsed = asn1js.fromBER(reasonExt.extnValue.valueBlock.valueHexView);
      if (parsed.offset !== -1) reason = CRL_REASONS[(parsed.result as asn1js.Enumerated).valueBlock.valueDec];
    }
    revoked.set(serial, { date: entry.revocationDate.value, ...(reason ? { reason } : {}) });
  }
  return { thisUpdate, ...(nextUpdate ? { nextUpdate } : {}), revoked };
}

/** Build the DER OCSP request for one certificate (SHA-1 CertID, as RFC 6960 responders expect). */
export async function createOcspRequest(cert: ParsedCertificate, issuer: ParsedCertificate): Promise<Uint8Array> {
  const req = new pkijs.OCSPRequest();
  await req.createForCertificate(cert.asn, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer.asn });
  return new Uint8Array(req.toSchema(true).toBER());
}

async function fetchOcsp(
  url: string,
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  options: { fetcher: RevocationFetcher; policy: SignaturePolicy; now: Date },
): Promise<VerifiedOcsp> {
  const body = await createOcspRequest(cert, issuer);
  const der = await options.fetcher({ url, method: 'POST', body, contentType: 'application/ocsp-request' });
  let basic: pkijs.BasicOCSPResponse;
  try {
    const resp = pkijs.OCSPResponse.fromBER(toArrayBuffer(der));
    const status = resp.responseStatus.valueBlock.valueDec;
    if (status !== 0) throw new RevocationFetchError(url, `OCSP responder ${url} answered status ${status} (not successful)`);
    if (!resp.responseBytes || resp.responseBytes.responseType !== '1.3.6.1.5.5.7.48.1.1') {
      throw new RevocationFetchError(url, `OCSP responder ${url} did not send a basic OCSP response`);
    }
    basic = pkijs.BasicOCSPResponse.fromBER(resp.responseBytes.response.valueBlock.valueHexView);
  } catch (cause) {
    if (cause instanceof RevocationFetchError) throw cause;
    throw new RevocationFetchError(url, `${url} did not return a DER OCSP response`, { cause });
  }
  // The issuer signs, or a responder it delegated to with id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
  const signers: ParsedCertificate[] = [issuer];
  for (const c of basic.certs ?? []) {
    const candidate = parseCertificate(new Uint8Array(c.toSchema().toBER()));
    if (
      candidate.extKeyUsage?.includes(OID.ekuOcspSigning) &&
      candidate.notBefore <= options.now &&
      candidate.notAfter >= options.now &&
      candidate.asn.issuer.isEqual(issuer.asn.subject) &&
      candidate.x509.verify(issuer.publicKey)
    ) {
      signers.push(candidate);
    }
  }
  const tbs = basic.tbsResponseData.tbsView;
  const sig = basic.signature.valueBlock.valueHexView;
  if (!signers.some((s) => verifySignedBy('the OCSP response', url, basic.signatureAlgorithm, tbs, sig, s, options.policy))) {
    throw new RevocationFetchError(url, `the OCSP response from ${url} is not signed by "${issuer.subject.dn}" or a responder it authorised`);
  }
  const issuerKey = issuer.asn.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
  const single = basic.tbsResponseData.responses.find((r) => {
    const serial = Buffer.from(r.certID.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase();
    if (serial !== cert.serialNumberHex) return false;
    const hashName = r.certID.hashAlgorithm.algorithmId === '1.3.14.3.2.26' ? 'sha1' : r.certID.hashAlgorithm.algorithmId === '2.16.840.1.101.3.4.2.1' ? 'sha256' : undefined;
    if (!hashName) return false;
    return createHash(hashName).update(issuerKey).digest().equals(Buffer.from(r.certID.issuerKeyHash.valueBlock.valueHexView));
  });
  if (!single) throw new RevocationFetchError(url, `the OCSP response from ${url} has no answer for serial ${cert.serialNumberHex}`);
  checkFreshness('the OCSP response', url, single.thisUpdate, single.nextUpdate, options.now);
  const tag = (single.certStatus as asn1js.BaseBlock).idBlock.tagNumber;
  const common = { thisUpdate: single.thisUpdate, ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}) };
  if (tag === 0) return { status: 'good', ...common };
  if (tag === 1) {
    const revokedInfo = single.certStatus as asn1js.Constructed;
    const items = revokedInfo.valueBlock.value;
    const time = (items[0] as asn1js.GeneralizedTime).toDate();
    let reason: string | undefined;
    const reasonTagged = items[1] as asn1js.Constructed | undefined;
    const reasonValue = reasonTagged?.valueBlock.value[0] as asn1js.Enumerated | undefined;
    if (reasonValue) reason = CRL_REASONS[reasonValue.valueBlock.valueDec];
    return { status: 'revoked', revokedAt: time, ...(reason ? { reason } : {}), ...common };
  }
  return { status: 'unknown', ...common };
}
