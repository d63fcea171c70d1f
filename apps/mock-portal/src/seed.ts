import type { Feedback } from '@dvc-kit/spec';
import type { Catalogue } from './catalogue.js';
import type { SeededRandom } from './random.js';
import type { PortalStore } from './store.js';
import { TEST_CITIZENS } from './test-citizens.js';

const AGENCIES = ['000.00.00.H56', '000.00.06.H56', '000.00.00.H26', '000.00.00.H29', '000.00.00.H22'];
const TOPICS = [
  ['Chậm trả kết quả', 'Hồ sơ đã quá hạn hẹn trả nhưng chưa nhận được kết quả.'],
  ['Yêu cầu bổ sung giấy tờ không đúng quy định', 'Cán bộ yêu cầu nộp thêm giấy tờ không có trong thành phần hồ sơ được công bố.'],
  ['Không nhận được thông báo tiếp nhận', 'Đã nộp hồ sơ trực tuyến nhưng không nhận được thông báo tiếp nhận qua thư điện tử.'],
  ['Đề nghị hướng dẫn thủ tục', 'Đề nghị hướng dẫn cụ thể thành phần hồ sơ khi nộp trực tuyến.'],
] as const;

/**
 * Realistic starting data, the same for the same seed: feedback assigned to a few
 * agencies (the catalogue and reference data come from @dvc-kit/spec as they are).
 */
export function seedStore(store: PortalStore, catalogue: Catalogue, random: SeededRandom, count = 12): void {
  for (let i = 0; i < count; i++) {
    const [title, text] = random.pick(TOPICS);
    const procedure = random.pick(catalogue.procedures);
    const citizen = random.pick(TEST_CITIZENS);
    const day = 1 + random.int(28);
    const date = `202510${String(day).padStart(2, '0')}`;
    const feedback: Feedback = {
      MaPhanAnh: `PA-${date}-${String(i + 1).padStart(4, '0')}`,
      TieuDe: `${title} — ${procedure.TenTTHC}`.slice(0, 500),
      NoiDung: text,
      NguoiGui: citizen.HoVaTen ?? 'Công dân',
      NgayGui: `${date}0${random.int(10)}${String(random.int(60)).padStart(2, '0')}00`,
      MaCoQuanXuLy: AGENCIES[i % AGENCIES.length]!,
      TrangThai: '1',
      CongKhai: random.next() < 0.5,
    };
    if (citizen.SoDienThoai) feedback.SoDienThoai = citizen.SoDienThoai;
    store.apply({ t: 'feedback', feedback });
  }
}
