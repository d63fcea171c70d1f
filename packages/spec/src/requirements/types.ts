/**
 * Types of the requirement catalogue (requirements.yaml). Kept in step with
 * requirements.schema.json: the catalogue tests compare these constants with the
 * schema's enums, so a change to one without the other fails.
 */

/** RFC 2119 levels. */
export const REQUIREMENT_LEVELS = ['MUST', 'SHOULD', 'MAY'] as const;
export type RequirementLevel = (typeof REQUIREMENT_LEVELS)[number];

/** Each area and the prefix of its IDs (`DVC-<prefix>-<nnn>`). */
export const AREA_PREFIXES = {
  authentication: 'AUTH',
  sso: 'SSO',
  catalogue: 'CAT',
  reception: 'RCV',
  'dossier-code': 'CODE',
  'lookup-public': 'LKP',
  'lookup-auth': 'LKA',
  'status-sync': 'SYNC',
  history: 'HIST',
  supplementation: 'SUPP',
  withdrawal: 'WDR',
  payment: 'PAY',
  feedback: 'FBK',
  evaluation: 'EVAL',
  statistics: 'STAT',
  signatures: 'SIG',
  errors: 'ERR',
  pagination: 'PAGE',
  idempotency: 'IDEM',
  'rate-limits': 'RATE',
  'reference-data': 'REF',
  transport: 'TLS',
} as const;
export type RequirementArea = keyof typeof AREA_PREFIXES;
export const REQUIREMENT_AREAS = Object.keys(AREA_PREFIXES) as RequirementArea[];

/** Who the standard is for: a ministry-level or a province-level system. */
export const PROFILES = ['ministry', 'province'] as const;
export type Profile = (typeof PROFILES)[number];

/** Online service levels of Nghị định 42/2022/NĐ-CP: một phần (partial, ~ old level 3), toàn trình (full, ~ level 4). */
export const ONLINE_LEVELS = ['partial', 'full'] as const;
export type OnlineLevel = (typeof ONLINE_LEVELS)[number];

/** The two bindings of the data model: the portal's service envelope and the modern REST binding. */
export const BINDINGS = ['rest', 'dvcqg'] as const;
export type Binding = (typeof BINDINGS)[number];

export interface LocalizedText {
  vi: string;
  en: string;
}

export interface RequirementSource {
  /** `Thông tư 01/2018/TT-VPCP`, `Nghị định 42/2022/NĐ-CP`, … or `dvc-kit design`. */
  document: string;
  /** `Mục II.1.a`, `Chương III`, or the design topic. */
  clause: string;
  note?: string;
}

/** One entry of requirements.yaml. */
export interface Requirement {
  /** `DVC-<AREA>-<nnn>`; stable forever, never reused. */
  id: string;
  level: RequirementLevel;
  area: RequirementArea;
  title: LocalizedText;
  /** The normative statement; the English text carries the RFC 2119 keyword. */
  text: LocalizedText;
  source: RequirementSource;
  profiles: Profile[];
  online: OnlineLevel[];
  /**
   * The configurations it is checked in: how the system under test talks to the national
   * portal. The agency system's own API is `rest` in both, so a requirement on any
   * agency-system.yaml operation lists both bindings.
   */
  bindings: Binding[];
  /** operationIds of the two OpenAPI documents; empty when purely behavioural. */
  operations: string[];
  /** True when verified by behaviour across operations rather than one operation's contract. */
  behavioural: boolean;
  /** How a conformance check verifies it, one sentence. */
  verification: string;
}

export const REQUIREMENT_ID_PATTERN = /^DVC-([A-Z]+)-(\d{3})$/;
