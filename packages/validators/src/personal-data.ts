import type { Sensitivity } from './redact.js';

/** Formats whose values identify a person. */
const PERSONAL_FORMATS = new Set(['vn-citizen-id', 'vn-legacy-id', 'vn-tax-code', 'vn-phone', 'email']);

/**
 * Wire fields that carry personal data or secrets (DOMAIN.md: dossier owner, userinfo
 * claims; OAuth and session secrets). Their values never appear in clear in an error.
 */
const PERSONAL_FIELDS = new Set([
  'SoDinhDanh', 'SoCMND', 'HoChieu', 'MaSoThue', 'MaBHXH', 'HoVaTen', 'NgayThangNamSinh', 'GioiTinh',
  'ThuDienTu', 'SoDienThoai', 'ThuongTru', 'NoiOHienNay', 'QueQuan', 'DiaChi', 'ChuHoSo', 'Email',
  'MaDoiTuong', 'TechID', 'MaSoDoanhNghiep',
  'password', 'session', 'client_secret', 'client_assertion', 'access_token', 'id_token', 'refresh_token',
  'code', 'code_verifier', 'authorization', 'x-dvc-signature',
]);

/** How sensitive the value at a pointer is, from its schema's format and its field name. */
export function sensitivityOf(format: unknown, pointer: string): Sensitivity {
  if (typeof format === 'string' && PERSONAL_FORMATS.has(format)) return 'personal';
  const last = pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  return PERSONAL_FIELDS.has(last) ? 'personal' : 'public';
}
