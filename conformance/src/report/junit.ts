import type { ConformanceReport } from '../report.js';
import { checkFailureText } from './failure-text.js';
import { escapeXml } from './xml.js';

/**
 * JUnit XML: one test suite per area, one test case per check. FAIL and FLAKY are
 * failures, INCONCLUSIVE an error, SKIP skipped; WARN passes with a system-out note.
 */
export function renderJunit(report: ConformanceReport): string {
  const areas = new Map<string, typeof report.checks>();
  for (const c of report.checks.filter((c) => !c.deferred)) {
    const list = areas.get(c.area) ?? [];
    list.push(c);
    areas.set(c.area, list);
  }
  const count = (list: typeof report.checks, ...o: string[]) => list.filter((c) => o.includes(c.outcome)).length;
  const all = report.checks.filter((c) => !c.deferred);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="dvc-conformance ${escapeXml(report.scope.profile)}/${escapeXml(report.scope.online)}/${escapeXml(report.scope.binding)}" tests="${all.length}" failures="${count(all, 'FAIL', 'FLAKY')}" errors="${count(all, 'INCONCLUSIVE')}" skipped="${count(all, 'SKIP')}" time="${(report.durationMs / 1000).toFixed(3)}" timestamp="${report.startedAt}">`,
  );
  for (const [area, checks] of areas) {
    const time = checks.reduce((s, c) => s + c.durationMs, 0) / 1000;
    out.push(`  <testsuite name="${escapeXml(area)}" tests="${checks.length}" failures="${count(checks, 'FAIL', 'FLAKY')}" errors="${count(checks, 'INCONCLUSIVE')}" skipped="${count(checks, 'SKIP')}" time="${time.toFixed(3)}">`);
    for (const c of checks) {
      const name = `${c.id} [${c.requirements.join(' ')}] ${c.title}`;
      out.push(`    <testcase classname="dvc-conformance.${escapeXml(area)}" name="${escapeXml(name)}" time="${(c.durationMs / 1000).toFixed(3)}">`);
      out.push(`      <properties>${c.requirements.map((r) => `<property name="requirement" value="${escapeXml(r)}"/>`).join('')}<property name="outcome" value="${c.outcome}"/></properties>`);
      const text = escapeXml(checkFailureText(c, report));
      const first = c.attempts[0]!;
      const summary = escapeXml(first.failures[0]?.message ?? first.reason ?? c.outcome);
      if (c.outcome === 'FAIL' || c.outcome === 'FLAKY') out.push(`      <failure type="${c.outcome}" message="${summary}">${text}</failure>`);
      else if (c.outcome === 'INCONCLUSIVE') out.push(`      <error type="INCONCLUSIVE" message="${summary}">${text}</error>`);
      else if (c.outcome === 'SKIP') out.push(`      <skipped message="${escapeXml(first.reason ?? 'skipped')}"/>`);
      else if (c.outcome === 'WARN') out.push(`      <system-out>WARN (a SHOULD not met)\n${text}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
