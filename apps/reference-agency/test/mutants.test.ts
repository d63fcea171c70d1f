import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDossierCode } from '@dvc-kit/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceAgency, type ReferenceAgency } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { MUTANTS, type MutantName } from '../src/mutants.js';
import { FakePortal } from './support/fake-portal.js';
import { call, feedback, json, submission, waitFor } from './support/http.js';
import { citizen, signIn } from './support/sign-in.js';

let portal: FakePortal;
let token: string;
/** A second portal over HTTPS, for the TLS mutants (started when first needed). */
let httpsPortal: FakePortal | undefined;

beforeAll(async () => {
  portal = await FakePortal.start();
  token = await portal.token({ scope: 'agency.dossiers.write agency.payments.write agency.feedback.write' });
  // Two people with the same name and phone number; the first owns the probes' dossiers.
  portal.citizens.set('probe-a', citizen({ sub: 'probe-a', SoDinhDanh: '038190004521' }));
  portal.citizens.set('probe-b', citizen({ sub: 'probe-b', SoDinhDanh: '001090000001' }));
}, 120_000);

afterAll(async () => {
  await portal?.close();
  await httpsPortal?.close();
});

/** The agency's HTTPS certificate files, for 127.0.0.1. */
async function tlsFiles(pki: FakePortal['pki']): Promise<Record<string, string>> {
  const server = await pki.issueEndEntity({ subject: { commonName: '127.0.0.1' }, issuer: 'governmentCa', subjectAltNames: { ip: ['127.0.0.1'] } });
  const dir = mkdtempSync(join(tmpdir(), 'ra-mutant-tls-'));
  writeFileSync(join(dir, 'tls.pem'), server.chainPem.join('\n'));
  writeFileSync(join(dir, 'tls.key'), server.privateKeyPem);
  return { DVC_TLS_CERT_FILE: join(dir, 'tls.pem'), DVC_TLS_KEY_FILE: join(dir, 'tls.key') };
}

/** Whether a TLS 1.0/1.1-only client gets an answer. */
function oldTlsAnswered(url: string, ca: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Probes that need their own setting: the portal over HTTPS, extra variables. */
const SETUP: Partial<Record<MutantName, { https?: boolean; env?: (pki: FakePortal['pki']) => Promise<Record<string, string>> }>> = {
  'tls-verification-off': { https: true },
  'tls-old-versions': { https: true, env: tlsFiles },
};

interface Probe {
  agency: ReferenceAgency;
  portal: FakePortal;
  post(path: string, body: unknown, extra?: Parameters<typeof call>[4]): ReturnType<typeof call>;
  get(path: string, extra?: Parameters<typeof call>[4]): ReturnType<typeof call>;
  submit(over?: Record<string, unknown>): Promise<string>;
}

const withdrawal = { LyDo: 'Nộp lại', NgayYeuCau: '20250702090000', SoDinhDanh: '038190004521' };
const payment = (code: string) => ({ paymentId: 'PAY-AAAABBBB', MaHoSo: code, amount: 100000, currency: 'VND', status: 'paid', createdAt: '2025-07-01T08:20:00+07:00', transactionRef: 'PG1' });
/** The first push of a dossier made after `since` (codes repeat across the probes' fresh databases). */
const pushOf = async (submitting: Promise<string>) => {
  const since = Date.now();
  const code = await submitting;
  return waitFor(() => portal.calls.find((c) => c.at >= since && c.path.includes(code)), `a push of ${code}`);
};

/** For each mutant: a probe that answers true when the defect shows. It must answer false on the reference. */
const PROBES: Record<MutantName, (p: Probe) => Promise<boolean>> = {
  'dossier-code-grammar': async (p) => !parseDossierCode(await p.submit()).ok,
  'dossier-code-reuse': async (p) => (await p.submit()) === (await p.submit()),
  'public-lookup-leaks': async (p) => 'ChuHoSo' in (await p.get(`/v1/public/dossiers/${await p.submit()}`)).body,
  'lookup-any-citizen': async (p) => (await p.get(`/v1/dossiers/${await p.submit()}`, { token: await portal.token({ SoDinhDanh: '001090000001' }) })).status === 200,
  'token-signature-unchecked': async (p) => (await p.post('/v1/dossiers', submission(), { token: await portal.forgedToken('agency.dossiers.write') })).status === 201,
  'token-audience-unchecked': async (p) => (await p.post('/v1/dossiers', submission(), { token: await portal.token({ scope: 'agency.dossiers.write', aud: 'x' }) })).status === 201,
  'token-expiry-unchecked': async (p) => (await p.post('/v1/dossiers', submission(), { token: await portal.token({ scope: 'agency.dossiers.write', exp: Math.floor(Date.now() / 1000) - 600 }) })).status === 201,
  'token-scope-unchecked': async (p) => (await p.post('/v1/dossiers', submission(), { token: await portal.token({ scope: 'agency.feedback.write' }) })).status === 201,
  'signer-agency-unchecked': async (p) => {
    const other = await portal.pki.issueEndEntity({ subject: { commonName: 'Một cửa H29', organization: '000.00.00.H29' }, issuer: 'governmentCa' });
    return (await p.post('/v1/dossiers', submission(), { signer: other })).status === 201;
  },
  'request-signature-unchecked': async (p) => (await p.post('/v1/dossiers', submission(), { sign: false })).status === 201,
  'validation-skipped': async (p) => (await p.post('/v1/dossiers', submission({ LoaiDoiTuong: '9' }))).status === 201,
  // A phone number of the wrong form: the schema's format, which the types-only check lets through.
  'validation-types-only': async (p) => (await p.post('/v1/dossiers', submission({ SoDienThoai: 'x' }))).status === 201,
  'feedback-token-decoded-only': async (p) => (await p.post('/v1/feedback', feedback(), { token: await portal.forgedToken('agency.feedback.write') })).status === 202,
  'idempotency-ignored': async (p) => {
    const body = submission();
    const a = await p.post('/v1/dossiers', body, { idempotencyKey: 'same-key-0001' });
    const b = await p.post('/v1/dossiers', body, { idempotencyKey: 'same-key-0001' });
    return a.body.MaHoSo !== b.body.MaHoSo;
  },
  // A 255-character Vietnamese owner name (2–3 bytes a letter) is within ChuHoSo's maxLength in characters.
  'byte-length-limits': async (p) => (await p.post('/v1/dossiers', submission({ ChuHoSo: 'Nguyễn Thị Ánh Tuyết '.repeat(12).slice(0, 255) }))).status === 422,
  // A payment notification with a junk signature gets past it (the reference refuses it with 403).
  'signature-receive-only': async (p) => (await p.post('/v1/payment-notifications', payment(await p.submit()), { sign: 'eyJhbGciOiJFUzI1NiJ9..c2lnbmF0dXJl' })).status !== 403,
  'idempotency-receive-only': async (p) => (await p.post('/v1/feedback', feedback(), { idempotencyKey: false })).status === 202,
  'idempotency-body-unchecked': async (p) => {
    await p.post('/v1/dossiers', submission(), { idempotencyKey: 'same-key-0002' });
    return (await p.post('/v1/dossiers', submission(), { idempotencyKey: 'same-key-0002' })).status !== 422;
  },
  'events-unsigned': async (p) => (await pushOf(p.submit())).signature === 'missing',
  'events-badly-signed': async (p) => (await pushOf(p.submit())).signature === 'invalid',
  'illegal-transition': async (p) => {
    const code = await p.submit();
    await waitFor(() => portal.statuses(code).includes('2'), 'status 2 at the portal');
    p.agency.services.officials.runOnce(Date.now() + 3600_000);
    const entry = await waitFor(() => p.agency.services.outbox.entries(code).find((e) => e.state !== 'pending' && e.id !== p.agency.services.outbox.entries(code)[0]!.id), 'the second push settled');
    return entry.state === 'failed' && /409/.test(entry.lastError ?? '');
  },
  'late-sync': async (p) => {
    const code = await p.submit();
    return p.agency.services.outbox.entries(code)[0]!.dueAt - Date.now() > 15 * 60_000;
  },
  'push-dropped-on-failure': async (p) => {
    // More 503s than the client retries in-process, so the push fails once as a whole.
    portal.faults = { count: 3, status: 503 };
    const code = await p.submit();
    const entry = await waitFor(() => p.agency.services.outbox.entries(code).find((e) => e.attempts > 0 || e.state !== 'pending'), 'a push attempt');
    portal.faults = { count: 0, status: 503 };
    return entry.state === 'failed' && /dropped/.test(entry.lastError ?? '');
  },
  'supplement-any-status': async (p) => {
    const code = await p.submit();
    const body = { HoSoBoSungId: 'BS-1', NgayBoSung: '20250702100000', TaiLieuNop: [{ TepDinhKemId: 'f', TenTepDinhKem: 'a.pdf', MaThanhPhanHoSo: 'TP01' }] };
    return (await p.post(`/v1/dossiers/${code}/supplements`, body)).status === 202;
  },
  'withdraw-after-final': async (p) => {
    const code = await p.submit();
    await p.post(`/v1/dossiers/${code}/withdrawal`, withdrawal);
    return (await p.post(`/v1/dossiers/${code}/withdrawal`, withdrawal)).status === 200;
  },
  'withdraw-any-citizen': async (p) => (await p.post(`/v1/dossiers/${await p.submit()}/withdrawal`, { ...withdrawal, SoDinhDanh: '001090000001' })).status === 200,
  'payment-double-credit': async (p) => {
    const code = await p.submit();
    await p.post('/v1/payment-notifications', payment(code));
    await p.post('/v1/payment-notifications', payment(code));
    return p.agency.services.store.history(code).length > 2;
  },
  // The gateway said the payment failed (final); a later "paid" for the same payment is not credited.
  'payment-state-unchecked': async (p) => {
    const code = await p.submit();
    await p.post('/v1/payment-notifications', { ...payment(code), status: 'failed' });
    await p.post('/v1/payment-notifications', payment(code));
    return p.agency.services.store.get(code)!.paid;
  },
  'errors-as-500': async (p) => (await p.get('/no-such-path')).status === 500,
  'stack-trace-leak': async (p) => {
    p.agency.services.store.db.close();
    const res = await p.get(`/v1/public/dossiers/000.00.06.H56-250701-0001`);
    return res.status === 500 && /\n\s+at /.test(String(res.body?.detail));
  },
  'account-linked-by-name': async (p) => {
    const code = await p.submit();
    await signIn(p.portal, p.agency.url, 'probe-a');
    const other = await signIn(p.portal, p.agency.url, 'probe-b');
    const list = await json(fetch(`${p.agency.url}/v1/me/dossiers`, { headers: { cookie: other } }));
    return list.items.some((i: { MaHoSo: string }) => i.MaHoSo === code);
  },
  'evaluation-not-forwarded': async (p) => {
    const code = await p.submit();
    await p.post(`/v1/dossiers/${code}/withdrawal`, withdrawal);
    const cookie = await signIn(p.portal, p.agency.url, 'probe-a');
    const res = await fetch(`${p.agency.url}/v1/me/dossiers/${code}/evaluation`, { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ KetQua: '1' }) });
    if (res.status !== 201) throw new Error(`evaluateDossier answered ${res.status}`);
    await waitFor(() => p.agency.services.evaluations.get(code)?.state !== 'pending', 'the evaluation settled');
    return !p.portal.evaluations.has(code);
  },
  'feedback-unanswered': async (p) => {
    const sent = feedback();
    expect((await p.post('/v1/feedback', sent)).status).toBe(202);
    // Past the answer's due time: the reference's officials answer it in this pass.
    p.agency.services.officials.runOnce(Date.now() + 24 * 3600_000);
    return p.agency.services.feedback.get(sent.MaPhanAnh as string)!.TrangThai !== '3';
  },
  'feedback-accountability-missing': async (p) => {
    const code = await p.submit();
    expect((await p.post('/v1/feedback', feedback({ MaHoSo: code }))).status).toBe(202);
    const view = await p.get(`/v1/dossiers/${code}`, { token: await p.portal.token({ SoDinhDanh: '038190004521' }) });
    const item = view.body.feedback[0];
    return !(item.NgayNhan && item.DonViXuLy && item.HanTraLoi);
  },
  'retry-fixed-interval': async (p) => {
    // Every push answered 503. The agency here backs off from 20 ms: after five failed attempts the next is due
    // ≥ 320 ms later on the reference (20·2⁴), 20 ms with the mutant.
    p.portal.faults = { count: 1000, status: 503 };
    try {
      const code = await p.submit();
      const entry = await waitFor(() => p.agency.services.outbox.entries(code).find((e) => e.attempts >= 5 && e.state === 'pending'), 'five failed attempts');
      return entry.dueAt - Date.now() < 100;
    } finally {
      p.portal.faults = { count: 0, status: 503 };
    }
  },
  'retry-validation-errors': async (p) => {
    // The first push is refused as invalid (422): set aside on the reference, due again with the mutant.
    p.portal.faults = { count: 1, status: 422 };
    try {
      const code = await p.submit();
      const entry = await waitFor(() => p.agency.services.outbox.entries(code).find((e) => e.attempts > 0), 'the refused attempt');
      return entry.state === 'pending';
    } finally {
      p.portal.faults = { count: 0, status: 503 };
    }
  },
  'retry-after-ignored': async (p) => {
    // The first push is answered 429 with Retry-After: 30.
    p.portal.faults = { count: 1, status: 429, retryAfter: '30' };
    try {
      const code = await p.submit();
      const entry = await waitFor(() => p.agency.services.outbox.entries(code).find((e) => e.attempts > 0), 'the throttled attempt');
      return entry.state === 'delivered' || entry.dueAt - Date.now() < 20_000;
    } finally {
      p.portal.faults = { count: 0, status: 503 };
    }
  },
  'tls-verification-off': async (p) => {
    await p.submit(); // reads discovery and the JWKS while the portal's certificate is right
    await p.portal.serveCertificateFor({ dns: ['dichvucong.example.vn'] });
    try {
      const code = await p.submit();
      const entry = await waitFor(() => p.agency.services.outbox.entries(code).find((e) => e.attempts > 0), `a push attempt of ${code}`);
      return entry.state === 'delivered';
    } finally {
      await p.portal.serveCertificateFor({ ip: ['127.0.0.1'] });
    }
  },
  'tls-old-versions': async (p) => oldTlsAnswered(`${p.agency.url}/health`, p.portal.pki.trustAnchors),
  // A well-formed code of the agency from before the 2025-07-01 mergers: unknown (404), not invalid.
  'pre-merger-codes-refused': async (p) => (await p.get('/v1/public/dossiers/000.00.00.H22-250615-0001')).status === 400,
  'public-lookup-unlimited': async (p) => {
    const code = await p.submit();
    let last = 0;
    for (let i = 0; i < 4; i++) last = (await p.get(`/v1/public/dossiers/${code}`)).status;
    return last === 200;
  },
};

let probes = 0;

async function probe(mutant: MutantName | undefined, name: MutantName): Promise<boolean> {
  // Each probe's fresh database restarts the daily counters: a unit of its own keeps its
  // dossier codes apart from the other probes' at the shared test portal.
  probes += 1;
  const unit = `000.00.${String(probes).padStart(2, '0')}.H56`;
  const setup = SETUP[name] ?? {};
  if (setup.https) httpsPortal ??= await FakePortal.start({ https: true });
  const at = setup.https ? httpsPortal! : portal;
  const extra = (await setup.env?.(at.pki)) ?? {};
  const env = at.agencyEnv({ DVC_STEP_INTERVAL_MS: '3600000', DVC_PUBLIC_LOOKUP_LIMIT: '3', ...extra, ...(mutant ? { DVC_MUTANT: mutant } : {}) });
  const agency = await startReferenceAgency(loadConfig(env), { sync: { baseBackoffMs: 20 } });
  const writer = at === portal ? token : await at.token({ scope: 'agency.dossiers.write agency.payments.write agency.feedback.write' });
  const p: Probe = {
    agency,
    portal: at,
    post: (path, body, extra = {}) => {
      const b = body as Record<string, unknown>;
      const withUnit = path === '/v1/dossiers' && b && typeof b === 'object' && 'MaCoQuanThucHien' in b ? { ...b, MaCoQuanThucHien: unit } : body;
      return call(at, agency.url, 'POST', path, { token: writer, body: withUnit, sign: true, ...extra });
    },
    get: (path, extra = {}) => call(at, agency.url, 'GET', path, extra),
    async submit(over = {}) {
      const res = await p.post('/v1/dossiers', submission(over));
      if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.MaHoSo as string;
    },
  };
  try {
    return await PROBES[name](p);
  } finally {
    await agency.close().catch(() => undefined);
  }
}

describe('DVC_MUTANT defects', () => {
  it('has a probe for every mutant', () => {
    expect(Object.keys(PROBES).sort()).toEqual(Object.keys(MUTANTS).sort());
  });

  for (const name of Object.keys(MUTANTS) as MutantName[]) {
    it(`${name}: the defect shows with the mutant and not on the reference`, async () => {
      expect(await probe(name, name), 'mutant').toBe(true);
      expect(await probe(undefined, name), 'reference').toBe(false);
    }, 30_000);
  }
});
