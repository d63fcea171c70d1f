import { describe, expect, it } from 'vitest';
import { currentMinistryFor, findMinistry, ministries, ministriesAsOf } from './ministries.js';

describe('ministriesAsOf', () => {
  it('has 18 ministries and 4 ministry-level agencies until 2025-02-28', () => {
    const before = ministriesAsOf('2025-02-28');
    expect(before.filter((m) => m.kind === 'ministry')).toHaveLength(18);
    expect(before.filter((m) => m.kind === 'ministry-level')).toHaveLength(4);
  });

  it('has 14 ministries and 3 ministry-level agencies from 2025-03-01 (Nghị quyết 176/2025/QH15)', () => {
    const after = ministriesAsOf('2025-03-01');
    expect(after.filter((m) => m.kind === 'ministry').map((m) => m.name).sort()).toEqual(
      [
        'Bộ Công an',
        'Bộ Công Thương',
        'Bộ Dân tộc và Tôn giáo',
        'Bộ Giáo dục và Đào tạo',
        'Bộ Khoa học và Công nghệ',
        'Bộ Ngoại giao',
        'Bộ Nông nghiệp và Môi trường',
        'Bộ Nội vụ',
        'Bộ Quốc phòng',
        'Bộ Tài chính',
        'Bộ Tư pháp',
        'Bộ Văn hóa, Thể thao và Du lịch',
        'Bộ Xây dựng',
        'Bộ Y tế',
      ].sort(),
    );
    expect(after.filter((m) => m.kind === 'ministry-level').map((m) => m.code)).toEqual(['G19', 'G20', 'G22']);
  });

  it('reads a Date in Vietnam time: 2025-02-28T17:00Z is already 1 March in Hà Nội', () => {
    expect(ministriesAsOf(new Date('2025-02-28T16:59:59Z'))).toHaveLength(22);
    expect(ministriesAsOf(new Date('2025-02-28T17:00:00Z'))).toHaveLength(17);
  });
});

describe('findMinistry', () => {
  it('accepts the top-level group or the full code', () => {
    expect(findMinistry('G17', '2024-01-01')?.name).toBe('Bộ Xây dựng');
    expect(findMinistry('000.00.00.G17', '2024-01-01')?.name).toBe('Bộ Xây dựng');
  });

  it('finds the body that held a shared code on each side of the merger', () => {
    expect(findMinistry('G10', '2025-02-28')?.name).toBe('Bộ Nông nghiệp và Phát triển nông thôn');
    expect(findMinistry('G10', '2025-03-01')?.name).toBe('Bộ Nông nghiệp và Môi trường');
    expect(findMinistry('G21', '2025-02-28')?.kind).toBe('ministry-level');
    expect(findMinistry('G21', '2025-03-01')?.kind).toBe('ministry');
  });

  it('answers undefined for a merged body after its end, a unit code below a ministry, or a non-G code', () => {
    expect(findMinistry('G04', '2025-03-01')).toBeUndefined();
    expect(findMinistry('000.00.18.G12', '2024-01-01')).toBeUndefined();
    expect(findMinistry('H56', '2024-01-01')).toBeUndefined();
    expect(findMinistry('G99', '2024-01-01')).toBeUndefined();
  });
});

describe('currentMinistryFor', () => {
  it.each([
    ['G04', 'Bộ Xây dựng'],
    ['G05', 'Bộ Tài chính'],
    ['G07', 'Bộ Nội vụ'],
    ['G13', 'Bộ Nông nghiệp và Môi trường'],
    ['G14', 'Bộ Khoa học và Công nghệ'],
    ['G21', 'Bộ Dân tộc và Tôn giáo'],
  ])('follows %s to %s after 2025-03-01', (code, name) => {
    expect(currentMinistryFor(code, '2026-01-15')?.name).toBe(name);
  });

  it('returns the body itself while it is in force', () => {
    expect(currentMinistryFor('G04', '2025-02-28')?.name).toBe('Bộ Giao thông vận tải');
  });
});

describe('the exported data', () => {
  it('is frozen', () => {
    expect(Object.isFrozen(ministries)).toBe(true);
    expect(Object.isFrozen(ministries[0])).toBe(true);
    expect(() => (ministries as unknown as unknown[]).push({})).toThrow(TypeError);
  });
});
