import {
  AREA_PREFIXES,
  REQUIREMENT_ID_PATTERN,
  type Binding,
  type OnlineLevel,
  type Profile,
  type Requirement,
  type RequirementArea,
  type RequirementLevel,
} from './types.js';

export type RequirementCatalogueErrorCode = 'ERR_REQUIREMENT_ID_INVALID';

/** Bad input to a catalogue helper (not a problem inside the catalogue: see {@link checkCatalogue}). */
export class RequirementCatalogueError extends Error {
  override readonly name = 'RequirementCatalogueError';
  constructor(
    readonly code: RequirementCatalogueErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Which requirements to select; every given field must match, omitted fields match all. */
export interface RequirementFilter {
  profile?: Profile;
  online?: OnlineLevel;
  binding?: Binding;
  level?: RequirementLevel;
  area?: RequirementArea;
  /** Only requirements naming this operationId. */
  operation?: string;
}

/**
 * The requirements that apply to a system, in catalogue order.
 *
 * @example
 * requirementsFor(catalogue, { profile: 'province', online: 'partial', binding: 'dvcqg' })
 */
export function requirementsFor(catalogue: readonly Requirement[], filter: RequirementFilter = {}): Requirement[] {
  return catalogue.filter(
    (r) =>
      (filter.profile === undefined || r.profiles.includes(filter.profile)) &&
      (filter.online === undefined || r.online.includes(filter.online)) &&
      (filter.binding === undefined || r.bindings.includes(filter.binding)) &&
      (filter.level === undefined || r.level === filter.level) &&
      (filter.area === undefined || r.area === filter.area) &&
      (filter.operation === undefined || r.operations.includes(filter.operation)),
  );
}

/**
 * The requirement with this ID, or undefined when the catalogue has none.
 * Throws {@link RequirementCatalogueError} `ERR_REQUIREMENT_ID_INVALID` when `id` is not of the form `DVC-<AREA>-<nnn>`.
 */
export function getRequirement(catalogue: readonly Requirement[], id: string): Requirement | undefined {
  if (!REQUIREMENT_ID_PATTERN.test(id)) {
    throw new RequirementCatalogueError(
      'ERR_REQUIREMENT_ID_INVALID',
      `Requirement ID "${id}" is malformed: expected DVC-<AREA>-<3 digits>, e.g. DVC-CODE-001.`,
    );
  }
  return catalogue.find((r) => r.id === id);
}

/** operationId → the requirements naming it, in catalogue order. */
export function requirementsByOperation(catalogue: readonly Requirement[]): Map<string, Requirement[]> {
  const index = new Map<string, Requirement[]>();
  for (const r of catalogue) {
    for (const op of r.operations) {
      const list = index.get(op);
      if (list) list.push(r);
      else index.set(op, [r]);
    }
  }
  return index;
}

export type CatalogueIssueCode =
  | 'duplicate-id'
  | 'prefix-mismatch'
  | 'keyword-missing'
  | 'not-behavioural'
  | 'unknown-operation';

export interface CatalogueIssue {
  id: string;
  code: CatalogueIssueCode;
  message: string;
}

/**
 * Rules of the catalogue that its JSON Schema cannot express. Returns every
 * issue found (empty when the catalogue is sound); pass `knownOperations` (the
 * operationIds of both OpenAPI documents) to also check operation references.
 */
export function checkCatalogue(
  catalogue: readonly Requirement[],
  knownOperations?: ReadonlySet<string>,
): CatalogueIssue[] {
  const issues: CatalogueIssue[] = [];
  const seen = new Set<string>();
  for (const r of catalogue) {
    if (seen.has(r.id)) issues.push({ id: r.id, code: 'duplicate-id', message: `${r.id} appears more than once.` });
    seen.add(r.id);

    const prefix = REQUIREMENT_ID_PATTERN.exec(r.id)?.[1];
    const expected = AREA_PREFIXES[r.area];
    if (prefix !== expected) {
      issues.push({
        id: r.id,
        code: 'prefix-mismatch',
        message: `${r.id} is in area "${r.area}", whose IDs start with DVC-${expected}-.`,
      });
    }

    // "MUST NOT" contains "MUST", "SHOULD NOT" contains "SHOULD": a word match suffices.
    if (!new RegExp(`\\b${r.level}\\b`).test(r.text.en)) {
      issues.push({
        id: r.id,
        code: 'keyword-missing',
        message: `${r.id} is level ${r.level} but its English text does not contain "${r.level}".`,
      });
    }

    if (r.operations.length === 0 && !r.behavioural) {
      issues.push({
        id: r.id,
        code: 'not-behavioural',
        message: `${r.id} names no operation, so it must be marked behavioural: true.`,
      });
    }

    if (knownOperations) {
      for (const op of r.operations) {
        if (!knownOperations.has(op)) {
          issues.push({
            id: r.id,
            code: 'unknown-operation',
            message: `${r.id} names operation "${op}", which neither OpenAPI document defines.`,
          });
        }
      }
    }
  }
  return issues;
}
