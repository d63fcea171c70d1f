import { describe, expect, it } from 'vitest';
import { formatPortalDateTime, parsePortalDate, parsePortalDateTime } from './portal-datetime.js';

describe('parsePortalDateTime', () => {
  it('reads Vietnam time (UTC+7)', () => {
    const r = parsePortalDateTime('20231027083000');
    expect(r.ok && r.value).toEqual({
      text: '20231027083000',
      iso: '2023-10-27T08:30:00+07:00',
      epochMs: Date.parse('2023-10-27T01:30:00Z'),
    });
  });

  it('round-trips through formatPortalDateTime', () => {
    expect(formatPortalDateTime(new Date('2023-10-27T01:30:00Z'))).toBe('20231027083000');
    expect(formatPortalDateTime('2023-12-31T20:00:00Z')).toBe('20240101030000');
    expect(formatPortalDateTime('2023-10-27T08:30:00+07:00')).toBe('20231027083000');
  });

  it('refuses to guess the zone of an ISO string without an offset', () => {
    expect(() => formatPortalDateTime('2023-10-27T08:30:00')).toThrow(RangeError);
    expect(() => formatPortalDateTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('parsePortalDate', () => {
  it('parses yyyyMMdd', () => {
    expect(parsePortalDate('19450902')).toEqual({
      ok: true,
      value: { text: '19450902', iso: '1945-09-02', year: 1945, month: 9, day: 2 },
    });
  });
});
