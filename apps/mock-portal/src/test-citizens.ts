import type { UserInfo } from '@dvc-kit/spec';

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
