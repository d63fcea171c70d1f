import { parseAgencyCode } from './identifiers/agency-code.js';
import { parseCitizenId, parseLegacyId } from './identifiers/citizen-id.js';
import { parseDossierCode } from './identifiers/dossier-code.js';
import { parsePhoneNumber } from './identifiers/phone-number.js';
import { parsePortalDate, parsePortalDateTime } from './identifiers/portal-datetime.js';
import { parseProcedureCode } from './identifiers/procedure-code.js';
import { parseTaxCode } from './identifiers/tax-code.js';
import type { ParseResult } from './issues.js';
import type { Sensitivity } from './redact.js';

/** A named format of the standard: its parser, and whether its values are personal data. */
export interface NamedFormat {
  parse: (input: unknown) => ParseResult<unknown>;
  sensitivity: Sensitivity;
}

/** The named formats the spec's schemas use with `format:`. */
export const namedFormats = {
  'vn-citizen-id': { parse: parseCitizenId, sensitivity: 'personal' },
  'vn-legacy-id': { parse: parseLegacyId, sensitivity: 'personal' },
  'vn-tax-code': { parse: parseTaxCode, sensitivity: 'personal' },
  'vn-procedure-code': { parse: parseProcedureCode, sensitivity: 'public' },
  'vn-agency-code': { parse: parseAgencyCode, sensitivity: 'public' },
  'vn-dossier-code': { parse: parseDossierCode, sensitivity: 'public' },
  'vn-phone': { parse: parsePhoneNumber, sensitivity: 'personal' },
  'vn-portal-datetime': { parse: parsePortalDateTime, sensitivity: 'public' },
  'vn-portal-date': { parse: parsePortalDate, sensitivity: 'public' },
} as const satisfies Record<string, NamedFormat>;

export type NamedFormatName = keyof typeof namedFormats;

/**
 * The format checks as plain predicates, keyed by name. Compiled validators import
 * this object, so a schema's `format: vn-tax-code` runs the same parser as
 * `parseTaxCode`.
 */
export const formatChecks: Record<NamedFormatName, (s: string) => boolean> = Object.freeze({
  'vn-citizen-id': (s: string) => parseCitizenId(s).ok,
  'vn-legacy-id': (s: string) => parseLegacyId(s).ok,
  'vn-tax-code': (s: string) => parseTaxCode(s).ok,
  'vn-procedure-code': (s: string) => parseProcedureCode(s).ok,
  'vn-agency-code': (s: string) => parseAgencyCode(s).ok,
  'vn-dossier-code': (s: string) => parseDossierCode(s).ok,
  'vn-phone': (s: string) => parsePhoneNumber(s).ok,
  'vn-portal-datetime': (s: string) => parsePortalDateTime(s).ok,
  'vn-portal-date': (s: string) => parsePortalDate(s).ok,
});

/** The same checks as ajv format definitions; compiled code calls exactly these objects. */
export const formatDefinitions = Object.freeze(
  Object.fromEntries(
    Object.entries(formatChecks).map(([name, validate]) => [name, Object.freeze({ type: 'string' as const, validate })]),
  ) as Record<NamedFormatName, { readonly type: 'string'; readonly validate: (s: string) => boolean }>,
);

export function isNamedFormat(name: string): name is NamedFormatName {
  return Object.prototype.hasOwnProperty.call(namedFormats, name);
}

/** The part of an ajv instance (`Ajv`, `Ajv2020`) that formats are added through. */
export interface FormatHost {
  addFormat(name: string, format: { readonly type: 'string'; readonly validate: (s: string) => boolean }): unknown;
}

/** Registers the standard's named formats on an ajv instance (string values only). */
export function addVietnameseFormats<A extends FormatHost>(ajv: A): A {
  for (const [name, def] of Object.entries(formatDefinitions)) ajv.addFormat(name, def);
  return ajv;
}
