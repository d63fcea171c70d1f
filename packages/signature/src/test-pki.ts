import { createHash, createPublicKey, generateKeyPair, randomBytes, type KeyObject, type webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { isIPv4, isIPv6, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashName } from './algorithms.js';
import { OID, parseCertificate, type KeyUsageName, type ParsedCertificate } from './certificate.js';
import { toArrayBuffer } from './encoding.js';
import { SignatureError, SignatureInputError } from './errors.js';
import { toCryptoKey, toPrivateKey } from './keys.js';
import type { RevocationFetcher, RevocationRequest } from './revocation.js';
import { createTimestampResponse } from './timestamp.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** A key holder in the test PKI. */
export interface TestParty {
  certificatePem: string;
  /** Leaf first, without the root (what a signer sends). */
  chainPem: string[];
  privateKey: KeyObject;
  privateKeyPem: string;
  /** Certificate serial number, upper-case hex. */
  serialNumber: string;
}

export type TestCaName = 'root' | 'governmentCa' | 'publicCa';

export interface TestSubject {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  state?: string;
  country?: string;
  /** Written as UID "MST:<taxCode>", as Vietnamese CAs do. */
  taxCode?: string;
  /** Written as UID "CCCD:<citizenId>". */
  citizenId?: string;
  /** Agency identifier code, written as UID "MDDCQ:<agencyCode>" (dvc-kit's convention). */
  agencyCode?: string;
}

export interface IssueEndEntityOptions {
  subject: TestSubject;
  /** Default `publicCa`. */
  issuer?: Exclude<TestCaName, 'root'>;
  /** Default EC P-256. */
  keyAlgorithm?: 'EC' | 'RSA';
  /** RSA modulus size (default 2048; 1024 makes a deliberately weak certificate). */
  rsaBits?: number;
  /** Reuse an existing key (e.g. to re-issue a certificate). */
  privateKey?: KeyObject;
  /** Hash of the CA's signature on the certificate (default SHA-256; SHA-1 makes a weak one). */
  hash?: HashName;
  notBefore?: Date;
  notAfter?: Date;
  keyUsage?: KeyUsageName[];
  extendedKeyUsage?: string[];
  /** Extra extensions, e.g. an unknown critical one. `value` is the DER of extnValue's content. */
  extensions?: { oid: string; critical: boolean; value: Uint8Array }[];
  /**
   * Subject alternative names (RFC 5280 §4.2.1.6), for TLS server certificates: DNS names
   * and IPv4 / IPv6 addresses. With them and no explicit usages, the certificate gets
   * keyUsage digitalSignature + keyEncipherment and extendedKeyUsage serverAuth.
   */
  subjectAltNames?: { dns?: string[]; ip?: string[] };
  /**
   * Sign the certificate with its own key instead of a CA's (`issuer` is ignored): a
   * self-signed certificate that chains to nothing, e.g. to test that clients refuse it.
   */
  selfSigned?: boolean;
}

export interface CreateTestPkiOptions {
  /**
   * Who signs OCSP answers: the CA itself (default) or a delegated responder certificate
   * (id-kp-OCSPSigning, id-pkix-ocsp-nocheck) that the CA issues and the answer carries.
   */
  ocspResponder?: 'ca' | 'delegated';
  /** Subject of the default agency certificate (default {@link AGENCY_SUBJECT}). */
  agency?: TestSubject;
  /** Start of validity of every certificate (default: one day ago). */
  validFrom?: Date;
  /** Serve CRLs, OCSP and the TSA over HTTP (default true). Without it, use `pki.fetcher`. */
  serve?: boolean;
  /**
   * Address the server binds to (default 127.0.0.1). Another interface (or 0.0.0.0) lets
   * systems on other machines fetch CRLs and OCSP answers; give them a `baseUrl` they can reach.
   */
  host?: string;
  /** Port to listen on (default 0: any free port; the port of `baseUrl` when it names `host`). */
  port?: number;
  /**
   * Base URL written into certificates (CRL distribution points, OCSP). Default: the
   * server's URL (`http://<host>:<port>`; 127.0.0.1 for a wildcard host), or
   * `http://test-pki-<id>.invalid` when not serving.
   */
  baseUrl?: string;
  /**
   * Key type of the CAs: EC P-256 by default (about 0.3 s for a whole PKI), or RSA 2048
   * as the Vietnamese CAs use (about 1–3 s: RSA key generation dominates).
   */
  caKeyAlgorithm?: 'RSA' | 'EC';
  /** Rebuild a saved PKI instead of generating one (see loadTestPki). */
  snapshot?: TestPkiSnapshot;
}

/** Switch a service off to test unavailability (connection reset or HTTP 503). */
export interface TestPkiOutages {
  crl: boolean;
  ocsp: boolean;
  tsa: boolean;
}

export interface TestPki {
  root: TestParty;
  governmentCa: TestParty;
  publicCa: TestParty;
  /** An agency signing certificate from the government CA (UID MST:…). */
  agency: TestParty;
  /** A citizen signing certificate from the public CA (UID CCCD:…). */
  citizen: TestParty;
  /** The time-stamp authority (id-kp-timeStamping), issued by the government CA. */
  tsa: TestParty;
  /** The root, PEM, to pass as `trustAnchors`. */
  trustAnchors: string[];
  urls: {
    base: string;
    crl: Record<TestCaName, string>;
    ocsp: Record<Exclude<TestCaName, 'root'>, string>;
    tsa: string;
  };
  /** Answers the PKI's URLs in-process (no network); works whether or not it serves. */
  fetcher: RevocationFetcher;
  outages: TestPkiOutages;
  /** Set to make the TSA stamp this time instead of now (to test past signatures). */
  tsaTime: Date | undefined;
  issueEndEntity(options: IssueEndEntityOptions): Promise<TestParty>;
  /** Revoke a certificate (from `at`, default now); CRLs and OCSP reflect it at once. */
  revoke(party: TestParty | string, at?: Date, reason?: number): void;
  /** Re-issue a party's certificate (same key and subject) with a validity period in the past. */
  expire(party: TestParty): Promise<TestParty>;
  /** Re-issue a party's certificate with a weak signature hash or a weak RSA key. */
  weaken(party: TestParty, how: { hash: 'SHA-1' } | { rsaBits: number }): Promise<TestParty>;
  /** Everything needed to save and reload this PKI (see writeTestPki / loadTestPki). */
  toJSON(): TestPkiSnapshot;
  close(): Promise<void>;
}

export interface TestPkiSnapshot {
  version: 1;
  baseUrl: string;
  parties: Record<'root' | 'governmentCa' | 'publicCa' | 'agency' | 'citizen' | 'tsa', { certificatePem: string; privateKeyPem: string }>;
  revoked: { issuer: TestCaName; serialNumber: string; at: string; reason?: number }[];
}

interface Ca {
  name: TestCaName;
  cert: ParsedCertificate;
  key: KeyObject;
  cryptoKey: Promise<webcrypto.CryptoKey>;
  parent?: Ca;
  revoked: Map<string, { at: Date; reason?: number }>;
  keyHashSha1: Buffer;
}

const DAY = 24 * 3600_000;

/** The agency in the default test PKI: a provincial department, with its tax code. */
export const AGENCY_SUBJECT: TestSubject = {
  commonName: 'Sở Thông tin và Truyền thông tỉnh Thanh Hóa',
  organization: 'UBND tỉnh Thanh Hóa',
  state: 'Thanh Hóa',
  taxCode: '2801234564',
  agencyCode: '000.00.06.H56',
};
/** The citizen in the default test PKI, with a 12-digit personal identification number. */
export const CITIZEN_SUBJECT: TestSubject = { commonName: 'Nguyễn Văn An', state: 'Thanh Hóa', citizenId: '038090000123' };

async function newKey(kind: 'EC' | 'RSA', bits = 2048): Promise<KeyObject> {
  const pair = kind === 'EC' ? await generateKeyPairAsync('ec', { namedCurve: 'P-256' }) : await generateKeyPairAsync('rsa', { modulusLength: bits });
  return pair.privateKey;
}

function keyUsageBitString(usages: KeyUsageName[]): asn1js.BitString {
  const order: KeyUsageName[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];
  const bits = usages.map((u) => order.indexOf(u));
  const last = Math.max(...bits);
  const bytes = new Uint8Array((last >> 3) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return new asn1js.BitString({ valueHex: toArrayBuffer(bytes), unusedBits: 7 - (last & 7) });
}

function name(subject: TestSubject): pkijs.RelativeDistinguishedNames {
  const items: [string, string, 'utf8' | 'printable'][] = [['2.5.4.6', subject.country ?? 'VN', 'printable']];
  if (subject.state) items.push([OID.state, subject.state, 'utf8']);
  if (subject.locality) items.push([OID.locality, subject.locality, 'utf8']);
  if (subject.organization) items.push([OID.organization, subject.organization, 'utf8']);
  if (subject.organizationalUnit) items.push([OID.organizationalUnit, subject.organizationalUnit, 'utf8']);
  if (subject.taxCode) items.push([OID.uid, `MST:${subject.taxCode}`, 'utf8']);
  if (subject.citizenId) items.push([OID.uid, `CCCD:${subject.citizenId}`, 'utf8']);
  if (subject.agencyCode) items.push([OID.uid, `MDDCQ:${subject.agencyCode}`, 'utf8']);
  items.push([OID.commonName, subject.commonName, 'utf8']);
  // One attribute per RDN: pkijs would put them all in a single multi-valued RDN.
  const der = new asn1js.Sequence({
    value: items.map(
      ([type, value, kind]) =>
        new asn1js.Set({
          value: [
            new asn1js.Sequence({
              value: [new asn1js.ObjectIdentifier({ value: type }), kind === 'printable' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value })],
            }),
          ],
        }),
    ),
  }).toBER();
  return pkijs.RelativeDistinguishedNames.fromBER(der);
}

function extension(extnID: string, critical: boolean, value: asn1js.AsnType | { toSchema(): asn1js.AsnType }): pkijs.Extension {
  const schema = 'toSchema' in value ? value.toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

function uri(url: string): pkijs.GeneralName {
  return new pkijs.GeneralName({ type: 6, value: url });
}

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** dNSName (IA5String) and iPAddress (OCTET STRING of 4 or 16 bytes) general names. */
function altNames(san: { dns?: string[]; ip?: string[] }): pkijs.GeneralName[] {
  const names: pkijs.GeneralName[] = [];
  for (const dns of san.dns ?? []) {
    if (typeof dns !== 'string' || dns.length > 253 || !DNS_NAME.test(dns)) throw new SignatureInputError(`subjectAltNames.dns: "${dns}" is not a DNS host name`);
    names.push(new pkijs.GeneralName({ type: 2, value: dns.toLowerCase() }));
  }
  for (const ip of san.ip ?? []) {
    const bytes = ipBytes(ip);
    if (!bytes) throw new SignatureInputError(`subjectAltNames.ip: "${ip}" is not an IPv4 or IPv6 address`);
    names.push(new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: toArrayBuffer(bytes) }) }));
  }
  return names;
}

function ipBytes(ip: string): Uint8Array | undefined {
  if (typeof ip !== 'string') return undefined;
  if (isIPv4(ip)) return new Uint8Array(ip.split('.').map(Number));
  if (!isIPv6(ip)) return undefined;
  // Expand "::" and an embedded IPv4 tail into eight 16-bit groups.
  let text = ip.split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

interface CertSpec {
  subject: pkijs.RelativeDistinguishedNames;
  publicKey: KeyObject;
  issuer?: Ca;
  /** Self-signed: the signing key. */
  selfKey?: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca?: { pathLength?: number };
  keyUsage: KeyUsageName[];
  extendedKeyUsage?: string[];
  crlUrl?: string;
  ocspUrl?: string;
  hash?: HashName;
  extra?: { oid: string; critical: boolean; value: Uint8Array }[];
  altNames?: pkijs.GeneralName[];
}

async function makeCertificate(spec: CertSpec): Promise<ParsedCertificate> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x10;
  cert.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(serial) });
  cert.subject = spec.subject;
  cert.issuer = spec.issuer ? spec.issuer.cert.asn.subject : spec.subject;
  cert.notBefore.value = spec.notBefore;
  cert.notAfter.value = spec.notAfter;
  const spki = createPublicKey(spec.publicKey).export({ format: 'der', type: 'spki' });
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(toArrayBuffer(spki));
  const ski = createHash('sha1').update(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  const extensions = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints(spec.ca ? { cA: true, ...(spec.ca.pathLength !== undefined ? { pathLenConstraint: spec.ca.pathLength } : {}) } : {})),
    extension(OID.keyUsage, true, keyUsageBitString(spec.keyUsage)),
    extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: toArrayBuffer(ski) })),
  ];
  if (spec.issuer) {
    const issuerSki = createHash('sha1').update(spec.issuer.cert.asn.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
    extensions.push(extension(OID.authorityKeyIdentifier, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(issuerSki) }) })));
  }
  if (spec.extendedKeyUsage) {
    // RFC 3161 §2.3 wants the TSA's EKU critical.
    extensions.push(extension(OID.extKeyUsage, spec.extendedKeyUsage.includes(OID.ekuTimeStamping), new pkijs.ExtKeyUsage({ keyPurposes: spec.extendedKeyUsage })));
  }
  if (spec.crlUrl) {
    extensions.push(extension(OID.crlDistributionPoints, false, new pkijs.CRLDistributionPoints({ distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [uri(spec.crlUrl)] })] })));
  }
  if (spec.ocspUrl) {
    extensions.push(extension(OID.authorityInfoAccess, false, new pkijs.InfoAccess({ accessDescriptions: [new pkijs.AccessDescription({ accessMethod: OID.ocsp, accessLocation: uri(spec.ocspUrl) })] })));
  }
  if (spec.altNames?.length) {
    // Critical only when the subject is empty (RFC 5280 §4.2.1.6); ours always has a CN.
    extensions.push(extension(OID.subjectAltName, false, new pkijs.GeneralNames({ names: spec.altNames })));
  }
  for (const e of spec.extra ?? []) extensions.push(new pkijs.Extension({ extnID: e.oid, critical: e.critical, extnValue: toArrayBuffer(e.value) }));
  cert.extensions = extensions;
  const signingKey = spec.issuer ? spec.issuer.key : spec.selfKey!;
  const hash = spec.hash ?? 'SHA-256';
  await cert.sign(await toCryptoKey(signingKey, hash), hash);
  return parseCertificate(new Uint8Array(cert.toSchema(true).toBER()));
}

/** `host:port`, an IPv6 address in brackets (as URLs and error messages write it). */
function hostPort(host: string, port: number): string {
  return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** A URL's hostname without the brackets of an IPv6 address. */
function unbracket(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}

function party(cert: ParsedCertificate, key: KeyObject, chain: ParsedCertificate[]): TestParty {
  return {
    certificatePem: cert.pem,
    chainPem: [cert.pem, ...chain.map((c) => c.pem)],
    privateKey: key,
    privateKeyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    serialNumber: cert.serialNumberHex,
  };
}

function chainOf(ca: Ca): ParsedCertificate[] {
  // Issuer chain without the root.
  const out: ParsedCertificate[] = [];
  for (let c: Ca | undefined = ca; c && c.parent; c = c.parent) out.push(c.cert);
  return out;
}

/**
 * A throw-away PKI shaped like Vietnam's: a root, a government CA (as Ban Cơ yếu
 * Chính phủ runs) and a licensed public CA under it, an agency and a citizen
 * certificate, a TSA, and CRL / OCSP / RFC 3161 services over HTTP (on 127.0.0.1 unless `host` says otherwise).
 *
 * @example
 * const pki = await createTestPki();
 * const jws = await signMessage(body, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
 * const report = await verifyMessage(jws, body, { trustAnchors: pki.trustAnchors });
 * await pki.close();
 */
export async function createTestPki(options: CreateTestPkiOptions = {}): Promise<TestPki> {
  const serve = options.serve ?? true;
  let server: Server | undefined;
  let baseUrl = options.baseUrl ?? options.snapshot?.baseUrl;
  const host = options.host ?? '127.0.0.1';
  // A fixed base URL naming the served address (e.g. a PKI saved to disk) must be served on its own port.
  const fixed = baseUrl ? new URL(baseUrl) : undefined;
  const port = options.port ?? (fixed && unbracket(fixed.hostname) === host ? Number(fixed.port || 80) : 0);
  const id = randomBytes(4).toString('hex');
  // The server must be listening before certificates are made: its URL goes into them.
  let handler: ((req: RevocationRequest) => Promise<{ status: number; type: string; body: Uint8Array } | 'reset'>) | undefined;
  if (serve) {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request: RevocationRequest = { url: `${baseUrl!.replace(/\/$/, '')}${req.url ?? '/'}`, method: req.method === 'POST' ? 'POST' : 'GET', body: Buffer.concat(chunks) };
        handler!(request).then(
          (answer) => {
            if (answer === 'reset') {
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.status, { 'content-type': answer.type, 'content-length': answer.body.length });
            res.end(answer.body);
          },
          (e: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(String((e as Error).message));
          },
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', (e) => reject(new SignatureError('ERR_SIGNATURE_TEST_PKI', `the test PKI cannot listen on ${hostPort(host, port)}: ${e.message}`, { cause: e })));
      server!.listen(port, host, () => resolve());
    });
    server.unref();
    // A wildcard address is no URL anyone can fetch: name the loopback interface instead.
    const named = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    baseUrl ??= `http://${hostPort(named, (server.address() as AddressInfo).port)}`;
  }
  baseUrl ??= `http://test-pki-${id}.invalid`;
  const base = baseUrl.replace(/\/$/, '');
  const snapshot = options.snapshot;
  const validFrom = options.validFrom ?? (snapshot ? parseCertificate(snapshot.parties.root.certificatePem).notBefore : new Date(Date.now() - DAY));
  const caKind = options.caKeyAlgorithm ?? 'EC';
  const urls: TestPki['urls'] = {
    base,
    crl: { root: `${base}/crl/root.crl`, governmentCa: `${base}/crl/government-ca.crl`, publicCa: `${base}/crl/public-ca.crl` },
    ocsp: { governmentCa: `${base}/ocsp/government-ca`, publicCa: `${base}/ocsp/public-ca` },
    tsa: `${base}/tsa`,
  };
  const mkCa = (n: TestCaName, cert: ParsedCertificate, key: KeyObject, parent?: Ca): Ca => ({
    name: n,
    cert,
    key,
    cryptoKey: toCryptoKey(key),
    ...(parent ? { parent } : {}),
    revoked: new Map(),
    keyHashSha1: createHash('sha1').update(cert.asn.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest(),
  });

  let cas: Record<TestCaName, Ca>;
  let agency: TestParty;
  let citizen: TestParty;
  let tsa: TestParty;
  let issueEndEntity: (o: IssueEndEntityOptions) => Promise<TestParty>;
  const makeIssuer =
    (all: Record<TestCaName, Ca>) =>
    async (o: IssueEndEntityOptions): Promise<TestParty> => {
      if (!o?.subject?.commonName) throw new SignatureInputError('issueEndEntity needs subject.commonName');
      const ca = all[o.issuer ?? 'publicCa'];
      if (!ca || ca.name === 'root') throw new SignatureInputError(`unknown issuer "${o.issuer}"; expected governmentCa or publicCa`);
      const san = o.subjectAltNames ? altNames(o.subjectAltNames) : [];
      const server = san.length > 0;
      const key = o.privateKey ?? (await newKey(o.keyAlgorithm ?? 'EC', o.rsaBits));
      const notBefore = o.notBefore ?? validFrom;
      const cert = await makeCertificate({
        subject: name(o.subject),
        publicKey: key,
        ...(o.selfSigned ? { selfKey: key } : { issuer: ca }),
        notBefore,
        // Two years, and at least a year from now even in a PKI back-dated with validFrom.
        notAfter: o.notAfter ?? new Date(Math.max(notBefore.getTime() + 2 * 365 * DAY, Date.now() + 365 * DAY)),
        // keyEncipherment: TLS RSA key exchange; harmless for EC keys, which use ECDHE.
        keyUsage: o.keyUsage ?? (server ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature', 'nonRepudiation']),
        ...(o.extendedKeyUsage ? { extendedKeyUsage: o.extendedKeyUsage } : server ? { extendedKeyUsage: [OID.ekuServerAuth] } : {}),
        ...(server ? { altNames: san } : {}),
        // A self-signed certificate has no CA to answer for its revocation.
        ...(o.selfSigned ? {} : { crlUrl: urls.crl[ca.name], ocspUrl: urls.ocsp[ca.name as 'governmentCa' | 'publicCa'] }),
        ...(o.hash ? { hash: o.hash } : {}),
        ...(o.extensions ? { extra: o.extensions } : {}),
      });
      return party(cert, key, o.selfSigned ? [] : chainOf(ca));
    };

  if (snapshot) {
    const load = (p: { certificatePem: string; privateKeyPem: string }) => ({ cert: parseCertificate(p.certificatePem), key: toPrivateKey(p.privateKeyPem) });
    const r = load(snapshot.parties.root);
    const root = mkCa('root', r.cert, r.key);
    const g = load(snapshot.parties.governmentCa);
    const pc = load(snapshot.parties.publicCa);
    cas = { root, governmentCa: mkCa('governmentCa', g.cert, g.key, root), publicCa: mkCa('publicCa', pc.cert, pc.key, root) };
    for (const rev of snapshot.revoked) cas[rev.issuer].revoked.set(rev.serialNumber, { at: new Date(rev.at), ...(rev.reason !== undefined ? { reason: rev.reason } : {}) });
    const loadParty = (p: { certificatePem: string; privateKeyPem: string }, ca: Ca) => {
      const { cert, key } = load(p);
      return party(cert, key, chainOf(ca));
    };
    agency = loadParty(snapshot.parties.agency, cas.governmentCa);
    citizen = loadParty(snapshot.parties.citizen, cas.publicCa);
    tsa = loadParty(snapshot.parties.tsa, cas.governmentCa);
    issueEndEntity = makeIssuer(cas);
  } else {
    const [rootKey, govKey, pubKey, agencyKey, citizenKey, tsaKey] = await Promise.all([
      newKey(caKind),
      newKey(caKind),
      newKey(caKind),
      newKey('EC'),
      newKey('EC'),
      newKey('EC'),
    ]);
    const caValidity = { notBefore: validFrom, notAfter: new Date(validFrom.getTime() + 15 * 365 * DAY) };
    const rootCert = await makeCertificate({
      subject: name({ commonName: 'dvc-kit Test Root CA', organization: 'dvc-kit test PKI (not for production)' }),
      publicKey: rootKey,
      selfKey: rootKey,
      ...caValidity,
      ca: {},
      keyUsage: ['keyCertSign', 'cRLSign'],
    });
    const root = mkCa('root', rootCert, rootKey);
    const intermediate = (commonName: string, organization: string, key: KeyObject) =>
      makeCertificate({
        subject: name({ commonName, organization }),
        publicKey: key,
        issuer: root,
        ...caValidity,
        ca: { pathLength: 0 },
        keyUsage: ['keyCertSign', 'cRLSign'],
        crlUrl: urls.crl.root,
      });
    const [govCert, pubCert] = await Promise.all([
      intermediate('dvc-kit Test Government CA', 'Ban Cơ yếu Chính phủ (test)', govKey),
      intermediate('dvc-kit Test Public CA', 'Tổ chức cung cấp dịch vụ chứng thực chữ ký số công cộng (test)', pubKey),
    ]);
    cas = { root, governmentCa: mkCa('governmentCa', govCert, govKey, root), publicCa: mkCa('publicCa', pubCert, pubKey, root) };
    issueEndEntity = makeIssuer(cas);
    [agency, citizen, tsa] = await Promise.all([
      issueEndEntity({ subject: options.agency ?? AGENCY_SUBJECT, issuer: 'governmentCa', privateKey: agencyKey }),
      issueEndEntity({ subject: CITIZEN_SUBJECT, issuer: 'publicCa', privateKey: citizenKey }),
      issueEndEntity({
        subject: { commonName: 'dvc-kit Test Time-Stamping Authority', organization: 'Ban Cơ yếu Chính phủ (test)' },
        issuer: 'governmentCa',
        privateKey: tsaKey,
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: [OID.ekuTimeStamping],
      }),
    ]);
  }
  const tsaCert = parseCertificate(tsa.certificatePem);
  const outages: TestPkiOutages = { crl: false, ocsp: false, tsa: false };

  const crlFor = async (ca: Ca): Promise<Uint8Array> => {
    const now = Date.now();
    const crl = new pkijs.CertificateRevocationList({
      version: 1,
      issuer: ca.cert.asn.subject,
      thisUpdate: new pkijs.Time({ type: 0, value: new Date(now - 60_000) }),
      nextUpdate: new pkijs.Time({ type: 0, value: new Date(now + 3600_000) }),
    });
    const entries = [...ca.revoked.entries()];
    if (entries.length) {
      crl.revokedCertificates = entries.map(
        ([serial, { at, reason }]) =>
          new pkijs.RevokedCertificate({
            userCertificate: new asn1js.Integer({ valueHex: toArrayBuffer(Buffer.from(serial, 'hex')) }),
            revocationDate: new pkijs.Time({ type: 0, value: at }),
            ...(reason !== undefined
              ? { crlEntryExtensions: new pkijs.Extensions({ extensions: [extension('2.5.29.21', false, new asn1js.Enumerated({ value: reason }))] }) }
              : {}),
          }),
      );
    }
    await crl.sign(await ca.cryptoKey, 'SHA-256');
    return new Uint8Array(crl.toSchema(true).toBER());
  };

  const responders = new Map<TestCaName, Promise<{ cert: ParsedCertificate; cryptoKey: webcrypto.CryptoKey }>>();
  const responderFor = (ca: Ca) => {
    let r = responders.get(ca.name);
    if (!r) {
      r = (async () => {
        const key = await newKey('EC');
        const cert = await makeCertificate({
          subject: name({ commonName: `${ca.cert.subject.commonName} OCSP Responder`, organization: ca.cert.subject.organization ?? 'dvc-kit test PKI' }),
          publicKey: key,
          issuer: ca,
          notBefore: validFrom,
          notAfter: new Date(Date.now() + 365 * DAY),
          keyUsage: ['digitalSignature'],
          extendedKeyUsage: [OID.ekuOcspSigning],
          // id-pkix-ocsp-nocheck: NULL. Its own status is not asked (RFC 6960 §4.2.2.2.1).
          extra: [{ oid: OID.ocspNoCheck, critical: false, value: new Uint8Array([0x05, 0x00]) }],
        });
        return { cert, cryptoKey: await toCryptoKey(key) };
      })();
      responders.set(ca.name, r);
    }
    return r;
  };

  const ocspFor = async (ca: Ca, body: Uint8Array): Promise<Uint8Array> => {
    const req = pkijs.OCSPRequest.fromBER(toArrayBuffer(body));
    const now = new Date();
    const responses = req.tbsRequest.requestList.map((r) => {
      const serial = Buffer.from(r.reqCert.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase();
      const keyHash = Buffer.from(r.reqCert.issuerKeyHash.valueBlock.valueHexView);
      const known = r.reqCert.hashAlgorithm.algorithmId === '1.3.14.3.2.26' && keyHash.equals(ca.keyHashSha1);
      const revoked = ca.revoked.get(serial);
      let certStatus: asn1js.BaseBlock;
      if (!known) certStatus = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
      else if (revoked) {
        certStatus = new asn1js.Constructed({
          idBlock: { tagClass: 3, tagNumber: 1 },
          value: [
            new asn1js.GeneralizedTime({ valueDate: revoked.at }),
            ...(revoked.reason !== undefined ? [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: revoked.reason })] })] : []),
          ],
        });
      } else certStatus = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
      return new pkijs.SingleResponse({ certID: r.reqCert, certStatus, thisUpdate: new Date(now.getTime() - 60_000), nextUpdate: new Date(now.getTime() + 600_000) });
    });
    const delegate = options.ocspResponder === 'delegated' ? await responderFor(ca) : undefined;
    const basic = new pkijs.BasicOCSPResponse({
      tbsResponseData: new pkijs.ResponseData({ responderID: (delegate?.cert ?? ca.cert).asn.subject, producedAt: now, responses }),
      ...(delegate ? { certs: [delegate.cert.asn] } : {}),
    });
    await basic.sign(delegate ? await delegate.cryptoKey : await ca.cryptoKey, 'SHA-256');
    const resp = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: 0 }),
      responseBytes: new pkijs.ResponseBytes({ responseType: '1.3.6.1.5.5.7.48.1.1', response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER() }) }),
    });
    return new Uint8Array(resp.toSchema().toBER());
  };

  handler = async (req) => {
    const path = req.url.startsWith(base) ? req.url.slice(base.length) : new URL(req.url).pathname;
    const crl = /^\/crl\/(root|government-ca|public-ca)\.crl$/.exec(path);
    if (crl) {
      if (outages.crl) return 'reset';
      const ca = crl[1] === 'root' ? cas.root : crl[1] === 'government-ca' ? cas.governmentCa : cas.publicCa;
      return { status: 200, type: 'application/pkix-crl', body: await crlFor(ca) };
    }
    const ocsp = /^\/ocsp\/(government-ca|public-ca)$/.exec(path);
    if (ocsp && req.method === 'POST' && req.body) {
      if (outages.ocsp) return 'reset';
      return { status: 200, type: 'application/ocsp-response', body: await ocspFor(ocsp[1] === 'government-ca' ? cas.governmentCa : cas.publicCa, req.body) };
    }
    if (path === '/tsa' && req.method === 'POST' && req.body) {
      if (outages.tsa) return 'reset';
      const genTime = pki.tsaTime;
      const body = createTimestampResponse(req.body, { privateKey: tsa.privateKey, certificate: tsaCert, chain: [cas.governmentCa.cert] }, genTime ? { genTime } : {});
      return { status: 200, type: 'application/timestamp-reply', body };
    }
    return { status: 404, type: 'text/plain', body: Buffer.from(`no such test PKI resource: ${path}`) };
  };

  const fetcher: RevocationFetcher = async (req) => {
    if (!req.url.startsWith(base)) throw new SignatureError('ERR_SIGNATURE_REVOCATION_FETCH', `${req.url} is not served by this test PKI (${base})`);
    const answer = await handler!(req);
    if (answer === 'reset') throw new SignatureError('ERR_SIGNATURE_REVOCATION_FETCH', `${req.url}: connection reset (outage switched on)`);
    if (answer.status !== 200) throw new SignatureError('ERR_SIGNATURE_REVOCATION_FETCH', `${req.url} answered HTTP ${answer.status}`);
    return answer.body;
  };

  const pki: TestPki = {
    root: party(cas.root.cert, cas.root.key, []),
    governmentCa: party(cas.governmentCa.cert, cas.governmentCa.key, []),
    publicCa: party(cas.publicCa.cert, cas.publicCa.key, []),
    agency,
    citizen,
    tsa,
    trustAnchors: [cas.root.cert.pem],
    urls,
    fetcher,
    outages,
    tsaTime: undefined,
    issueEndEntity,
    revoke(target, at = new Date(), reason) {
      const pem = typeof target === 'string' ? target : target.certificatePem;
      const cert = parseCertificate(pem);
      const ca = Object.values(cas).find((c) => cert.asn.issuer.isEqual(c.cert.asn.subject));
      if (!ca) throw new SignatureInputError(`"${cert.subject.dn}" was not issued by this test PKI`);
      ca.revoked.set(cert.serialNumberHex, { at, ...(reason !== undefined ? { reason } : {}) });
    },
    async expire(p) {
      const cert = parseCertificate(p.certificatePem);
      const ca = Object.values(cas).find((c) => cert.asn.issuer.isEqual(c.cert.asn.subject))!;
      const now = Date.now();
      const notAfter = new Date(now - DAY);
      const notBefore = new Date(Math.min(now - 400 * DAY, validFrom.getTime()));
      if (notBefore < ca.cert.notBefore) throw new SignatureInputError('expire() needs a PKI created with validFrom more than a year and a day ago');
      return issueEndEntity({ subject: subjectOf(cert), issuer: ca.name as 'governmentCa', privateKey: p.privateKey, notBefore, notAfter, ...usageOf(cert) });
    },
    async weaken(p, how) {
      const cert = parseCertificate(p.certificatePem);
      const ca = Object.values(cas).find((c) => cert.asn.issuer.isEqual(c.cert.asn.subject))!;
      const common = { subject: subjectOf(cert), issuer: ca.name as 'governmentCa', ...usageOf(cert) };
      if ('hash' in how) return issueEndEntity({ ...common, privateKey: p.privateKey, hash: how.hash });
      return issueEndEntity({ ...common, keyAlgorithm: 'RSA', rsaBits: how.rsaBits });
    },
    toJSON() {
      const entry = (p: TestParty) => ({ certificatePem: p.certificatePem, privateKeyPem: p.privateKeyPem });
      return {
        version: 1,
        baseUrl: base,
        parties: { root: entry(pki.root), governmentCa: entry(pki.governmentCa), publicCa: entry(pki.publicCa), agency: entry(agency), citizen: entry(citizen), tsa: entry(tsa) },
        revoked: Object.values(cas).flatMap((ca) =>
          [...ca.revoked.entries()].map(([serialNumber, r]) => ({ issuer: ca.name, serialNumber, at: r.at.toISOString(), ...(r.reason !== undefined ? { reason: r.reason } : {}) })),
        ),
      };
    },
    async close() {
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    },
  };
  return pki;
}

function subjectOf(cert: ParsedCertificate): TestSubject {
  const s = cert.subject;
  return {
    commonName: s.commonName ?? 'unnamed',
    ...(s.organization ? { organization: s.organization } : {}),
    ...(s.organizationalUnit ? { organizationalUnit: s.organizationalUnit } : {}),
    ...(s.locality ? { locality: s.locality } : {}),
    ...(s.state ? { state: s.state } : {}),
    ...(s.country ? { country: s.country } : {}),
    ...(s.taxCode ? { taxCode: s.taxCode } : {}),
    ...(s.citizenId ? { citizenId: s.citizenId } : {}),
    ...(s.agencyCode ? { agencyCode: s.agencyCode } : {}),
  };
}

function usageOf(cert: ParsedCertificate): Pick<IssueEndEntityOptions, 'keyUsage' | 'extendedKeyUsage'> {
  return { ...(cert.keyUsage ? { keyUsage: [...cert.keyUsage] } : {}), ...(cert.extKeyUsage ? { extendedKeyUsage: cert.extKeyUsage } : {}) };
}

