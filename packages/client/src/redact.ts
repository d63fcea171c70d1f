/** What a redacted value is replaced with in logs and error messages. */
export const REDACTED = '[REDACTED]';

/** Query parameters and headers that carry secrets. */
const SECRET_NAMES = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-dvc-signature',
  'access_token', 'id_token', 'refresh_token', 'code', 'code_verifier', 'client_secret',
  'client_assertion', 'password', 'session', 'state', 'nonce', 'token',
]);

/** Fields that carry personal data (DOMAIN.md: the dossier owner, userinfo claims) or secrets. */
const PERSONAL_FIELDS = new Set([
  'SoDinhDanh', 'SoCMND', 'HoChieu', 'MaSoThue', 'MaBHXH', 'HoVaTen', 'NgayThangNamSinh', 'GioiTinh',
  'ThuDienTu', 'SoDienThoai', 'ThuongTru', 'NoiOHienNay', 'QueQuan', 'DiaChi', 'ChuHoSo', 'Email',
  'MaDoiTuong', 'TechID', 'MaSoDoanhNghiep', 'NguoiGui', 'NguoiXuLy', 'NguoiTraLoi', 'NoiDung',
]);

function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase());
}

/** The URL with the values of secret query parameters (`access_token`, `code`, `session` …) and any userinfo replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const at = url.indexOf('@');
  if (q < 0 && at < 0) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.slice(0, q < 0 ? url.length : q);
  }
  if (parsed.username || parsed.password) {
    parsed.username = REDACTED;
    parsed.password = '';
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretName(key)) parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
}

/** Headers with the values of `authorization`, `cookie`, `x-dvc-signature` … replaced. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = isSecretName(name) ? REDACTED : value;
  }
  return out;
}

/**
 * A deep copy of a JSON value with secrets (`session`, `password`, tokens) and personal data
 * (`SoDinhDanh`, `ChuHoSo`, `SoDienThoai` …) replaced, for logs.
 */
export function redactBody(value: unknown, depth = 0): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactBody(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSecretName(key) || PERSONAL_FIELDS.has(key) ? REDACTED : redactBody(v, depth + 1);
  }
  return out;
}
