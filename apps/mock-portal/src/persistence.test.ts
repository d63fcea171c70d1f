import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UserInfo } from '@dvc-kit/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { MockPortalError } from './errors.js';
import { send } from '../test/helpers.js';
import { startMockPortal } from './mock-portal.js';
import { CITIZENS_FILE, CitizenLog } from './persistence.js';
import { CitizenRegistry, CitizenRegistryError, TEST_CITIZENS } from './test-citizens.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mock-portal-citizen-log-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CITIZEN: UserInfo = { sub: 'sub-log-0001', TechID: 'tech-log-0001', LoaiTaiKhoan: '1', SoDinhDanh: '038199000888', HoVaTen: 'Vũ Thị Lan' };

/** A registry persisted to `dir`, as the portal builds it. */
function openRegistry(dir: string): { registry: CitizenRegistry; log: CitizenLog } {
  const registry = new CitizenRegistry();
  return { registry, log: new CitizenLog(dir, registry) };
}

describe('CitizenLog (citizens.jsonl)', () => {
  it('writes each accepted change before applying it and replays them in order through the registry', () => {
    const dir = tempDir();
    const { registry } = openRegistry(dir);
    registry.add(CITIZEN);
    registry.update(CITIZEN.SoDinhDanh!, { HoVaTen: 'Vũ Thị Lan Anh' });
    expect(() => registry.add({ ...CITIZEN, sub: 'other' })).toThrow(CitizenRegistryError);
    const lines = readFileSync(join(dir, CITIZENS_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // The change is recorded under the stable sub, whatever key it was made with.
    expect(lines).toEqual([
      { t: 'citizen-added', citizen: { loAs: ['LoA1', 'LoA2', 'LoA3'], ...CITIZEN } },
      { t: 'citizen-changed', sub: CITIZEN.sub, changes: { HoVaTen: 'Vũ Thị Lan Anh' } },
    ]);
    const again = openRegistry(dir);
    expect(again.log.replayed).toBe(2);
    expect(again.registry.find(CITIZEN.TechID!)).toMatchObject({ HoVaTen: 'Vũ Thị Lan Anh' });
    expect(again.registry.list()).toHaveLength(TEST_CITIZENS.length + 1);
  });

  it('a change the file cannot take is refused, and the registry stays as it was', () => {
    const dir = tempDir();
    const { registry, log } = openRegistry(dir);
    rmSync(dir, { recursive: true });
    expect(() => registry.add(CITIZEN)).toThrow(expect.objectContaining({ code: 'MOCK_PERSISTENCE_FAILED', message: expect.stringMatching(/ENOENT.*not applied/) }));
    expect(registry.find(CITIZEN.sub)).toBeUndefined();
    expect(existsSync(log.path)).toBe(false);
  });

  it('over the admin API, a change the data directory cannot take answers 500 and is not applied', async () => {
    const dir = tempDir();
    const portal = await startMockPortal({ port: 0, dataDir: dir });
    try {
      // A directory where the log goes: every append fails.
      mkdirSync(join(dir, CITIZENS_FILE));
      const r = await send('POST', `${portal.url}/__admin/citizens`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(CITIZEN) });
      expect(r.status).toBe(500);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.parse(r.text)).toMatchObject({ code: 'MOCK_PERSISTENCE_FAILED', status: 500 });
      expect(portal.core.oidc.citizens.find(CITIZEN.sub)).toBeUndefined();
    } finally {
      await portal.close();
    }
  });

  it('drops a torn last line (never acknowledged) and keeps the rest', () => {
    const dir = tempDir();
    openRegistry(dir).registry.add(CITIZEN);
    appendFileSync(join(dir, CITIZENS_FILE), '{"t":"citizen-changed","sub":"sub-log');
    const { registry, log } = openRegistry(dir);
    expect(log.droppedTornLine).toBe(true);
    expect(registry.find(CITIZEN.sub)).toMatchObject({ HoVaTen: CITIZEN.HoVaTen });
    expect(readFileSync(join(dir, CITIZENS_FILE), 'utf8')).toBe(`${JSON.stringify({ t: 'citizen-added', citizen: { loAs: ['LoA1', 'LoA2', 'LoA3'], ...CITIZEN } })}\n`);
    expect(existsSync(join(dir, `${CITIZENS_FILE}.tmp`))).toBe(false);
  });

  const corrupt: [string, string, RegExp][] = [
    ['a line that is not JSON', 'not json\n', /line 2 is not JSON/],
    ['a citizen that is not a valid UserInfo', `${JSON.stringify({ t: 'citizen-added', citizen: { sub: 'x', SoDinhDanh: 'abc' } })}\n`, /line 2 cannot be replayed \(not a valid UserInfo/],
    ['a change of an unknown citizen', `${JSON.stringify({ t: 'citizen-changed', sub: 'nobody', changes: { HoVaTen: 'x' } })}\n`, /line 2 cannot be replayed \(no citizen "nobody"/],
    ['a line of another shape', '[1,2]\n', /line 2 cannot be replayed \(not a citizen change/],
  ];
  for (const [what, line, message] of corrupt) {
    it(`stops the portal's start on ${what} with a typed error and leaves the file as it was`, async () => {
      const dir = tempDir();
      const file = join(dir, CITIZENS_FILE);
      writeFileSync(file, `${JSON.stringify({ t: 'citizen-added', citizen: CITIZEN })}\n${line}`);
      const before = readFileSync(file);
      const error = await startMockPortal({ port: 0, dataDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MockPortalError);
      expect(error).toMatchObject({ code: 'MOCK_PERSISTENCE_FAILED', message: expect.stringMatching(message) });
      expect((error as Error).message).toContain(file);
      expect(readFileSync(file).equals(before)).toBe(true);
    });
  }

  it('names the registry’s own error as the cause of a refused line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, CITIZENS_FILE), `${JSON.stringify({ t: 'citizen-changed', sub: CITIZEN.sub, changes: { TechID: 'changed' } })}\n`);
    const error = (() => {
      try {
        openRegistry(dir);
      } catch (e) {
        return e;
      }
    })() as MockPortalError;
    expect(error.cause).toBeInstanceOf(CitizenRegistryError);
  });
});
