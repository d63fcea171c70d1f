import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDossierCode } from '@dvc-kit/validators';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './database.js';
import { takeDossierCode } from './dossier-code.js';
import { mutantNamed, noMutant } from './mutants.js';

const dirs: string[] = [];
function freshDb(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ra-code-'));
  dirs.push(dir);
  return { db: openDatabase(dir), dir };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('takeDossierCode', () => {
  it('numbers per agency and per Vietnam day, restarting at 0001', () => {
    const { db } = freshDb();
    const day1 = new Date('2023-10-27T01:00:00Z');
    expect(takeDossierCode(db, '000.00.06.H56', day1, noMutant)).toBe('000.00.06.H56-231027-0001');
    expect(takeDossierCode(db, '000.00.06.H56', day1, noMutant)).toBe('000.00.06.H56-231027-0002');
    expect(takeDossierCode(db, '000.00.00.H56', day1, noMutant)).toBe('000.00.00.H56-231027-0001');
    // 17:30 UTC is already the 28th in Vietnam.
    expect(takeDossierCode(db, '000.00.06.H56', new Date('2023-10-27T17:30:00Z'), noMutant)).toBe('000.00.06.H56-231028-0001');
    const parsed = parseDossierCode('000.00.06.H56-231027-0002');
    expect(parsed.ok).toBe(true);
    db.close();
  });

  it('grows past 9999 instead of wrapping, and survives reopening the file', () => {
    const { db, dir } = freshDb();
    const at = new Date('2023-10-27T01:00:00Z');
    db.prepare('INSERT INTO code_counters (agency, day, last) VALUES (?, ?, ?)').run('000.00.06.H56', '231027', 9999);
    expect(takeDossierCode(db, '000.00.06.H56', at, noMutant)).toBe('000.00.06.H56-231027-10000');
    db.close();
    const again = openDatabase(dir);
    expect(takeDossierCode(again, '000.00.06.H56', at, noMutant)).toBe('000.00.06.H56-231027-10001');
    again.close();
  });

  it('the grammar mutant breaks the standard grammar', () => {
    const { db } = freshDb();
    const code = takeDossierCode(db, '000.00.06.H56', new Date('2023-10-27T01:00:00Z'), mutantNamed('dossier-code-grammar'));
    expect(code).toBe('000.00.06.H56-20231027-001');
    expect(parseDossierCode(code).ok).toBe(false);
    db.close();
  });
});
