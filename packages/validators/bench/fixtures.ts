/** A realistic dossier record: a household-business registration in Thanh Hóa with its files, fees and history. */
export function realisticDossierRecord(): Record<string, unknown> {
  const MaHoSo = '000.00.06.H56-231027-0361';
  const steps = [
    ['Nguyễn Văn Thành', 'Chuyên viên Bộ phận Một cửa', 'Bộ phận Một cửa', 'Tiếp nhận hồ sơ trực tuyến, kiểm tra thành phần', '2', '20231027083015'],
    ['Trần Thị Mai', 'Chuyên viên', 'Phòng Tài chính - Kế hoạch', 'Chuyển hồ sơ cho chuyên viên thụ lý', '4', '20231027093000'],
    ['Trần Thị Mai', 'Chuyên viên', 'Phòng Tài chính - Kế hoạch', 'Thẩm định hồ sơ, đề nghị cấp Giấy chứng nhận', '4', '20231030101500'],
    ['Lê Văn Hùng', 'Trưởng phòng', 'Phòng Tài chính - Kế hoạch', 'Duyệt kết quả thẩm định', '4', '20231031143000'],
    ['Phạm Quốc Bảo', 'Phó Chủ tịch UBND huyện', 'UBND huyện', 'Ký Giấy chứng nhận đăng ký hộ kinh doanh', '9', '20231101090000'],
    ['Nguyễn Văn Thành', 'Chuyên viên Bộ phận Một cửa', 'Bộ phận Một cửa', 'Trả kết quả qua dịch vụ bưu chính công ích', '10', '20231101160000'],
  ];
  return {
    dossier: {
      MaHoSo,
      MaTTHC: '1.001612',
      TenTTHC: 'Đăng ký thành lập hộ kinh doanh',
      MaLinhVuc: 'G09-TL01',
      TenLinhVuc: 'Thành lập và hoạt động của hộ kinh doanh',
      KenhThucHien: '2',
      ChuHoSo: 'Lê Thị Hồng Nhung',
      LoaiDoiTuong: '1',
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038190004521' }],
      Email: 'hongnhung.le@example.vn',
      SoDienThoai: '0912345678',
      TrichYeuHoSo: 'Đăng ký thành lập hộ kinh doanh bán lẻ tạp hóa tại xã Quảng Tâm',
      NgayNopHoSo: '20231027080512',
      NgayTiepNhan: '20231027083015',
      NgayHenTra: '20231101170000',
      TrangThaiHoSo: '10',
      NgayTra: '20231101160000',
      HinhThuc: '1',
      NgayKetThucXuLy: '20231101090000',
      DonViXuLy: 'Phòng Tài chính - Kế hoạch huyện Quảng Xương',
      TaiKhoanDuocXacThucVoiVNeID: '1',
      DuocThanhToanTrucTuyen: '1',
      TaiLieuNop: Array.from({ length: 6 }, (_, i) => ({
        TepDinhKemId: `f-2023-10-27-${1000 + i}`,
        TenTepDinhKem: ['Giay_de_nghi.pdf', 'CCCD_mat_truoc.jpg', 'CCCD_mat_sau.jpg', 'Hop_dong_thue.pdf', 'Bien_ban_hop.pdf', 'Uy_quyen.pdf'][i],
        IsDeleted: 'False',
        MaThanhPhanHoSo: `TP-${i + 1}`,
        DuongDanTaiTepTin: `https://dichvucong.thanhhoa.gov.vn/files/2023/10/27/${1000 + i}`,
        MaHash: 'a3f5c0d1e2b4968778695a4b3c2d1e0f9a8b7c6d5e4f30211203948576a6b7c8',
      })),
      DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký hộ kinh doanh', MaPhiLePhi: 'LP-HKD', HinhThucThu: '2', Gia: 100000, LoaiPhiLePhi: '2' }],
    },
    history: steps.map(([NguoiXuLy, ChucDanh, PhongBanXuLy, NoiDungXuLy, TrangThai, ThoiDiemXuLy]) => ({
      MaHoSo,
      NguoiXuLy,
      ChucDanh,
      ThoiDiemXuLy,
      PhongBanXuLy,
      NoiDungXuLy,
      TrangThai,
      NgayBatDau: ThoiDiemXuLy,
      NgayKetThucTheoQuyDinh: '20231101170000',
    })),
    receivedAt: '2023-10-27T08:30:20+07:00',
    version: 6,
  };
}

/** The same record with mistakes a vendor makes: a bad date, a bad status, a missing field, a bad tax code. */
export function invalidDossierRecord(): Record<string, unknown> {
  const r = realisticDossierRecord();
  const d = r.dossier as Record<string, unknown>;
  d.NgayHenTra = '20231131170000';
  d.TrangThaiHoSo = '12';
  delete d.TenTTHC;
  d.SoDienThoai = '0912 345 678';
  (r.history as Record<string, unknown>[])[2]!.ThoiDiemXuLy = '2023103010150Z';
  return r;
}
