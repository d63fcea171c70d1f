import { findOperation, requirementsFor, type Binding, type OnlineLevel, type Profile, type Requirement } from '@dvc-kit/spec';

/** What the system under test claims to be: which requirements apply to it. */
export interface Scope {
  profile: Profile;
  online: OnlineLevel;
  /** How the system talks to the national portal. */
  binding: Binding;
}

function onlyAgencySystemOperations(r: Requirement): boolean {
  return r.operations.length > 0 && r.operations.every((op) => findOperation(op)?.document === 'agency-system');
}

/**
 * The requirements in scope, in catalogue order. `--binding` is how the system calls the
 * portal; the portal calls the system over agency-system.yaml (rest only) whatever that
 * binding is, so for `dvcqg` the requirements whose operations are all agency-system
 * operations are in scope too even when their `bindings` list only `rest`.
 */
export function requirementsInScope(catalogue: readonly Requirement[], scope: Scope): Requirement[] {
  const selected = new Set(requirementsFor(catalogue, scope).map((r) => r.id));
  if (scope.binding === 'dvcqg') {
    for (const r of requirementsFor(catalogue, { profile: scope.profile, online: scope.online })) {
      if (onlyAgencySystemOperations(r)) selected.add(r.id);
    }
  }
  return catalogue.filter((r) => selected.has(r.id));
}
