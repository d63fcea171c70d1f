import { OUTCOMES } from '../outcome.js';
import type { ConformanceReport } from '../report.js';

const ICON: Record<string, string> = { PASS: '✅', FAIL: '❌', WARN: '⚠️', SKIP: '⏭️', INCONCLUSIVE: '❔', FLAKY: '🔀' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A short Markdown summary for a CI job summary (e.g. $GITHUB_STEP_SUMMARY). */
export function renderMarkdown(report: ConformanceReport, options: { maxFailures?: number } = {}): string {
  const max = options.maxFailures ?? 50;
  const s = report.summary;
  const lines: string[] = [];
  lines.push(`## dvc-conformance: ${ICON[report.verdict === 'PASS' ? 'PASS' : report.verdict === 'FAIL' ? 'FAIL' : 'INCONCLUSIVE']} ${report.verdict}`);
  lines.push('');
  lines.push(`Target \`${report.target.url}\` · profile **${report.scope.profile}** · online **${report.scope.online}** · binding **${report.scope.binding}** · seed ${report.seed}${report.shard ? ` · shard ${report.shard.index}/${report.shard.total}` : ''} · ${(report.durationMs / 1000).toFixed(1)} s`);
  lines.push('');
  lines.push(`MUST requirements passed: **${s.mustPassed} / ${s.mustInScope}**${s.uncoveredMust ? ` (${s.uncoveredMust} not covered by any check)` : ''}`);
  lines.push('');
  lines.push('| | ' + OUTCOMES.join(' | ') + ' |');
  lines.push('|---|' + OUTCOMES.map(() => '---:').join('|') + '|');
  lines.push('| requirements | ' + OUTCOMES.map((o) => String(s.requirements[o])).join(' | ') + ' |');
  lines.push('| checks | ' + OUTCOMES.map((o) => String(s.checks[o])).join(' | ') + ' |');
  lines.push('');
  if (report.verdictReasons.length > 0) {
    lines.push('**Why:** ' + report.verdictReasons.map(cell).join('; '));
    lines.push('');
  }
  const bad = report.requirements.filter((r) => r.inScope && r.covered && ['FAIL', 'FLAKY', 'WARN', 'INCONCLUSIVE'].includes(r.outcome));
  if (bad.length > 0) {
    lines.push('| requirement | level | outcome | what was found |');
    lines.push('|---|---|---|---|');
    for (const r of bad.slice(0, max)) {
      const f = r.failures[0];
      const found = f ? `${f.message}${f.expected !== undefined ? ` — expected ${f.expected}` : ''}${f.found !== undefined ? `, found ${f.found}` : ''}` : (r.reason ?? '');
      lines.push(`| ${r.id} ${cell(r.title.en)} | ${r.level} | ${ICON[r.outcome]} ${r.outcome}${r.waiver && !r.waiver.expired ? ' (waived)' : ''} | ${cell(found).slice(0, 300)} |`);
    }
    if (bad.length > max) lines.push(`| … ${bad.length - max} more in the HTML report | | | |`);
    lines.push('');
  }
  if (report.uncoveredMust.length > 0) {
    lines.push(`<details><summary>${report.uncoveredMust.length} MUST requirement(s) not covered by any check</summary>\n\n${report.uncoveredMust.join(', ')}\n\n</details>`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
