import { describe, expect, it } from 'vitest';
import { parseAgencyCode } from './agency-code.js';
import { parseCitizenId, parseLegacyId } from './citizen-id.js';
import { parseDossierCode } from './dossier-code.js';
import { parsePhoneNumber } from './phone-number.js';
import { parsePortalDate, parsePortalDateTime } from './portal-datetime.js';
import { parseProcedureCode } from './procedure-code.js';
import { parseTaxCode } from './tax-code.js';

// The day citizen IDs are judged on, so the table does not age.
const AT = new Date('2026-11-23T00:00:00Z');

const parsers = {
  tax: parseTaxCode,
  cccd: (x: unknown) => parseCitizenId(x, { at: AT }),
  cmnd: parseLegacyId,
  procedure: parseProcedureCode,
  agency: parseAgencyCode,
  dossier: parseDossierCode,
  phone: parsePhoneNumber,
  datetime: parsePortalDateTime,
  date: parsePortalDate,
};

/** [parser, input, 'ok' or the reason code, note] */
type Case = [keyof typeof parsers, unknown, string, string?];

const cases: Case[] = [
  // Tax codes published by the enterprises themselves (the first three checked in DOMAIN.md).
  ['tax', '0100109106', 'ok', 'Viettel'],
  ['tax', '0101248141', 'ok', 'FPT'],
  ['tax', '0300588569', 'ok', 'Vinamilk'],
  ['tax', '0100112437', 'ok', 'Vietcombank'],
  ['tax', '0101245486', 'ok', 'Vingroup'],
  ['tax', '0100107370', 'ok', 'Petrolimex'],
  ['tax', '0100684378', 'ok', 'VNPT'],
  ['tax', '0900189284', 'ok', 'Hòa Phát'],
  ['tax', '0303576603', 'ok', 'Masan'],
  ['tax', '0100230800', 'ok', 'Techcombank'],
  ['tax', '0100150619', 'ok', 'BIDV'],
  ['tax', '0102325399', 'ok', 'Vietjet'],
  ['tax', '0100686174', 'ok', 'Agribank'],
  // Computed valid codes (check digit by the rule).
  ['tax', '6369661875', 'ok'],
  ['tax', '8737152270', 'ok'],
  ['tax', '8814732399', 'ok'],
  ['tax', '8448113353', 'ok'],
  ['tax', '9472488355', 'ok'],
  ['tax', '3449402165', 'ok'],
  ['tax', '0224284580', 'ok'],
  ['tax', '6605456247', 'ok'],
  ['tax', '9259606637', 'ok'],
  ['tax', '8627941561', 'ok'],
  ['tax', '8560902485', 'ok'],
  ['tax', '3828440372', 'ok'],
  ['tax', '8795830253', 'ok'],
  ['tax', '6664696152', 'ok'],
  ['tax', '2643633235', 'ok'],
  ['tax', '1597588343', 'ok'],
  ['tax', '4183063019', 'ok'],
  ['tax', '1177732499', 'ok'],
  ['tax', '3083922593', 'ok'],
  ['tax', '2738257564', 'ok'],
  ['tax', '0100109106-001', 'ok', 'first branch'],
  ['tax', '0300588569-999', 'ok', 'last branch'],
  ['tax', '0101248141-042', 'ok'],
  ['tax', '0100109107', 'TAX_CODE_CHECK_DIGIT'],
  ['tax', '0100109105', 'TAX_CODE_CHECK_DIGIT'],
  ['tax', '1100109106', 'TAX_CODE_CHECK_DIGIT'],
  ['tax', '0101248142', 'TAX_CODE_CHECK_DIGIT'],
  ['tax', '0300588568', 'TAX_CODE_CHECK_DIGIT'],
  ['tax', '8715063620', 'TAX_CODE_CHECK_DIGIT', 'rule yields 10: never issued'],
  ['tax', '5560220110', 'TAX_CODE_CHECK_DIGIT', 'rule yields 10: never issued'],
  ['tax', '7023344009', 'TAX_CODE_CHECK_DIGIT', 'rule yields 10: never issued'],
  ['tax', '0100109106-000', 'TAX_CODE_BRANCH_ZERO'],
  ['tax', '0100109107-001', 'TAX_CODE_CHECK_DIGIT', 'branch of a bad parent'],
  ['tax', '0100109106001', 'TAX_CODE_BRANCH_SEPARATOR'],
  ['tax', '010010910', 'TAX_CODE_FORMAT', '9 digits'],
  ['tax', '01001091061', 'TAX_CODE_FORMAT', '11 digits'],
  ['tax', '0100109106-01', 'TAX_CODE_FORMAT'],
  ['tax', '0100109106_001', 'TAX_CODE_FORMAT'],
  ['tax', '010010910A', 'TAX_CODE_FORMAT'],
  ['tax', ' 0100109106', 'TAX_CODE_FORMAT', 'leading space'],
  ['tax', '０１００１０９１０６', 'TAX_CODE_FORMAT', 'full-width digits'],
  ['tax', '0100109106-00A', 'TAX_CODE_FORMAT'],
  ['tax', '0100109106-0001', 'TOO_LONG'],
  ['tax', '', 'EMPTY'],
  ['tax', 100109106, 'NOT_A_STRING'],
  ['tax', null, 'NOT_A_STRING'],
  ['tax', undefined, 'NOT_A_STRING'],
  ['tax', ['0100109106'], 'NOT_A_STRING'],
  ['tax', { toString: () => '0100109106' }, 'NOT_A_STRING'],

  // Citizen IDs: prefix 0 + the statistics office's 63-era code.
  ['cccd', '001095000123', 'ok', 'Hà Nội, male, 1995'],
  ['cccd', '038195012345', 'ok', 'Thanh Hóa, female, 1995'],
  ['cccd', '079203000001', 'ok', 'TP HCM, male, 2003'],
  ['cccd', '096301999999', 'ok', 'Cà Mau, female, 2001'],
  ['cccd', '002090000001', 'ok', 'Hà Giang'],
  ['cccd', '048000000001', 'ok', 'Đà Nẵng, 1900'],
  ['cccd', '092199123456', 'ok', 'Cần Thơ, female, 1999'],
  ['cccd', '001226000001', 'ok', '2026, this year'],
  ['cccd', '001227000001', 'CITIZEN_ID_BIRTH_YEAR', '2027, next year'],
  ['cccd', '001499000001', 'CITIZEN_ID_BIRTH_YEAR', '2199'],
  ['cccd', '001899000001', 'ok', '8 → 1800s'],
  ['cccd', '001650000001', 'CITIZEN_ID_BIRTH_YEAR', '6 → 2200s'],
  ['cccd', '000095000123', 'CITIZEN_ID_PROVINCE'],
  ['cccd', '003095000123', 'CITIZEN_ID_PROVINCE', 'no unit 03'],
  ['cccd', '097095000123', 'CITIZEN_ID_PROVINCE'],
  ['cccd', '100095000123', 'CITIZEN_ID_PROVINCE'],
  ['cccd', '999095000123', 'CITIZEN_ID_PROVINCE'],
  ['cccd', '03809500012', 'CITIZEN_ID_FORMAT', '11 digits'],
  ['cccd', '03809500012a', 'CITIZEN_ID_FORMAT'],
  ['cccd', '038 95000123', 'CITIZEN_ID_FORMAT'],
  ['cccd', '0380950001234', 'TOO_LONG'],
  ['cccd', '', 'EMPTY'],
  ['cccd', 38095000123, 'NOT_A_STRING'],
  ['cccd', true, 'NOT_A_STRING'],
  ['cmnd', '012345678', 'ok'],
  ['cmnd', '381234567', 'ok'],
  ['cmnd', '01234567', 'LEGACY_ID_FORMAT'],
  ['cmnd', '01234567X', 'LEGACY_ID_FORMAT'],
  ['cmnd', '0123456789', 'TOO_LONG'],
  ['cmnd', 12345678, 'NOT_A_STRING'],

  // Procedure codes.
  ['procedure', '1.000656', 'ok'],
  ['procedure', '2.002492', 'ok'],
  ['procedure', '1.005129', 'ok'],
  ['procedure', '3.000123', 'ok'],
  ['procedure', '2.000477.000.00.00.H56', 'ok', 'local, Thanh Hóa'],
  ['procedure', '1.000656.000.00.00.G09', 'ok', 'local, a ministry'],
  ['procedure', '2.000477.000.00.06.H56', 'ok'],
  ['procedure', '1.00065', 'PROCEDURE_CODE_FORMAT'],
  ['procedure', '1.0006561', 'PROCEDURE_CODE_FORMAT'],
  ['procedure', '10.00656', 'PROCEDURE_CODE_FORMAT'],
  ['procedure', '1000656', 'PROCEDURE_CODE_FORMAT'],
  ['procedure', 'A.000656', 'PROCEDURE_CODE_FORMAT'],
  ['procedure', '1,000656', 'PROCEDURE_CODE_FORMAT'],
  ['procedure', '2.000477.H56', 'PROCEDURE_CODE_AGENCY'],
  ['procedure', '2.000477.000.00.00.H64', 'PROCEDURE_CODE_AGENCY'],
  ['procedure', '2.000477.000.00.00.L01', 'PROCEDURE_CODE_AGENCY'],
  ['procedure', '2.000477.', 'PROCEDURE_CODE_AGENCY'],
  ['procedure', '', 'EMPTY'],
  ['procedure', 1.000656, 'NOT_A_STRING'],

  // Agency codes.
  ['agency', '000.00.00.H56', 'ok', 'Thanh Hóa'],
  ['agency', '000.00.06.H56', 'ok'],
  ['agency', '000.17.22.H56', 'ok'],
  ['agency', '000.00.01.H22', 'ok', 'under Hà Giang'],
  ['agency', '000.00.00.G09', 'ok', 'a ministry'],
  ['agency', '000.00.00.H01', 'ok'],
  ['agency', '000.00.00.H63', 'ok'],
  ['agency', '000.00.00.K26', 'ok', 'a provincial council'],
  ['agency', '000.00.00.A01', 'ok'],
  ['agency', '12.001.00.00.H26', 'ok', 'a fifth level'],
  ['agency', '000.00.00.H00', 'AGENCY_CODE_UNKNOWN'],
  ['agency', '000.00.00.H64', 'AGENCY_CODE_UNKNOWN'],
  ['agency', '000.00.00.K99', 'AGENCY_CODE_UNKNOWN'],
  ['agency', '000.00.00.L01', 'AGENCY_CODE_FORMAT', 'letter after K'],
  ['agency', '000.00.00.h56', 'AGENCY_CODE_FORMAT', 'lower case'],
  ['agency', 'H56', 'AGENCY_CODE_FORMAT'],
  ['agency', '00.00.00.H56', 'AGENCY_CODE_FORMAT'],
  ['agency', '000.0.00.H56', 'AGENCY_CODE_FORMAT'],
  ['agency', '000.00.00.H5', 'AGENCY_CODE_FORMAT'],
  ['agency', '000.00.00.H560', 'AGENCY_CODE_FORMAT'],
  ['agency', '000-00-00-H56', 'AGENCY_CODE_FORMAT'],
  ['agency', '000.00.00.H56.', 'AGENCY_CODE_FORMAT'],
  ['agency', '.000.00.00.H56', 'AGENCY_CODE_FORMAT'],
  ['agency', '0000.000.00.00.H56', 'AGENCY_CODE_FORMAT'],
  ['agency', '000.00.00.00.00.00.00.000.00.00.H56', 'ok', '35 characters'],
  ['agency', '00.00.00.00.00.00.00.00.000.00.00.H56', 'TOO_LONG', '37 characters'],
  ['agency', 56, 'NOT_A_STRING'],

  // Dossier codes: <agency>-<yyMMdd>-<sequence>.
  ['dossier', '000.00.06.H56-231027-0361', 'ok'],
  ['dossier', '000.17.22.H56-210531-0001', 'ok'],
  ['dossier', '000.00.00.G09-240229-12345', 'ok', 'leap day, 5-digit sequence'],
  ['dossier', '000.00.01.H22-250101-9999', 'ok'],
  ['dossier', '000.00.06.H56-230229-0001', 'DOSSIER_CODE_DATE', 'not a leap year'],
  ['dossier', '000.00.06.H56-231301-0001', 'DOSSIER_CODE_DATE'],
  ['dossier', '000.00.06.H56-231000-0001', 'DOSSIER_CODE_DATE'],
  ['dossier', '000.00.06.H56-230431-0001', 'DOSSIER_CODE_DATE'],
  ['dossier', '000.00.06.H56-231027-0000', 'DOSSIER_CODE_SEQUENCE'],
  ['dossier', '000.00.06.H56-231027-361', 'DOSSIER_CODE_FORMAT', '3-digit sequence'],
  ['dossier', '000.00.06.H56-20231027-0361', 'DOSSIER_CODE_FORMAT'],
  ['dossier', '000.00.06.H56-231027', 'DOSSIER_CODE_FORMAT'],
  ['dossier', '000.00.06.H56-231027-0361-1', 'DOSSIER_CODE_FORMAT'],
  ['dossier', '000.00.06.H56_231027_0361', 'DOSSIER_CODE_FORMAT'],
  ['dossier', '000.00.06.H56-231027-03a1', 'DOSSIER_CODE_FORMAT'],
  ['dossier', '000.00.06.H56-231027-123456789', 'DOSSIER_CODE_FORMAT', 'sequence too long'],
  ['dossier', '000.00.06.X56-231027-0361', 'DOSSIER_CODE_AGENCY'],
  ['dossier', 'H56-231027-0361', 'DOSSIER_CODE_AGENCY'],
  ['dossier', '', 'EMPTY'],
  ['dossier', {}, 'NOT_A_STRING'],

  // Phone numbers.
  ['phone', '0912345678', 'ok', 'Vinaphone'],
  ['phone', '+84912345678', 'ok'],
  ['phone', '0987 654 321', 'ok', 'Viettel, spaces'],
  ['phone', '0339.123.456', 'ok', 'dots'],
  ['phone', '070-123-4567', 'ok', 'hyphens'],
  ['phone', '0562345678', 'ok'],
  ['phone', '0812345678', 'ok'],
  ['phone', '02438253536', 'ok', 'Hà Nội landline'],
  ['phone', '+84 24 3825 3536', 'ok'],
  ['phone', '0283 822 1234', 'ok', 'HCM landline'],
  ['phone', '0237 3852 123', 'ok', 'Thanh Hóa landline'],
  ['phone', '091234567', 'PHONE_LENGTH'],
  ['phone', '09123456789', 'PHONE_LENGTH'],
  ['phone', '0243825353', 'PHONE_LENGTH'],
  ['phone', '0112345678', 'PHONE_PREFIX'],
  ['phone', '0412345678', 'PHONE_PREFIX'],
  ['phone', '0612345678', 'PHONE_PREFIX'],
  ['phone', '84912345678', 'PHONE_FORMAT', 'no + and no 0'],
  ['phone', '00912345678', 'PHONE_FORMAT'],
  ['phone', '912345678', 'PHONE_FORMAT'],
  ['phone', '+1 202 555 0100', 'PHONE_FORMAT'],
  ['phone', '(024) 38253536', 'PHONE_FORMAT'],
  ['phone', '0912  345678', 'PHONE_FORMAT', 'double separator'],
  ['phone', '0912345678 ', 'PHONE_FORMAT', 'trailing space'],
  ['phone', '09123x5678', 'PHONE_FORMAT'],
  ['phone', '0912345678912345678912345', 'TOO_LONG'],
  ['phone', 912345678, 'NOT_A_STRING'],

  // Wire timestamps.
  ['datetime', '20231027083000', 'ok'],
  ['datetime', '20240229235959', 'ok', 'leap day'],
  ['datetime', '20000229000000', 'ok', 'leap century'],
  ['datetime', '19000101000000', 'ok'],
  ['datetime', '19000229000000', 'DATE_NOT_REAL', '1900 is not a leap year'],
  ['datetime', '20230229000000', 'DATE_NOT_REAL'],
  ['datetime', '20231301000000', 'DATE_NOT_REAL'],
  ['datetime', '20231032000000', 'DATE_NOT_REAL'],
  ['datetime', '20230000000000', 'DATE_NOT_REAL'],
  ['datetime', '20231027240000', 'TIME_NOT_REAL'],
  ['datetime', '20231027236000', 'TIME_NOT_REAL'],
  ['datetime', '20231027235960', 'TIME_NOT_REAL', 'no leap seconds'],
  ['datetime', '18991231235959', 'DATE_OUT_OF_RANGE'],
  ['datetime', '2023-10-27T08:30:00+07:00', 'TOO_LONG'],
  ['datetime', '2023102708300', 'DATETIME_FORMAT'],
  ['datetime', '2023102708300Z', 'DATETIME_FORMAT'],
  ['datetime', 20231027083000, 'NOT_A_STRING'],
  ['date', '20231027', 'ok'],
  ['date', '19450902', 'ok'],
  ['date', '20230229', 'DATE_NOT_REAL'],
  ['date', '2023102', 'DATE_FORMAT'],
  ['date', '2023-10-27', 'TOO_LONG'],
  ['date', '18000101', 'DATE_OUT_OF_RANGE'],
];

describe('identifier table', () => {
  it('has at least 150 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(cases.map((c) => [c[0], typeof c[1] === 'string' ? c[1] : String(c[1]), c[2], c[3] ?? '', c[1]] as const))(
    '%s %s → %s %s',
    (parser, _label, verdict, _note, input) => {
      const result = parsers[parser](input);
      if (verdict === 'ok') {
        expect(result.ok ? 'ok' : result.error.code).toBe('ok');
      } else {
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe(verdict);
          expect(result.error.message.vi.length).toBeGreaterThan(0);
          expect(result.error.message.en.length).toBeGreaterThan(0);
        }
      }
    },
  );
});
