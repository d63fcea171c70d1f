import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConformanceReport } from '../report.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';

export const REPORT_FORMATS = ['json', 'junit', 'html', 'markdown', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_FILES: Record<ReportFormat, string> = {
  json: 'report.json',
  junit: 'junit.xml',
  html: 'report.html',
  markdown: 'summary.md',
  sarif: 'report.sarif',
};

export function renderReport(report: ConformanceReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'junit':
      return renderJunit(report);
    case 'html':
      return renderHtml(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'sarif':
      return renderSarif(report);
  }
}

/** Writes the report in each format into `dir`; returns the paths written. */
export async function writeReports(report: ConformanceReport, dir: string, formats: readonly ReportFormat[] = REPORT_FORMATS): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const written: Record<string, string> = {};
  for (const format of formats) {
    const path = join(dir, REPORT_FILES[format]);
    await writeFile(path, renderReport(report, format));
    written[format] = path;
  }
  return written;
}
