import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/sample-report.js';
import type { ConformanceReport } from '../report.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';

let report: ConformanceReport;
beforeAll(async () => {
  report = await sampleReport();
});

describe('report formats', () => {
  it('the JSON report validates against the published JSON Schema', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(schema);
    const ok = validate(JSON.parse(JSON.stringify(report)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // And the schema is not a rubber stamp.
    expect(validate({ ...JSON.parse(JSON.stringify(report)), verdict: 'MAYBE' })).toBe(false);
  });

  it('rolls up as expected: FAIL on the MUST, WARN (waived) on the SHOULD', () => {
    expect(report.verdict).toBe('FAIL');
    expect(report.requirements.find((r) => r.id === 'DVC-ERR-005')!.outcome).toBe('FAIL');
    const rate = report.requirements.find((r) => r.id === 'DVC-RATE-003')!;
    expect(rate.outcome).toBe('WARN');
    expect(rate.waiver).toMatchObject({ expired: false });
  });

  it('JUnit XML has one test case per check with failures, skips and the requirement text', () => {
    const xml = renderJunit(report);
    expect(xml).toMatch(/<testsuites [^>]*tests="4" failures="1" errors="0" skipped="1"/);
    expect(xml).toContain('DVC-ERR-005 (MUST)');
    expect(xml).toMatch(/vi: .+/);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toMatch(/Bearer eyJ/);
  });

  it('Markdown summary names the verdict and the failing requirement', () => {
    const md = renderMarkdown(report);
    expect(md).toMatch(/^## dvc-conformance: .* FAIL/);
    expect(md).toContain('| DVC-ERR-005');
    expect(md).toContain('(waived)');
  });

  it('SARIF 2.1.0 has a rule per requirement in scope and results for the ones not passed', () => {
    const sarif = JSON.parse(renderSarif(report));
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.length).toBe(report.requirements.filter((r) => r.inScope).length);
    const ids = run.results.map((r: { ruleId: string }) => r.ruleId).sort();
    expect(ids).toContain('DVC-ERR-005');
    const err = run.results.find((r: { ruleId: string }) => r.ruleId === 'DVC-ERR-005');
    expect(err.level).toBe('error');
    expect(run.tool.driver.rules[err.ruleIndex].id).toBe('DVC-ERR-005');
    const rate = run.results.find((r: { ruleId: string }) => r.ruleId === 'DVC-RATE-003');
    expect(rate.suppressions[0].status).toBe('accepted');
  });
});
