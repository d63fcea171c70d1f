import { redactPersonal } from '@dvc-kit/validators';

/** Headers whose values are secrets. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);
/** Fields that carry secrets: dropped entirely. */
const SECRET_FIELDS = new Set(['password', 'session', 'client_assertion', 'client_secret', 'access_token', 'id_token', 'refresh_token', 'code_verifier', 'privateKeyPem', 'clientSecret', 'dvcqgPassword']);
/** Fields that carry personal data (DOMAIN.md): shown partly. */
const PERSONAL_FIELDS = new Set([
  'ChuHoSo', 'MaDoiTuong', 'SoDinhDanh', 'Email', 'SoDienThoai', 'NguoiGui', 'ThuDienTu', 'HoVaTen', 'NgayThangNamSinh', 'SoCMND', 'HoChieu',
  'MaBHXH', 'ThuongTru', 'NoiOHienNay', 'QueQuan', 'DiaChi', 'TechID', 'sub', 'MaSoThue',
]);

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (SECRET_HEADERS.has(k)) out[k] = v.includes(' ') ? `${v.slice(0, v.indexOf(' '))} [redacted]` : '[redacted]';
    else if (k === 'location') out[k] = v.replace(/([?&]code=)[^&]+/, '$1[redacted]');
    else if (k === 'x-dvc-signature') out[k] = v.length > 40 ? `${v.slice(0, 24)}…[${v.length} chars]` : v;
    else out[k] = v;
  }
  return out;
}

/** A copy of a JSON value with secrets removed and personal data masked. */
export function redactJson(value: unknown, key?: string): unknown {
  if (key !== undefined && SECRET_FIELDS.has(key)) return '[redacted]';
  if (Array.isArray(value)) return value.map((v) => redactJson(v, key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactJson(v, k);
    return out;
  }
  if (typeof value === 'string' && key !== undefined && PERSONAL_FIELDS.has(key)) return redactPersonal(value);
  return value;
}
