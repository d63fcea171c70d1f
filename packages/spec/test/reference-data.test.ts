import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { provincialAgencies } from '../src/reference/agencies.js';
import { ministries, ministriesAsOf } from '../src/reference/ministries.js';
import { procedures } from '../src/reference/procedures.js';
import { provincesFrom20250701, provincesUntil20250630 } from '../src/reference/provinces.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const readJson = (p: string) => JSON.parse(readFileSync(here(p), 'utf8')) as Record<string, unknown>;
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const STATUSES = ['VERIFIED', 'VERIFIED-secondary', 'GUESS'];

describe('provinces: the 63 and the 34', () => {
  const newCodes = new Set(provincesFrom20250701.map((p) => p.code));

  it('has 63 units until 2025-06-30 and 34 from 2025-07-01, codes unique in each set', () => {
    expect(provincesUntil20250630).toHaveLength(63);
    expect(provincesFrom20250701).toHaveLength(34);
    expect(new Set(provincesUntil20250630.map((p) => p.code)).size).toBe(63);
    expect(newCodes.size).toBe(34);
    for (const p of provincesUntil20250630) expect(p.validTo, p.code).toBe('2025-06-30');
    for (const p of provincesFrom20250701) expect(p.validFrom, p.code).toBe('2025-07-01');
  });

  it('maps every old province to exactly one new one, and the new units list exactly their members', () => {
    const members = new Map<string, string[]>();
    for (const old of provincesUntil20250630) {
      expect(old.successorCode, old.code).toBeDefined();
      expect(newCodes.has(old.successorCode!), `${old.code} → ${old.successorCode}`).toBe(true);
      members.set(old.successorCode!, [...(members.get(old.successorCode!) ?? []), old.code]);
    }
    for (const unit of provincesFrom20250701) {
      expect([...(unit.mergedFrom ?? [])].sort(), unit.code).toEqual((members.get(unit.code) ?? []).sort());
      // Each new unit keeps the code of one of its members.
      expect(unit.mergedFrom, unit.code).toContain(unit.code);
    }
  });

  it('derives each citizen-ID birth-province prefix as "0" + the 2-digit code', () => {
    for (const p of provincesUntil20250630) expect(p.citizenIdCode, p.code).toBe(`0${p.code}`);
  });
});

describe('ministries.json', () => {
  const raw = readJson('../data/ministries.json') as { sources: Record<string, string>; units: { codeSource: string }[] };

  it('has 22 bodies until 2025-02-28 and 17 from 2025-03-01', () => {
    expect(ministriesAsOf('2025-02-28')).toHaveLength(22);
    expect(ministriesAsOf('2025-03-01')).toHaveLength(17);
    expect(ministriesAsOf('2026-06-01')).toHaveLength(17);
  });

  it('never has two records of one code in force on the same day', () => {
    for (const a of ministries) {
      for (const b of ministries) {
        if (a === b || a.code !== b.code) continue;
        const overlap = (a.validFrom ?? '') <= (b.validTo ?? '9999') && (b.validFrom ?? '') <= (a.validTo ?? '9999');
        expect(overlap, `${a.name} / ${b.name}`).toBe(false);
      }
    }
  });

  it('links every merged body to a successor in force the next day, and every merger to its members', () => {
    for (const m of ministries.filter((x) => x.validTo !== null)) {
      expect(m.successorCode, m.name).toBeDefined();
      const next = dayAfter(m.validTo!);
      expect(ministriesAsOf(next).some((s) => s.code === m.successorCode), m.name).toBe(true);
    }
    for (const m of ministries.filter((x) => x.mergedFrom)) {
      const before = dayBefore(m.validFrom!);
      for (const code of m.mergedFrom!) {
        const member = ministriesAsOf(before).find((x) => x.code === code);
        expect(member?.successorCode, `${m.name} ← ${code}`).toBe(m.code);
      }
    }
  });

  it('labels every code with a status and a source that exists', () => {
    for (const u of raw.units) for (const key of u.codeSource.split(', ')) expect(raw.sources[key], key).toBeDefined();
    for (const m of ministries) {
      expect(STATUSES, m.name).toContain(m.codeStatus);
      expect(m.agencyCode).toBe(`000.00.00.${m.code}`);
    }
  });
});

describe('agencies.json', () => {
  const raw = readJson('../data/agencies.json') as { sources: Record<string, string>; units: { codeSource: string }[] };

  it('names each of the 63 provinces exactly once, with the province successor mapping', () => {
    expect(provincialAgencies).toHaveLength(63);
    const byProvince = new Map(provincialAgencies.map((a) => [a.provinceCode, a]));
    expect(byProvince.size).toBe(63);
    for (const p of provincesUntil20250630) {
      const agency = byProvince.get(p.code);
      expect(agency, p.code).toBeDefined();
      expect(agency!.successorProvinceCode, p.code).toBe(p.successorCode);
      expect(agency!.validTo, p.code).toBe(p.validTo);
      expect(agency!.name.endsWith(p.fullName.slice(1)), `${agency!.name} / ${p.fullName}`).toBe(true);
      expect(agency!.agencyCode).toBe(`000.00.00.${agency!.top}`);
    }
  });

  it('labels every code with a status and a source that exists', () => {
    for (const u of raw.units) expect(raw.sources[u.codeSource], u.codeSource).toBeDefined();
    for (const a of provincialAgencies) expect(STATUSES).toContain(a.codeStatus);
  });
});

describe('procedures.json', () => {
  const raw = readJson('../data/procedures.json') as { sources: Record<string, string> };
  const ministryCodes = new Set(ministriesAsOf('2025-03-01').map((m) => m.code));

  it('holds at least 50 procedures with unique, well-formed codes', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(50);
    expect(new Set(procedures.map((p) => p.MaTTHC)).size).toBe(procedures.length);
    for (const p of procedures) expect(p.MaTTHC).toMatch(/^\d\.\d{6}$/);
  });

  it('keeps illustrative codes in the 9.9xxxxx range and real ones out of it', () => {
    for (const p of procedures) {
      expect(p.MaTTHC.startsWith('9.9'), p.MaTTHC).toBe(p.status === 'illustrative');
    }
    expect(procedures.filter((p) => p.status === 'VERIFIED').length).toBeGreaterThanOrEqual(40);
  });

  it('points at ministries in force and sources that exist, with sane numbers', () => {
    for (const p of procedures) {
      if (p.ministryCode) expect(ministryCodes.has(p.ministryCode), `${p.MaTTHC} ${p.ministryCode}`).toBe(true);
      for (const key of (p.source ?? '').split(', ')) expect(raw.sources[key], `${p.MaTTHC} ${key}`).toBeDefined();
      expect(Number.isInteger(p.processingDays) && p.processingDays >= 0, p.MaTTHC).toBe(true);
      for (const f of p.fees ?? []) expect(Number.isInteger(f.Gia) && f.Gia >= 0, p.MaTTHC).toBe(true);
    }
  });

  it('covers every level and both online levels, with cross-locality procedures for provinces to accept', () => {
    expect(new Set(procedures.map((p) => p.agencyLevel))).toEqual(new Set(['ministry', 'province', 'commune']));
    expect(new Set(procedures.map((p) => p.onlineLevel))).toEqual(new Set(['full', 'partial']));
    expect(procedures.some((p) => p.allowsCrossLocality && p.agencyLevel !== 'ministry')).toBe(true);
  });
});

describe('the package is self-contained', () => {
  it('reads reference data only from its own data/ folder', () => {
    const dir = here('../src/reference/');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(`${dir}${file}`, 'utf8');
      for (const [, spec] of source.matchAll(/from '([^']+\.json)'/g)) expect(spec, file).toMatch(/^\.\.\/\.\.\/data\/[\w.-]+\.json$/);
    }
  });

  const shared = here('../../../../shared/data/reference/');
  it.skipIf(!existsSync(shared))('ships the same province sets as the shared research data', () => {
    for (const f of ['provinces-until-2025-06-30.json', 'provinces-from-2025-07-01.json']) {
      expect(readFileSync(here(`../data/${f}`), 'utf8'), f).toBe(readFileSync(`${shared}${f}`, 'utf8'));
    }
  });
});
