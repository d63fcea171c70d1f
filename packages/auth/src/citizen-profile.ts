import { UserInfoInvalidError } from './errors.js';

/**
 * The national portal's userinfo claims, named exactly as the portal sends them.
 * Local type until @dvc-kit/spec publishes `components['schemas']['UserInfo']`.
 */
export interface PortalUserInfo {
  sub: string;
  /** Stable account key: use it, not `sub`, to link a portal account to a local one. */
  TechID?: string;
  LoaiTaiKhoan?: string | number;
  /** Levels of assurance the account holds, e.g. ["LoA1", "LoA2"]. */
  loAs?: string | string[];
  /** 12-digit personal identification number. */
  SoDinhDanh?: string;
  /** Old 9- or 12-digit identity card number. */
  SoCMND?: string;
  HoChieu?: string;
  MaSoThue?: string;
  MaBHXH?: string;
  HoVaTen?: string;
  /** yyyyMMdd */
  NgayThangNamSinh?: string;
  GioiTinh?: string | number;
  ThuDienTu?: string;
  SoDienThoai?: string;
  ThuongTru?: string;
  NoiOHienNay?: string;
  QueQuan?: string;
  QuocTich?: string;
  MaSoDoanhNghiep?: string;
  TenDoanhNghiep?: string;
  DiaChi?: string;
  [claim: string]: unknown;
}

/** The signed-in person (or business representative), with English names; `claims` keeps the portal's originals. */
export interface CitizenProfile {
  subject: string;
  techId?: string;
  accountType?: string;
  assuranceLevels: string[];
  /** SoDinhDanh */
  citizenId?: string;
  /** SoCMND */
  identityCardNumber?: string;
  /** HoChieu */
  passportNumber?: string;
  /** MaSoThue */
  taxCode?: string;
  /** MaBHXH */
  socialInsuranceNumber?: string;
  /** HoVaTen */
  fullName?: string;
  /** NgayThangNamSinh as an ISO date, `YYYY-MM-DD`. */
  birthDate?: string;
  /** GioiTinh as the portal sends it. */
  gender?: string;
  /** ThuDienTu */
  email?: string;
  /** SoDienThoai */
  phoneNumber?: string;
  /** ThuongTru */
  permanentAddress?: string;
  /** NoiOHienNay */
  currentAddress?: string;
  /** QueQuan */
  hometown?: string;
  /** QuocTich */
  nationality?: string;
  /** MaSoDoanhNghiep */
  enterpriseCode?: string;
  /** TenDoanhNghiep */
  enterpriseName?: string;
  /** DiaChi */
  address?: string;
  claims: PortalUserInfo;
}

const TEXT_CLAIMS = {
  TechID: 'techId',
  SoDinhDanh: 'citizenId',
  SoCMND: 'identityCardNumber',
  HoChieu: 'passportNumber',
  MaSoThue: 'taxCode',
  MaBHXH: 'socialInsuranceNumber',
  HoVaTen: 'fullName',
  ThuDienTu: 'email',
  SoDienThoai: 'phoneNumber',
  ThuongTru: 'permanentAddress',
  NoiOHienNay: 'currentAddress',
  QueQuan: 'hometown',
  QuocTich: 'nationality',
  MaSoDoanhNghiep: 'enterpriseCode',
  TenDoanhNghiep: 'enterpriseName',
  DiaChi: 'address',
} as const satisfies Record<string, keyof CitizenProfile>;

/** Claims that are codes, where the portal may send a number. */
const CODE_CLAIMS = { LoaiTaiKhoan: 'accountType', GioiTinh: 'gender' } as const satisfies Record<string, keyof CitizenProfile>;

/**
 * Maps the portal's userinfo to a {@link CitizenProfile}. Identifiers must be strings (a number
 * would have lost its leading zeros) and the birth date a real `yyyyMMdd` date; anything else is
 * an `AUTH_USERINFO_INVALID` error naming the claim. Empty strings count as absent.
 */
export function toCitizenProfile(userInfo: Record<string, unknown>): CitizenProfile {
  const sub = userInfo['sub'];
  if (typeof sub !== 'string' || sub === '') {
    throw new UserInfoInvalidError('userinfo has no "sub" claim', { claim: 'sub' });
  }
  const profile: CitizenProfile = {
    subject: sub,
    assuranceLevels: assuranceLevels(userInfo['loAs']),
    claims: userInfo as PortalUserInfo,
  };
  for (const [claim, field] of Object.entries(TEXT_CLAIMS)) {
    const value = userInfo[claim];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') {
      throw new UserInfoInvalidError(`userinfo claim "${claim}" must be a string, got ${typeof value}`, { claim });
    }
    profile[field] = value;
  }
  for (const [claim, field] of Object.entries(CODE_CLAIMS)) {
    const value = userInfo[claim];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new UserInfoInvalidError(`userinfo claim "${claim}" must be a string or a number, got ${typeof value}`, { claim });
    }
    profile[field] = String(value);
  }
  const birth = userInfo['NgayThangNamSinh'];
  if (birth !== undefined && birth !== null && birth !== '') profile.birthDate = isoBirthDate(birth);
  return profile;
}

function assuranceLevels(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new UserInfoInvalidError('userinfo claim "loAs" must be a string or an array of strings', { claim: 'loAs' });
}

function isoBirthDate(value: unknown): string {
  const match = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(value) : null;
  if (match) {
    const [, y, m, d] = match.map(Number) as [number, number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) {
      return `${match[1]}-${match[2]}-${match[3]}`;
    }
  }
  throw new UserInfoInvalidError(
    `userinfo claim "NgayThangNamSinh" must be a date written yyyyMMdd, got ${JSON.stringify(value)}`,
    { claim: 'NgayThangNamSinh' },
  );
}
