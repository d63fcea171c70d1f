import { redactPersonal } from '@dvc-kit/validators';

/**
 * Fields whose values never appear in a report: secrets (tokens, passwords, sessions,
 * assertions) are replaced whole; personal data (DOMAIN.md: the owner's identifiers,
 * names, contacts, addresses) is masked so a reader can still tell records apart.
 */
const SECRET_FIELDS = new Set([
  'password', 'session', 'client_secret', 'client_assertion', 'access_token', 'id_token', 'refresh_token',
  'code', 'code_verifier', 'privatekey', 'privatekeypem', 'authorization', 'cookie', 'set-cookie',
  'proxy-authorization', 'dvc_dvcqg_password',
]);
const PERSONAL_FIELDS = new Set(
  [
    'SoDinhDanh', 'SoCMND', 'HoChieu', 'MaSoThue', 'MaBHXH', 'HoVaTen', 'NgayThangNamSinh', 'GioiTinh',
    'ThuDienTu', 'SoDienThoai', 'ThuongTru', 'NoiOHienNay', 'QueQuan', 'DiaChi', 'ChuHoSo', 'Email',
    'MaDoiTuong', 'TechID', 'MaSoDoanhNghiep', 'NguoiGui', 'TenDoanhNghiep', 'username',
  ].map((f) => f.toLowerCase()),
);

export const REDACTED = '[redacted]';

const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
// 12-digit personal IDs and 9-digit legacy IDs, Vietnamese mobile numbers; not inside longer digit runs.
const CITIZEN_ID = /(?<![\d.])(?:\d{12}|\d{9})(?![\d.])/g;
const PHONE = /(?<!\d)(?:\+84|0)[35789]\d{8}(?!\d)/g;

/** Masks secrets and identifiers found in free text (messages, raw bodies, URLs). */
export function redactText(text: string): string {
  return text
    .replace(JWT, (jwt) => `[redacted JWT, ${jwt.length} chars]`)
    .replace(PHONE, (m) => redactPersonal(m))
    .replace(CITIZEN_ID, (m) => redactPersonal(m));
}

/** A copy of a parsed JSON value with secret fields replaced and personal fields masked. */
export function redactJson(value: unknown, key?: string): unknown {
  const lower = key?.toLowerCase();
  if (lower !== undefined && SECRET_FIELDS.has(lower)) return value === null || value === undefined ? value : REDACTED;
  if (lower !== undefined && PERSONAL_FIELDS.has(lower)) {
    if (typeof value === 'string') return redactPersonal(value);
    if (typeof value === 'number') return REDACTED;
  }
  if (Array.isArray(value)) return value.map((v) => redactJson(v, key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactJson(v, k);
    return out;
  }
  if (typeof value === 'string') return redactText(value);
  return value;
}

/** Headers with credentials removed; a bearer token keeps only its scheme and length. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : String(raw);
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      const [scheme] = value.split(' ');
      out[lower] = `${scheme} ${REDACTED} (${value.length} chars)`;
    } else if (SECRET_FIELDS.has(lower)) {
      out[lower] = REDACTED;
    } else if (lower === 'x-dvc-signature') {
      // Not a secret, but long; the protected header (alg, x5c) is what a reader needs.
      out[lower] = value.length > 120 ? `${value.slice(0, 60)}…${value.slice(-20)} (${value.length} chars)` : value;
    } else {
      out[lower] = redactText(value);
    }
  }
  return out;
}

/**
 * A body for the report: JSON is parsed, redacted and re-serialised; form bodies have
 * their secret parameters removed; anything else is scrubbed as text. Long bodies are cut.
 */
export function redactBody(body: string, contentType = '', maxChars = 16_000): string {
  if (body === '') return body;
  let out: string;
  if (/json/i.test(contentType) || /^\s*[[{]/.test(body)) {
    try {
      out = JSON.stringify(redactJson(JSON.parse(body)), null, 2);
    } catch {
      out = redactText(body);
    }
  } else if (/x-www-form-urlencoded/i.test(contentType)) {
    const params = new URLSearchParams(body);
    for (const [k, v] of [...params]) {
      const lower = k.toLowerCase();
      if (SECRET_FIELDS.has(lower)) params.set(k, REDACTED);
      else if (PERSONAL_FIELDS.has(lower)) params.set(k, redactPersonal(v));
    }
    out = decodeURIComponent(params.toString());
  } else {
    out = redactText(body);
  }
  return out.length > maxChars ? `${out.slice(0, maxChars)}… [${out.length - maxChars} more characters cut]` : out;
}
