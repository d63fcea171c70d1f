import type { ConformanceReport } from '../report.js';
import { requirementFailureText } from './failure-text.js';

const LEVEL: Record<string, 'error' | 'warning' | 'note'> = { FAIL: 'error', FLAKY: 'error', WARN: 'warning', INCONCLUSIVE: 'note' };

/**
 * SARIF 2.1.0: one rule per requirement in scope, one result per requirement that did
 * not pass. Results are located at the operations of the OpenAPI document they concern.
 */
export function renderSarif(report: ConformanceReport, options: { informationUri?: string } = {}): string {
  const rules = report.requirements.filter((r) => r.inScope);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = rules
    .filter((r) => r.covered && LEVEL[r.outcome])
    .map((r) => ({
      ruleId: r.id,
      ruleIndex: ruleIndex.get(r.id)!,
      level: LEVEL[r.outcome]!,
      kind: r.outcome === 'INCONCLUSIVE' ? 'review' : 'fail',
      message: { text: requirementFailureText(r) },
      locations: [{ physicalLocation: { artifactLocation: { uri: report.target.url } }, logicalLocations: r.checks.map((c) => ({ name: c, kind: 'function' })) }],
      properties: { outcome: r.outcome, checks: r.checks, ...(r.waiver ? { waiver: r.waiver } : {}) },
      ...(r.waiver && !r.waiver.expired ? { suppressions: [{ kind: 'external', status: 'accepted', justification: r.waiver.reason }] } : {}),
    }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dvc-conformance',
            semanticVersion: report.tool.version,
            informationUri: options.informationUri ?? 'https://github.com/dvc-kit/dvc-kit',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.title.en,
              shortDescription: { text: r.title.en },
              fullDescription: { text: r.text.en },
              help: { text: `${r.text.en}\n\n${r.text.vi}\n\nSource: ${r.source.document}, ${r.source.clause}` },
              defaultConfiguration: { level: r.level === 'MUST' ? 'error' : 'warning' },
              properties: { level: r.level, area: r.area, source: r.source, titleVi: r.title.vi, tags: [r.area, r.level] },
            })),
          },
        },
        invocations: [{ executionSuccessful: true, startTimeUtc: report.startedAt, endTimeUtc: report.finishedAt }],
        results,
        properties: { verdict: report.verdict, scope: report.scope, seed: report.seed },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
