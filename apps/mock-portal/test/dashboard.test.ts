import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { send } from './helpers.js';
import { DOSSIER, register, signedJson, step, token } from './scenario.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('dashboard in headless Chromium', () => {
  let portal: MockPortal;
  let browser: Browser;
  const out = mkdtempSync(join(tmpdir(), 'mock-portal-dashboard-'));

  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 21 });
    const creds = await register(send, portal.url, { clientId: 'thanhhoa-motcua', agencyCode: '000.00.00.H56', name: 'Một cửa Thanh Hóa' });
    const auth = { authorization: `Bearer ${await token(send, portal.url, creds)}`, 'content-type': 'application/json' };
    const put = await signedJson(creds, DOSSIER);
    await send('PUT', `${portal.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { ...auth, 'x-dvc-signature': put.signature }, body: put.body });
    const ev = await signedJson(creds, { events: [step('4', 'Chuyển chuyên viên thụ lý', '20231027093000'), step('9', 'Đã xử lý xong', '20231030160000')] });
    await send('POST', `${portal.url}/v1/dossiers/${DOSSIER.MaHoSo}/events`, { headers: { ...auth, 'idempotency-key': 'dash-0001-key', 'x-dvc-signature': ev.signature }, body: ev.body });
    const bad = await signedJson(creds, { ...DOSSIER, TrangThaiHoSo: '42' });
    await send('PUT', `${portal.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { headers: { ...auth, 'x-dvc-signature': bad.signature }, body: bad.body });
    await send('PUT', `${portal.url}/__admin/faults`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seed: 5, rules: [{ route: 'listProcedures', errorRate: 0.2, statuses: [503] }] }) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await portal.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('shows systems, the dossier timeline, invalid requests highlighted and the faults', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const response = await page.goto(`${portal.url}/__dashboard`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('#systems tr[data-client-id="thanhhoa-motcua"] td').nth(2).textContent()).toBe('Một cửa Thanh Hóa');
    const dossier = page.locator(`#dossiers tr[data-ma-ho-so="${DOSSIER.MaHoSo}"]`);
    expect(await dossier.locator('td.status').textContent()).toContain('Đã xử lý xong');
    expect(await dossier.locator('ol.timeline li').count()).toBe(2);
    const invalid = page.locator('#journal tr.invalid');
    expect(await invalid.count()).toBe(1);
    expect(await invalid.locator('td').nth(6).textContent()).toContain('/TrangThaiHoSo');
    const background = await invalid.locator('td').first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(253, 232, 232)');
    expect(await page.locator('#faults pre').textContent()).toContain('listProcedures');
    const verdicts = await page.locator('#journal tbody tr td:nth-child(8)').allTextContents();
    expect(verdicts.filter((v) => v === 'conforms').length).toBe(verdicts.length);
    const file = join(out, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
    if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
  });
});
