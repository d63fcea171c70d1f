import { describe, expect, it } from 'vitest';
import { addWorkingDays, fromIsoDate, fromPortalDateTime, toCodeDate, toPortalDateTime, toVietnamIso } from './vietnam-time.js';

describe('vietnam time', () => {
  it('writes yyyyMMddHHmmss and yyMMdd in UTC+7, crossing the UTC date line', () => {
    const at = new Date('2023-10-27T18:30:15Z'); // 01:30:15 on the 28th in Vietnam
    expect(toPortalDateTime(at)).toBe('20231028013015');
    expect(toCodeDate(at)).toBe('231028');
    expect(toVietnamIso(at)).toBe('2023-10-28T01:30:15+07:00');
  });

  it('reads back what it writes and refuses dates that do not exist', () => {
    const at = new Date('2024-02-29T03:04:05Z');
    expect(fromPortalDateTime(toPortalDateTime(at))?.toISOString()).toBe(at.toISOString());
    expect(fromPortalDateTime('20230229120000')).toBeUndefined();
    expect(fromPortalDateTime('20231027246000')).toBeUndefined();
    expect(fromPortalDateTime('2023-10-27')).toBeUndefined();
    expect(fromIsoDate('2025-07-01')?.toISOString()).toBe('2025-06-30T17:00:00.000Z');
  });

  it('counts working days and skips the weekend', () => {
    // Friday 2023-10-27 09:00 Vietnam time + 3 working days = Wednesday 2023-11-01 17:00.
    const due = addWorkingDays(new Date('2023-10-27T02:00:00Z'), 3);
    expect(toPortalDateTime(due)).toBe('20231101170000');
    expect(toPortalDateTime(addWorkingDays(new Date('2023-10-27T02:00:00Z'), 0))).toBe('20231027170000');
  });
});
