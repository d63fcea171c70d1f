import { randomUUID } from 'node:crypto';
import type { TestParty } from '@dvc-kit/signature';
import type { FakePortal } from './fake-portal.js';

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** true: signed by the portal; a string: that header value; false/absent: unsigned. */
  sign?: boolean | string;
  /** Signed by this party instead of the portal (wins over `sign`). */
  signer?: TestParty;
  idempotencyKey?: string | false;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
}

/** Calls the agency system over real HTTP. */
export async function call(portal: FakePortal, baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.signer) headers['x-dvc-signature'] = await portal.sign(options.body, options.signer);
  else if (options.sign === true) headers['x-dvc-signature'] = await portal.sign(options.body);
  else if (typeof options.sign === 'string') headers['x-dvc-signature'] = options.sign;
  if (method === 'POST' && options.idempotencyKey !== false) headers['idempotency-key'] = options.idempotencyKey ?? randomUUID();
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), redirect: 'manual' });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body };
}

/** Polls until `check` returns a truthy value (or fails after `timeoutMs`). */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let counter = 0;
/** A valid submission as the portal forwards it. */
export function submission(over: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    MaHoSoQuocGia: `G22.99-${Date.now()}-${counter}`,
    MaTTHC: '2.000720',
    MaCoQuanThucHien: '000.00.06.H56',
    ChuHoSo: 'Lê Thị Hồng Nhung',
    LoaiDoiTuong: '1',
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038190004521' }],
    SoDienThoai: '0912345678',
    TrichYeuHoSo: 'Thay đổi ngành nghề kinh doanh',
    NgayNopHoSo: '20250701081502',
    TaiKhoanDuocXacThucVoiVNeID: '1',
    TaiLieuNop: [{ TepDinhKemId: 'f-20250701-0001', TenTepDinhKem: 'Giay-de-nghi.pdf', MaThanhPhanHoSo: 'TP01' }],
    ...over,
  };
}

/** A fetch answer's JSON body, untyped for assertions. */
export async function json(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}

let feedbackCounter = 0;
/** A feedback as the portal forwards it (receiveFeedback). */
export function feedback(over: Record<string, unknown> = {}): Record<string, unknown> {
  feedbackCounter += 1;
  return {
    MaPhanAnh: `PA-20250702-${String(Date.now() % 10000).padStart(4, '0')}${feedbackCounter}`,
    TieuDe: 'Chậm trả kết quả',
    NoiDung: 'Hồ sơ của tôi chưa có kết quả.',
    NguoiGui: 'Lê Thị Hồng Nhung',
    NgayGui: '20250702091500',
    MaCoQuanXuLy: '000.00.00.H56',
    TrangThai: '1',
    ...over,
  };
}
