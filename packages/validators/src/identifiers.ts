// The `@dvc-kit/validators/identifiers` entry point: the identifier parsers and named
// formats alone, without the compiled schema validators.
export type { LocalizedText, ParseResult, ValidationIssue } from './issues.js';
export { describeReceived, redactPersonal } from './redact.js';
export type { Sensitivity } from './redact.js';
export { parseTaxCode, taxCodeCheckDigit } from './identifiers/tax-code.js';
export type { TaxCode } from './identifiers/tax-code.js';
export { parseCitizenId, parseLegacyId } from './identifiers/citizen-id.js';
export type { CitizenId, CitizenIdOptions, LegacyId } from './identifiers/citizen-id.js';
export { parseAgencyCode, AGENCY_CODE_MAX_LENGTH } from './identifiers/agency-code.js';
export type { AgencyCode, AgencyCodeOptions } from './identifiers/agency-code.js';
export type { AgencyKind, TopLevelBody } from './identifiers/agency-reference.js';
export { parseProcedureCode } from './identifiers/procedure-code.js';
export type { ProcedureCode } from './identifiers/procedure-code.js';
export { parseDossierCode } from './identifiers/dossier-code.js';
export type { DossierCode } from './identifiers/dossier-code.js';
export { parsePhoneNumber } from './identifiers/phone-number.js';
export type { PhoneNumber } from './identifiers/phone-number.js';
export { formatPortalDateTime, parsePortalDate, parsePortalDateTime } from './identifiers/portal-datetime.js';
export type { PortalDate, PortalDateTime } from './identifiers/portal-datetime.js';
export { addVietnameseFormats, formatChecks, isNamedFormat, namedFormats } from './formats.js';
export type { FormatHost, NamedFormat, NamedFormatName } from './formats.js';
