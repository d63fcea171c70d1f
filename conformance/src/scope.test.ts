import { findOperation, requirements } from '@dvc-kit/spec';
import { describe, expect, it } from 'vitest';
import { requirementsInScope } from './scope.js';

describe('requirementsInScope', () => {
  it('for dvcqg keeps agency-system requirements listed only for rest, and drops rest-only portal ones', () => {
    const dvcqg = requirementsInScope(requirements, { profile: 'province', online: 'full', binding: 'dvcqg' }).map((r) => r.id);
    expect(dvcqg).toContain('DVC-LKP-001'); // lookupDossierPublic, agency-system.yaml, bindings [rest]
    expect(dvcqg).toContain('DVC-ERR-002');
    expect(dvcqg).not.toContain('DVC-AUTH-001'); // requestToken is a national-portal rest operation
    expect(findOperation('lookupDossierPublic')?.document).toBe('agency-system');
  });

  it('filters by profile and online level', () => {
    const partial = requirementsInScope(requirements, { profile: 'ministry', online: 'partial', binding: 'rest' }).map((r) => r.id);
    expect(partial).not.toContain('DVC-PAY-003'); // full online only
    expect(partial).not.toContain('DVC-SSO-008'); // province only
  });
});
