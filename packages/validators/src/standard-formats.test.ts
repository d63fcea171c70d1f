import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { standardFormats } from './standard-formats.js';

type Check = (s: string) => boolean;
function reference(name: keyof typeof standardFormats): Check {
  const f = (fullFormats as Record<string, unknown>)[name];
  if (f instanceof RegExp) return (s) => f.test(s);
  if (typeof f === 'function') return f as Check;
  return (f as { validate: Check }).validate;
}

const samples: Record<keyof typeof standardFormats, string[]> = {
  date: ['2025-07-01', '2024-02-29', '2023-02-29', '2025-13-01', '2025-7-1', '20250701', ''],
  time: ['08:30:00+07:00', '08:30:00Z', '08:30:00', '23:59:60Z', '16:59:60-07:00', '24:00:00Z', '08:30:00.123+07:00'],
  'date-time': ['2023-10-27T08:30:00+07:00', '2023-10-27 08:30:00Z', '2023-10-27T08:30:00', '2023-10-27T25:00:00Z', '20231027083000'],
  uri: ['https://dichvucong.gov.vn/p/home', 'urn:ietf:params:oauth', 'http://[::1]:8080/x?y=1#z', '/relative', 'not a uri', 'https://a b', 'mailto:a@b.vn'],
  email: ['ten@example.vn', 'a.b+c@sub.example.com', 'no-at.example.vn', 'a@b', 'a@-b.vn', 'a..b@c.vn', ''],
  uuid: ['5f0c1a6e-8d42-4c1b-9a57-2f8e3b9d6c10', 'urn:uuid:5f0c1a6e-8d42-4c1b-9a57-2f8e3b9d6c10', '5f0c1a6e8d424c1b9a572f8e3b9d6c10'],
};

describe('standard formats', () => {
  it.each(Object.keys(samples) as (keyof typeof standardFormats)[])('%s agrees with ajv-formats', (name) => {
    const ours = standardFormats[name].validate;
    const theirs = reference(name);
    for (const s of samples[name]) expect(ours(s), s).toBe(theirs(s));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), ...samples[name].map((s) => fc.constant(s))), (s) => {
        expect(ours(s)).toBe(theirs(s));
      }),
      { numRuns: 2_000 },
    );
  });
});
