import type { UserInfo } from '@dvc-kit/spec';
import { validate } from '@dvc-kit/validators';

/** Citizens the sign-on page offers (claims named as the national portal sends them). Test data only. */
export const TEST_CITIZENS: readonly UserInfo[] = Object.freeze([
  {
    sub: 'c3f1d2a4-5b6e-4f70-8a9b-0c1d2e3f4a5b', TechID: '7c9e6679-7425-40de-944b-e07fc1f90ae7', LoaiTaiKhoan: '1', loAs: ['LoA1', 'LoA2'],
    SoDinhDanh: '038190004521', HoVaTen: 'Lê Thị Hồng Nhung', NgayThangNamSinh: '19900512', GioiTinh: '2',
    ThuDienTu: 'hongnhung.le@example.vn', SoDienThoai: '0912345678', ThuongTru: 'Số 12 Lê Lai, phường Hạc Thành, tỉnh Thanh Hóa',
    NoiOHienNay: 'Số 12 Lê Lai, phường Hạc Thành, tỉnh Thanh Hóa', QueQuan: 'Thanh Hóa', QuocTich: 'VN',
  },
  {
    sub: '5e0b8a1c-2d3f-4a6b-9c7d-8e9f0a1b2c3d', TechID: 'a1b2c3d4-e5f6-4789-8abc-def012345678', LoaiTaiKhoan: '1', loAs: ['LoA1', 'LoA2', 'LoA3'],
    SoDinhDanh: '001085012345', SoCMND: '012345678', HoVaTen: 'Nguyễn Văn An', NgayThangNamSinh: '19850304', GioiTinh: '1',
    ThuDienTu: 'an.nguyen@example.vn', SoDienThoai: '0987654321', ThuongTru: 'Số 5 Hàng Bài, phường Hoàn Kiếm, thành phố Hà Nội',
    QueQuan: 'Hà Nội', QuocTich: 'VN', MaBHXH: '0123456789',
  },
  {
    sub: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', TechID: '0f1e2d3c-4b5a-4697-8877-665544332211', LoaiTaiKhoan: '1', loAs: ['LoA1'],
    SoDinhDanh: '079303004567', HoVaTen: 'Trần Ngọc Mai', NgayThangNamSinh: '20030921', GioiTinh: '2',
    SoDienThoai: '0355123456', ThuongTru: 'Số 20 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh', QuocTich: 'VN',
  },
  {
    sub: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901', TechID: '13579bdf-2468-4ace-8642-fdb975310eca', LoaiTaiKhoan: '2', loAs: ['LoA1', 'LoA2'],
    SoDinhDanh: '038078001122', HoVaTen: 'Phạm Quốc Hùng', NgayThangNamSinh: '19780115', GioiTinh: '1',
    MaSoThue: '0100109106', MaSoDoanhNghiep: '0100109106', TenDoanhNghiep: 'Công ty TNHH Thương mại Hùng Phát',
    DiaChi: 'Số 8 Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa', SoDienThoai: '02373852345', QuocTich: 'VN',
  },
]);

export function findTestCitizen(key: string): UserInfo | undefined {
  return TEST_CITIZENS.find((c) => c.sub === key || c.TechID === key || c.SoDinhDanh === key);
}

export type CitizenRegistryErrorCode = 'MOCK_CITIZEN_INVALID' | 'MOCK_CITIZEN_EXISTS' | 'MOCK_CITIZEN_UNKNOWN';

/** A citizen could not be added or changed (the admin API answers it as problem+json: 400, 409, 404). */
export class CitizenRegistryError extends Error {
  override readonly name = 'CitizenRegistryError';
  constructor(
    readonly code: CitizenRegistryErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return this.code === 'MOCK_CITIZEN_EXISTS' ? 409 : this.code === 'MOCK_CITIZEN_UNKNOWN' ? 404 : 400;
  }
}

/** One change to a registry; persistence writes these and replays them through `add` and `update`. */
export type CitizenChange =
  | { t: 'citizen-added'; citizen: UserInfo }
  | { t: 'citizen-changed'; sub: string; changes: Partial<Record<keyof UserInfo, unknown>> };

/** Receives each checked change before it is applied; throwing refuses the change. */
export type CitizenChangeSink = (change: CitizenChange) => void;

/** The account keys: `sub` and `TechID` never change once given (the portal's stable keys). */
const KEYS = ['sub', 'TechID'] as const;

/**
 * The citizens one portal's sign-on knows: the test citizens, plus any a test adds, with
 * claims a test may change (a new name, phone, address). Userinfo and ID tokens read it at
 * each sign-in, so a change shows at the next one. Per portal, so runs do not share it.
 */
export class CitizenRegistry {
  readonly #items: UserInfo[] = TEST_CITIZENS.map((c) => structuredClone(c) as UserInfo);
  #sink: CitizenChangeSink | undefined;

  /** Where changes go before they are applied (a data directory's log), so an acknowledged change is durable. */
  setSink(sink: CitizenChangeSink | undefined): void {
    this.#sink = sink;
  }

  list(): readonly UserInfo[] {
    return this.#items;
  }

  /** By `sub`, `TechID` or `SoDinhDanh`. */
  find(key: string): UserInfo | undefined {
    return this.#items.find((c) => c.sub === key || c.TechID === key || c.SoDinhDanh === key);
  }

  /** Adds a citizen (full UserInfo; `loAs` defaults to LoA1–LoA3). Its sub, TechID and SoDinhDanh must be new. */
  add(input: UserInfo): UserInfo {
    const info = { loAs: ['LoA1', 'LoA2', 'LoA3'], ...structuredClone(input) } as UserInfo;
    checkShape(info);
    for (const k of ['sub', 'TechID', 'SoDinhDanh'] as const) {
      const v = info[k];
      if (v !== undefined && this.find(v)) throw new CitizenRegistryError('MOCK_CITIZEN_EXISTS', `a citizen with ${k} ${JSON.stringify(v)} already exists`);
    }
    this.#sink?.({ t: 'citizen-added', citizen: structuredClone(info) });
    this.#items.push(info);
    return info;
  }

  /** Changes claims of a citizen (by sub, TechID or SoDinhDanh); `null` removes a claim. sub and TechID cannot change. */
  update(key: string, changes: Partial<Record<keyof UserInfo, unknown>>): UserInfo {
    const current = this.find(key);
    if (!current) throw new CitizenRegistryError('MOCK_CITIZEN_UNKNOWN', `no citizen ${JSON.stringify(key)}`);
    if (!changes || typeof changes !== 'object' || Array.isArray(changes)) throw new CitizenRegistryError('MOCK_CITIZEN_INVALID', 'changes must be an object of claims');
    for (const k of KEYS) {
      if (k in changes && changes[k] !== current[k]) throw new CitizenRegistryError('MOCK_CITIZEN_INVALID', `${k} is the account's stable key and cannot change`);
    }
    const next: Record<string, unknown> = { ...structuredClone(current) };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete next[k];
      else next[k] = structuredClone(v);
    }
    checkShape(next as UserInfo);
    const other = next.SoDinhDanh !== undefined ? this.find(String(next.SoDinhDanh)) : undefined;
    if (other && other !== current) throw new CitizenRegistryError('MOCK_CITIZEN_EXISTS', `another citizen has SoDinhDanh ${JSON.stringify(next.SoDinhDanh)}`);
    // Recorded by sub (it never changes), so a replay finds the citizen whatever key was used here.
    this.#sink?.({ t: 'citizen-changed', sub: current.sub, changes: structuredClone(changes) });
    // Replace in place: codes already issued for the sub pick up the new claims.
    for (const k of Object.keys(current)) delete (current as Record<string, unknown>)[k];
    Object.assign(current, next);
    return current;
  }
}

function checkShape(info: UserInfo): void {
  const result = validate('UserInfo', info);
  if (!result.ok) {
    throw new CitizenRegistryError('MOCK_CITIZEN_INVALID', `not a valid UserInfo: ${result.errors.map((e) => `${e.pointer || '/'} ${e.message.en}`).join('; ')}`);
  }
  if (!info.SoDinhDanh) throw new CitizenRegistryError('MOCK_CITIZEN_INVALID', 'a test citizen needs a SoDinhDanh (the lookup API identifies owners by it)');
}
