/** Describes what the standard holds: documents, operations per binding, requirements per profile. */
import { listOperations, requirements, requirementsFor, type DocumentName } from './index.js';

export function specSummary(): string {
  const lines: string[] = ['dvc-kit integration standard (@dvc-kit/spec)', ''];
  for (const doc of ['national-portal', 'agency-system'] as DocumentName[]) {
    const ops = listOperations(doc);
    const rest = ops.filter((o) => o.binding === 'rest').length;
    const dvcqg = ops.filter((o) => o.binding === 'dvcqg').length;
    lines.push(`${doc}.yaml: ${ops.length} operations (rest ${rest}, dvcqg ${dvcqg}); signed ${ops.filter((o) => o.signed).length}, idempotency-keyed ${ops.filter((o) => o.idempotencyKey).length}`);
  }
  const count = (level: string) => requirements.filter((r) => r.level === level).length;
  lines.push('', `requirements: ${requirements.length} (MUST ${count('MUST')}, SHOULD ${count('SHOULD')}, MAY ${count('MAY')})`);
  for (const profile of ['ministry', 'province'] as const) {
    for (const online of ['partial', 'full'] as const) {
      for (const binding of ['rest', 'dvcqg'] as const) {
        const rs = requirementsFor(requirements, { profile, online, binding });
        lines.push(`  ${profile.padEnd(8)} ${online.padEnd(7)} ${binding.padEnd(5)} ${String(rs.length).padStart(3)} (MUST ${rs.filter((r) => r.level === 'MUST').length})`);
      }
    }
  }
  const areas = new Map<string, number>();
  for (const r of requirements) areas.set(r.area, (areas.get(r.area) ?? 0) + 1);
  lines.push('', 'by area: ' + [...areas].map(([a, n]) => `${a} ${n}`).join(', '));
  return lines.join('\n');
}

