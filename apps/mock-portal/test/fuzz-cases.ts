/**
 * Malformed requests for every write endpoint: random JSON, mutated valid bodies, bodies
 * that are not JSON, wrong content types, odd path parameters and headers. Deterministic
 * for a seed (fast-check).
 */
import fc from 'fast-check';
import { DOSSIER, step } from './scenario.js';

export interface FuzzRequest {
  endpoint: string;
  binding: 'rest' | 'token' | 'dvcqg';
  method: 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body: string;
}

const bases: Record<string, unknown> = {
  upsertDossier: DOSSIER,
  appendDossierEvents: { events: [step('4', 'Thụ lý', '20231027093000')] },
  syncDossierBatch: { items: [DOSSIER] },
  answerFeedback: { NoiDungTraLoi: 'Đã xử lý', NguoiTraLoi: 'Trần Quốc Hùng', NgayTraLoi: '20231106100000', KetQua: '1' },
  submitEvaluations: { items: [{ MaHoSo: DOSSIER.MaHoSo, NgayDanhGia: '20231103150000', KetQua: '2' }] },
  submitStatisticsReport: { agencyCode: '000.00.00.H56', period: { kind: 'quarter', from: '2025-07-01', to: '2025-09-30' }, totals: { received: 1, online: 1, onTime: 1, late: 0, inProgress: 0 }, procedures: [] },
  createPayment: { MaHoSo: DOSSIER.MaHoSo, DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí', Gia: 1000 }], returnUrl: 'https://example.vn/r' },
  dvcqgLogin: { username: 'fuzz', password: 'fuzz-password' },
  dvcqgIntegration: { session: 'SESSION', madonvi: '000.00.00.H56', service: 'DongBoHoSoMC', isUpdating: 'False', data: [DOSSIER] },
  dvcqgShare: { session: 'SESSION', madonvi: '000.00.00.H56', service: 'LayDanhSachTTHC' },
  requestToken: { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'x.y.z' },
};

const endpoints: { name: string; binding: FuzzRequest['binding']; method: 'POST' | 'PUT'; path: (p: string) => string }[] = [
  { name: 'upsertDossier', binding: 'rest', method: 'PUT', path: (p) => `/v1/dossiers/${p}` },
  { name: 'appendDossierEvents', binding: 'rest', method: 'POST', path: (p) => `/v1/dossiers/${p}/events` },
  { name: 'syncDossierBatch', binding: 'rest', method: 'POST', path: () => '/v1/dossier-batches' },
  { name: 'answerFeedback', binding: 'rest', method: 'POST', path: (p) => `/v1/feedback/${p}/answers` },
  { name: 'submitEvaluations', binding: 'rest', method: 'POST', path: () => '/v1/evaluations' },
  { name: 'submitStatisticsReport', binding: 'rest', method: 'POST', path: () => '/v1/statistics/reports' },
  { name: 'createPayment', binding: 'rest', method: 'POST', path: () => '/v1/payments' },
  { name: 'requestToken', binding: 'token', method: 'POST', path: () => '/oauth2/token' },
  { name: 'dvcqgLogin', binding: 'dvcqg', method: 'POST', path: () => '/dvcqg/login' },
  { name: 'dvcqgIntegration', binding: 'dvcqg', method: 'POST', path: () => '/dvcqg/integration' },
  { name: 'dvcqgShare', binding: 'dvcqg', method: 'POST', path: () => '/dvcqg/share' },
];

const json = fc.anything({ maxDepth: 3, withNullPrototype: false, withBigInt: false, withDate: false, withMap: false, withSet: false, withTypedArray: false, withSparseArray: false, withBoxedValues: false });

function mutate(base: unknown): fc.Arbitrary<unknown> {
  const obj = base as Record<string, unknown>;
  const keys = Object.keys(obj);
  return fc.oneof(
    fc.constantFrom(...keys).map((k) => {
      const copy = { ...obj };
      delete copy[k];
      return copy;
    }),
    fc.tuple(fc.constantFrom(...keys), json).map(([k, v]) => ({ ...obj, [k]: v })),
    fc.tuple(fc.string({ maxLength: 20 }), json).map(([k, v]) => ({ ...obj, [k]: v })),
    fc.tuple(fc.constantFrom(...keys), fc.string({ unit: 'grapheme', minLength: 0, maxLength: 3000 })).map(([k, v]) => ({ ...obj, [k]: v })),
    fc.tuple(fc.constantFrom(...keys), fc.constantFrom(null, 0, -1, 1e308, true, [], {}, '', '\u0000', '9'.repeat(400))).map(([k, v]) => ({ ...obj, [k]: v })),
  );
}

export function fuzzCases(count: number, seed: number, auth: { bearer: string; session: string }): FuzzRequest[] {
  const arb = fc.record({
    endpoint: fc.constantFrom(...endpoints),
    param: fc.oneof(fc.constant(DOSSIER.MaHoSo), fc.constant('PA-20251001-0001'), fc.string({ maxLength: 60 }).map(encodeURIComponent), fc.constant('%E0%A4%A'), fc.constant('..%2F..%2Fetc')),
    body: fc.oneof(
      { weight: 3, arbitrary: fc.constant('mutate') },
      { weight: 1, arbitrary: json.map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', '{"a":', 'null', '"x"', '{"__proto__":{"polluted":1}}', '\uFEFF{}') },
    ),
    seedMutation: fc.integer(),
    contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('default') }, { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/xml', '', 'application/json; charset=latin1') }),
    token: fc.oneof({ weight: 8, arbitrary: fc.constant('valid') }, { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer x.y.z', 'Basic ????', `Bearer ${'a'.repeat(5000)}`) }),
    idempotencyKey: fc.oneof(fc.uuid(), fc.string({ maxLength: 200 })),
    signature: fc.oneof(fc.constant('eyJhbGciOiJFUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..c2lnbmF0dXJlLXZhbHVl'), fc.string({ maxLength: 100 }), fc.constant('a..b')),
  });
  return fc.sample(arb, { seed, numRuns: count }).map((c, i) => {
    const base = bases[c.endpoint.name];
    let body: string;
    if (c.body === 'mutate') {
      const value = fc.sample(mutate(base), { seed: c.seedMutation, numRuns: 1 })[0];
      body = c.endpoint.binding === 'token' ? new URLSearchParams(Object.entries(value as Record<string, unknown>).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString() : JSON.stringify(value);
    } else body = c.body;
    if (c.endpoint.binding === 'dvcqg') body = body.replace('SESSION', auth.session);
    const contentType = c.contentType === 'default' ? (c.endpoint.binding === 'token' ? 'application/x-www-form-urlencoded' : 'application/json') : c.contentType;
    const headers: Record<string, string> = { 'x-request-id': `fuzz-${i}` };
    if (contentType) headers['content-type'] = contentType;
    if (c.endpoint.binding === 'rest') {
      const token = c.token === 'valid' ? `Bearer ${auth.bearer}` : c.token;
      if (token) headers.authorization = token;
      headers['idempotency-key'] = c.idempotencyKey.replace(/[\r\n]/g, '');
      headers['x-dvc-signature'] = c.signature.replace(/[\r\n]/g, '');
    }
    for (const [k, v] of Object.entries(headers)) if (!/^[\t\x20-\x7e]*$/.test(v)) headers[k] = encodeURIComponent(v);
    return { endpoint: c.endpoint.name, binding: c.endpoint.binding, method: c.endpoint.method, path: c.endpoint.path(c.param), headers, body };
  });
}

/** What every answer must be: no 5xx, and the binding's error shape. Returns a complaint or undefined. */
export function judge(c: FuzzRequest, status: number, headers: Record<string, string>, text: string): string | undefined {
  if (status >= 500) return `HTTP ${status}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `answer is not JSON: ${text.slice(0, 100)}`;
  }
  if (c.binding === 'dvcqg') {
    if (status === 200 && typeof body.error_code === 'string') return undefined;
    return `dvcqg answer without error_code (HTTP ${status})`;
  }
  if (c.binding === 'token') {
    if (status === 200 || (status >= 400 && typeof body.error === 'string')) return undefined;
    return `token endpoint answer is not an RFC 6749 error (HTTP ${status})`;
  }
  if (status < 400) return undefined;
  if (headers['content-type'] !== 'application/problem+json') return `content-type ${headers['content-type']}`;
  if (typeof body.type !== 'string' || typeof body.title !== 'string' || body.status !== status) return `not a problem+json body: ${text.slice(0, 100)}`;
  return undefined;
}
