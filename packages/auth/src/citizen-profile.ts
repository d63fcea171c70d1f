import type { UserInfo } from '@dvc-kit/spec';
import { UserInfoInvalidError } from './errors.js';

/** The national portal's userinfo claims, named exactly as the portal sends them (from @dvc-kit/spec). */
export type PortalUserInfo = UserInfo;

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
  LoaiTaiKhoan: 'accountType',
  GioiTinh: 'gender',
} as const satisfies Record<string, keyof CitizenProfile>;


/**
 * Maps the portal's userinfo to a {@link CitizenProfile}. Claims must have the types of the spec's
 * `UserInfo` (identifiers as strings: a number would have lost its leading zeros; `loAs` an array)
 * and the birth date must be a real `yyyyMMdd` date; anything else is an `AUTH_USERINFO_INVALID`
 * error naming the claim. Empty strings count as absent.
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
  const birth = userInfo['NgayThangNamSinh'];
  if (birth !== undefined && birth !== null && birth !== '') profile.birthDate = isoBirthDate(birth);
  return profile;
}

function assuranceLevels(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new UserInfoInvalidError(`userinfo claim "loAs" must be an array of strings, got ${JSON.stringify(value)}`, { claim: 'loAs' });
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
