import { resolveAgencyCode } from '@dvc-kit/spec';

/**
 * Where the name of a public host differs from the name of its province or ministry
 * spelled without diacritics and spaces (the rule `publicHostFor` applies otherwise).
 * Keyed by the top-level group of the agency code.
 */
const HOST_NAMES: Readonly<Record<string, string>> = Object.freeze({
  H29: 'hochiminhcity', // Thành phố Hồ Chí Minh
  H06: 'baria-vungtau', // Bà Rịa – Vũng Tàu
});

/** The standard's host name pattern (DVC-TLS-003): dichvucong.<name>.gov.vn or e-services.<name>.gov.vn. */
export const PUBLIC_HOST_PATTERN = /^(dichvucong|e-services)\.[a-z0-9]([a-z0-9-]*[a-z0-9])?\.gov\.vn$/;

/** Fallback when the agency code names no province or ministry the reference data holds. */
export const DEFAULT_PUBLIC_HOST = 'dichvucong.thanhhoa.gov.vn';

function slug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/**
 * The public host name a system of this agency serves on (Thông tư 01/2018/TT-VPCP, I.1):
 * `dichvucong.<province>.gov.vn` for H codes (000.00.06.H56 → dichvucong.thanhhoa.gov.vn),
 * `dichvucong.<ministry initials>.gov.vn` for G codes (Ministry of Health → moh).
 */
export function publicHostFor(agencyCode: string, at: Date = new Date()): string {
  let resolution: ReturnType<typeof resolveAgencyCode>;
  try {
    resolution = resolveAgencyCode(agencyCode, at);
  } catch {
    return DEFAULT_PUBLIC_HOST;
  }
  if (!resolution) return DEFAULT_PUBLIC_HOST;
  const fixed = HOST_NAMES[resolution.top];
  if (fixed) return `dichvucong.${fixed}.gov.vn`;
  if (resolution.kind === 'province') {
    const province = resolution.province ?? resolution.successor?.province;
    const name = province ? slug(province.name) : '';
    return name ? `dichvucong.${name}.gov.vn` : DEFAULT_PUBLIC_HOST;
  }
  const ministry = resolution.ministry ?? resolution.successor?.ministry;
  const initials = ministry?.nameEn
    .split(/\s+/)
    .filter((w) => !['and', '&', 'the'].includes(w.toLowerCase()))
    .map((w) => w[0]!.toLowerCase())
    .join('');
  return initials && /^[a-z]+$/.test(initials) ? `dichvucong.${initials}.gov.vn` : DEFAULT_PUBLIC_HOST;
}
