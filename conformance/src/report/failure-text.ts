import type { ConformanceReport, RequirementResult } from '../report.js';
import type { CheckResult } from '../runner.js';

/** The plain-text explanation of a requirement's failures, used by JUnit and SARIF. */
export function requirementFailureText(r: RequirementResult): string {
  const lines = [
    `${r.id} (${r.level}) ${r.title.en} — ${r.outcome}`,
    `en: ${r.text.en}`,
    `vi: ${r.text.vi}`,
    `Source: ${r.source.document}, ${r.source.clause}`,
  ];
  if (r.reason) lines.push(`Reason: ${r.reason}`);
  for (const f of r.failures) {
    lines.push(`- [${f.check}] ${f.message}`);
    if (f.expected !== undefined) lines.push(`    expected: ${f.expected}`);
    if (f.found !== undefined) lines.push(`    found:    ${f.found}`);
  }
  return lines.join('\n');
}

/** A check's failures with the requirement texts it names. */
export function checkFailureText(check: CheckResult, report: ConformanceReport): string {
  const attempt = check.attempts[0]!;
  const lines: string[] = [`${check.id}: ${check.outcome}${attempt.reason ? ` — ${attempt.reason}` : ''}`];
  if (check.outcome === 'FLAKY') lines.push(`attempts: ${check.attempts.map((a) => a.outcome).join(' then ')}`);
  for (const f of attempt.failures) {
    lines.push(`- ${f.message}`);
    if (f.expected !== undefined) lines.push(`    expected: ${f.expected}`);
    if (f.found !== undefined) lines.push(`    found:    ${f.found}`);
    for (const ex of f.exchanges ?? []) {
      const e = attempt.evidence.find((x) => x.id === ex);
      if (e) lines.push(`    evidence #${e.id}: ${e.request.method} ${e.request.url} → ${e.response ? e.response.status : (e.error ?? 'no answer')} (${e.durationMs} ms)`);
    }
  }
  for (const id of check.requirements) {
    const r = report.requirements.find((x) => x.id === id);
    if (r && r.inScope) lines.push(`${r.id} (${r.level}): ${r.text.en}\n  vi: ${r.text.vi}\n  source: ${r.source.document}, ${r.source.clause}`);
  }
  return lines.join('\n');
}
