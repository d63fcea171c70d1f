/**
 * npm run bench — figures measured in one run, as ratios against baselines run here too.
 *
 * 1. Sign + verify of a detached JWS over a 10 KB dossier: signMessage + verifyMessage
 *    (full path validation, revocation from a warm cache) vs the same work written
 *    directly on node:crypto (JCS, ES256 sign and verify, X.509 parsing and the chain's
 *    signature and validity checks). Target ≥ 0.9×.
 * 2. Chain validation: validations/s with cached CRL/OCSP answers, vs fetching them
 *    every time from the in-process test PKI.
 */
import { sign, verify, X509Certificate } from 'node:crypto';
import { canonicalize, createTestPki, parseCertificate, RevocationCache, signMessage, validateCertificatePath, verifyMessage } from '../src/index.js';

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function dossier(): Record<string, unknown> {
  const steps = Array.from({ length: 40 }, (_, i) => ({
    MaHoSo: '000.00.06.H56-231027-0361',
    NguoiXuLy: `Nguyễn Văn ${String.fromCharCode(65 + i)}`,
    ChucDanh: 'Chuyên viên',
    ThoiDiemXuLy: `202310${String(10 + i).padStart(2, '0')}083000`,
    PhongBanXuLy: 'Bộ phận Một cửa',
    NoiDungXuLy: 'Tiếp nhận và chuyển xử lý hồ sơ theo quy định',
    TrangThai: (i % 10) + 1,
  }));
  return {
    MaHoSo: '000.00.06.H56-231027-0361',
    MaTTHC: '1.000656',
    TenTTHC: 'Cấp giấy phép xây dựng đối với công trình cấp III, cấp IV',
    ChuHoSo: 'Nguyễn Văn An',
    TrichYeuHoSo: 'Đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ',
    TrangThaiHoSo: 4,
    NgayTiepNhan: '20231027083000',
    NgayHenTra: '20231110170000',
    TaiLieuNop: steps.slice(0, 6).map((s, i) => ({ TepDinhKemId: `f${i}`, TenTepDinhKem: `${s.NguoiXuLy}.pdf`, DuongDanTaiTepTin: `https://dichvucong.example.vn/files/${i}` })),
    QuaTrinhXuLy: steps,
  };
}

/** Grow the dossier's history until its canonical form reaches 10 KB. */
function dossierOf10k(): Record<string, unknown> {
  const d = dossier();
  const steps = d.QuaTrinhXuLy as unknown[];
  while (Buffer.byteLength(canonicalize(d)) > 10_240) steps.pop();
  while (Buffer.byteLength(canonicalize(d)) < 10_240) steps.push({ ...(steps[0] as object), GhiChu: 'x'.repeat(8) });
  return d;
}

async function measure(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const end = performance.now() + ROUND_MS;
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return n / (ROUND_MS / 1000);
}

/** Interleave rounds of both sides to spread drift; return the best round of each. */
async function compare(ours: () => Promise<unknown>, base: () => Promise<unknown>): Promise<{ ours: number; base: number }> {
  for (let i = 0; i < 200; i++) {
    await ours();
    await base();
  }
  let o = 0;
  let b = 0;
  for (let r = 0; r < ROUNDS; r++) {
    b = Math.max(b, await measure(base));
    o = Math.max(o, await measure(ours));
  }
  return { ours: o, base: b };
}

const pki = await createTestPki({ serve: false });
const body = dossierOf10k();
const size = Buffer.byteLength(canonicalize(body));
const cache = new RevocationCache();
const options = { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher, cache } };

const chainDer = pki.agency.chainPem.map((p) => new X509Certificate(p).raw);
const rootDer = new X509Certificate(pki.root.certificatePem).raw;
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

// The same operation on bare node:crypto, as an integrator would write it by hand.
async function bare(): Promise<void> {
  const header = b64(JSON.stringify({ alg: 'ES256', b64: false, crit: ['b64'], x5c: chainDer.map((d) => d.toString('base64')) }));
  const payload = Buffer.from(canonicalize(body));
  const sig = sign('sha256', Buffer.concat([Buffer.from(`${header}.`), payload]), { key: pki.agency.privateKey, dsaEncoding: 'ieee-p1363' });
  const jws = `${header}..${b64(sig)}`;
  const [h, , s] = jws.split('.');
  const parsed = JSON.parse(Buffer.from(h!, 'base64url').toString()) as { x5c: string[] };
  const certs = parsed.x5c.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
  const root = new X509Certificate(rootDer);
  const data = Buffer.concat([Buffer.from(`${h}.`), Buffer.from(canonicalize(body))]);
  if (!verify('sha256', data, { key: certs[0]!.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url'))) throw new Error('bad');
  const now = Date.now();
  const path = [...certs, root];
  for (let i = 0; i < path.length - 1; i++) {
    const c = path[i]!;
    const issuer = path[i + 1]!;
    if (!c.checkIssued(issuer) || !c.verify(issuer.publicKey)) throw new Error('chain');
    if (Date.parse(c.validFrom) > now || Date.parse(c.validTo) < now) throw new Error('validity');
  }
}

async function ours(): Promise<void> {
  const jws = await signMessage(body, { privateKey: pki.agency.privateKey, certificates: pki.agency.chainPem });
  const report = await verifyMessage(jws, body, options);
  if (report.indication !== 'TOTAL_PASSED') throw new Error(report.subIndication);
}

// Lower bound for reference: certificates parsed once, no revocation, no report.
const parsedChain = chainDer.map((d) => new X509Certificate(d));
const parsedRoot = new X509Certificate(rootDer);
async function bareCryptoOnly(): Promise<void> {
  const header = b64(JSON.stringify({ alg: 'ES256', b64: false, crit: ['b64'], x5c: chainDer.map((d) => d.toString('base64')) }));
  const data = Buffer.concat([Buffer.from(`${header}.`), Buffer.from(canonicalize(body))]);
  const sig = sign('sha256', data, { key: pki.agency.privateKey, dsaEncoding: 'ieee-p1363' });
  const check = Buffer.concat([Buffer.from(`${header}.`), Buffer.from(canonicalize(body))]);
  if (!verify('sha256', check, { key: parsedChain[0]!.publicKey, dsaEncoding: 'ieee-p1363' }, sig)) throw new Error('bad');
  if (!parsedChain[0]!.verify(parsedChain[1]!.publicKey) || !parsedChain[1]!.verify(parsedRoot.publicKey)) throw new Error('chain');
}

const jws = await compare(ours, bare);
const floor = await compare(ours, bareCryptoOnly);
console.log(`detached JWS sign+verify, ${(size / 1024).toFixed(1)} KB dossier (ES256 signer, EC P-256 CAs, 3-certificate path, cached revocation)`);
console.log(`  @dvc-kit/signature   ${jws.ours.toFixed(0)} ops/s`);
console.log(`  bare node:crypto     ${jws.base.toFixed(0)} ops/s`);
console.log(`  ratio                ${(jws.ours / jws.base).toFixed(2)}×  (target ≥ 0.90×)`);
console.log(`  reference: bare crypto with certificates pre-parsed, no revocation: ${floor.base.toFixed(0)} ops/s (ratio ${(floor.ours / floor.base).toFixed(2)}×)`);

const leaf = parseCertificate(pki.citizen.certificatePem);
const carried = [parseCertificate(pki.publicCa.certificatePem)];
const warm = new RevocationCache();
const cached = () => validateCertificatePath(leaf, carried, { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher, cache: warm } }, { validationTime: new Date() });
const uncached = () => validateCertificatePath(leaf, carried, { trustAnchors: pki.trustAnchors, revocation: { fetcher: pki.fetcher } }, { validationTime: new Date() });
const chain = await compare(cached, uncached);
console.log('chain validation (citizen → public CA → root, OCSP + CRL)');
console.log(`  cached revocation    ${chain.ours.toFixed(0)} validations/s`);
console.log(`  fetched every time   ${chain.base.toFixed(0)} validations/s (in-process responder, no network)`);
console.log(`  ratio                ${(chain.ours / chain.base).toFixed(1)}×`);
await pki.close();
