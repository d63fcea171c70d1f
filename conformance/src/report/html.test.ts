import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReport } from '../../test/sample-report.js';
import type { ConformanceReport } from '../report.js';
import { writeReports } from './write.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser;
let dir: string;
let report: ConformanceReport;
let url: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Headless Chromium is needed at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`);
  report = await sampleReport();
  dir = await mkdtemp(join(tmpdir(), 'dvc-conformance-html-'));
  const written = await writeReports(report, dir);
  url = pathToFileURL(written.html!).href;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('HTML report in headless Chromium', () => {
  it('shows the verdict, one entry per requirement, and filters by outcome and text', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    expect(await page.textContent('#verdict')).toBe('FAIL');
    expect(await page.locator('details.req').count()).toBe(report.requirements.length);
    const inScope = report.requirements.filter((r) => r.inScope).length;
    expect(await page.textContent('#shown-count')).toBe(String(inScope));

    // The failing requirement is open and shows expected vs found and the vi text.
    const failing = page.locator('details.req[id="DVC-ERR-005"]');
    expect(await failing.getAttribute('open')).not.toBeNull();
    await expect(failing.locator('.ef').first().textContent()).resolves.toContain('expected');
    expect(await failing.locator('p[lang="vi"]').textContent()).toBeTruthy();

    // Untick PASS: passing requirements disappear, the failing one stays.
    await page.uncheck('input[data-outcome="PASS"]');
    expect(await page.locator('details.req[data-outcome="PASS"]:visible').count()).toBe(0);
    expect(await failing.isVisible()).toBe(true);
    await page.check('input[data-outcome="PASS"]');

    await page.fill('#search', 'dvc-lkp-001');
    expect(await page.textContent('#shown-count')).toBe('1');
    await page.fill('#search', '');

    // Evidence expands, and is redacted.
    const evidence = failing.locator('details.evidence').first();
    await evidence.locator('summary').click();
    const pre = await evidence.locator('pre').first().textContent();
    expect(pre).toContain('GET http://127.0.0.1');
    expect(pre).toMatch(/authorization: Bearer \[redacted\]/);
    expect(errors).toEqual([]);

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    await page.close();
  }, 60_000);

  it('does not execute markup found in evidence', async () => {
    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await page.goto(url);
    await page.locator('details.check[id="check-errors.no-internals"] > summary').click();
    expect(await page.locator('details.check[id="check-errors.no-internals"]').textContent()).toContain('<script>alert(1)</script>');
    expect(dialogs).toBe(0);
    await page.close();
  }, 60_000);
});
