import fc from 'fast-check';
import { provincesUntil20250630 } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { parseAgencyCode } from './agency-code.js';
import { parseCitizenId, parseLegacyId } from './citizen-id.js';
import { parseDossierCode } from './dossier-code.js';
import { parsePhoneNumber } from './phone-number.js';
import { formatPortalDateTime, parsePortalDate, parsePortalDateTime } from './portal-datetime.js';
import { parseProcedureCode } from './procedure-code.js';
import { parseTaxCode, taxCodeCheckDigit } from './tax-code.js';

const RUNS = { numRuns: 10_000 };
const AT = new Date('2026-11-23T00:00:00Z');

const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

/** A tax code built by the rule: 9 digits whose check digit can be issued, plus that digit. */
const validTaxCode = digits(9)
  .filter((p) => taxCodeCheckDigit(p) !== null)
  .map((p) => p + String(taxCodeCheckDigit(p)));

const branch = fc.integer({ min: 1, max: 999 }).map((n) => String(n).padStart(3, '0'));

const agencyCode = fc
  .tuple(
    digits(3),
    digits(2),
    digits(2),
    fc.constantFrom(...'ABCDEFGHIJK'),
    fc.integer({ min: 1, max: 63 }),
  )
  .map(([l4, l3, l2, letter, n]) => `${l4}.${l3}.${l2}.${letter}${String(n).padStart(2, '0')}`);

const calendarDay = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('properties', () => {
  it('a generated tax code always parses and round-trips', () => {
    fc.assert(
      fc.property(validTaxCode, fc.option(branch), (code, b) => {
        const written = b === null ? code : `${code}-${b}`;
        const r = parseTaxCode(written);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.parent).toBe(code);
        expect(r.value.branch).toBe(b);
        expect(r.value.branch === null ? r.value.parent : `${r.value.parent}-${r.value.branch}`).toBe(written);
      }),
      RUNS,
    );
  });

  it('changing any one digit of a tax code fails the check digit', () => {
    fc.assert(
      fc.property(validTaxCode, fc.nat(9), fc.integer({ min: 1, max: 9 }), (code, at, delta) => {
        const changed = String((Number(code[at]) + delta) % 10);
        const mutated = code.slice(0, at) + changed + code.slice(at + 1);
        const r = parseTaxCode(mutated);
        expect(!r.ok && r.error.code).toBe('TAX_CODE_CHECK_DIGIT');
      }),
      RUNS,
    );
  });

  it('a generated citizen ID always parses and round-trips', () => {
    const prefixes = provincesUntil20250630.map((p) => p.citizenIdCode!);
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.integer({ min: 1800, max: 2026 }),
        fc.constantFrom('male' as const, 'female' as const),
        digits(6),
        (prefix, year, gender, seq) => {
          const base = year < 1900 ? 8 : (Math.floor(year / 100) - 19) * 2;
          const centuryDigit = base + (gender === 'female' ? 1 : 0);
          const id = `${prefix}${centuryDigit}${String(year % 100).padStart(2, '0')}${seq}`;
          const r = parseCitizenId(id, { at: AT });
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.value).toMatchObject({ id, gender, birthYear: year, sequence: seq });
          expect(r.value.birthProvince.citizenIdCode).toBe(prefix);
        },
      ),
      RUNS,
    );
  });

  it('a generated dossier code always parses and round-trips', () => {
    fc.assert(
      fc.property(agencyCode, calendarDay, fc.integer({ min: 1, max: 99_999_999 }), (agency, day, n) => {
        const seq = String(n).padStart(4, '0');
        const code = `${agency}-${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-${seq}`;
        const r = parseDossierCode(code);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.date).toBe(day);
        expect(`${r.value.agency.code}-${r.value.date.slice(2).replaceAll('-', '')}-${r.value.sequence}`).toBe(code);
        const back = parseAgencyCode(r.value.agency.code);
        expect(back.ok && back.value.groups.slice().reverse().join('.')).toBe(agency);
      }),
      RUNS,
    );
  });

  it('a generated phone number parses, and its E.164 form parses to the same number', () => {
    const mobile = fc.tuple(fc.constantFrom('3', '5', '7', '8', '9'), digits(8)).map(([a, b]) => a + b);
    const landline = digits(9).map((b) => `2${b}`);
    fc.assert(
      fc.property(fc.oneof(mobile, landline), fc.boolean(), fc.constantFrom('', ' ', '.', '-'), (nsn, intl, sep) => {
        const grouped = nsn.replace(/(\d{3})(?=\d)/g, `$1${sep}`);
        const written = intl ? `+84${grouped}` : `0${grouped}`;
        const r = parsePhoneNumber(written);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.e164).toBe(`+84${nsn}`);
        expect(parsePhoneNumber(r.value.e164)).toEqual(parsePhoneNumber(r.value.national));
      }),
      RUNS,
    );
  });

  it('any instant formats to the wire and parses back to the same second', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00+07:00'), max: new Date('2999-12-31T23:59:59+07:00'), noInvalidDate: true }),
        (d) => {
          const text = formatPortalDateTime(d);
          const r = parsePortalDateTime(text);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.value.epochMs).toBe(Math.floor(d.getTime() / 1000) * 1000);
          expect(formatPortalDateTime(r.value.iso)).toBe(text);
          expect(parsePortalDate(text.slice(0, 8)).ok).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('no input makes a parser throw', () => {
    const parsers = [
      parseTaxCode,
      (x: unknown) => parseCitizenId(x, { at: AT }),
      parseLegacyId,
      parseProcedureCode,
      parseAgencyCode,
      parseDossierCode,
      parsePhoneNumber,
      parsePortalDateTime,
      parsePortalDate,
    ];
    // Near-misses reach deeper into the parsers than arbitrary values do.
    const nearMiss = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789.-+ HGKZ'), maxLength: 40 }),
      fc.string({ maxLength: 40 }),
      fc.anything(),
    );
    fc.assert(
      fc.property(nearMiss, (x) => {
        for (const parse of parsers) {
          const r = parse(x);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(typeof r.error.code).toBe('string');
        }
      }),
      RUNS,
    );
  });
});
