import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { HttpProblem } from './errors.js';
import { bodyFingerprint, IdempotencyStore } from './idempotency.js';
import { mutantNamed, noMutant } from './mutants.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function store(mutant = noMutant, now = () => Date.now()) {
  const dir = mkdtempSync(join(tmpdir(), 'ra-idem-'));
  dirs.push(dir);
  return new IdempotencyStore(openDatabase(dir), mutant, now);
}
const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as HttpProblem).status;
  }
  return undefined;
};

describe('IdempotencyStore', () => {
  it('fingerprints bodies in canonical form (key order does not matter)', () => {
    expect(bodyFingerprint({ a: 1, b: [2, 'x'] })).toBe(bodyFingerprint({ b: [2, 'x'], a: 1 }));
    expect(bodyFingerprint({ a: 1 })).not.toBe(bodyFingerprint({ a: 2 }));
  });

  it('replays a completed answer, refuses another body with 422 and a concurrent repeat with 409', () => {
    const s = store();
    const fp = bodyFingerprint({ x: 1 });
    expect(s.begin('op', 'key-00000001', fp)).toEqual({ kind: 'new' });
    expect(statusOf(() => s.begin('op', 'key-00000001', fp))).toBe(409);
    s.complete('op', 'key-00000001', { status: 201, headers: { location: '/x' }, body: { ok: true } });
    expect(s.begin('op', 'key-00000001', fp)).toEqual({ kind: 'replay', response: { status: 201, headers: { location: '/x' }, body: { ok: true } } });
    expect(statusOf(() => s.begin('op', 'key-00000001', bodyFingerprint({ x: 2 })))).toBe(422);
    expect(s.begin('other-op', 'key-00000001', fp).kind).toBe('new');
  });

  it('forgets an abandoned key, and keys older than the retention', () => {
    let now = 0;
    const s = store(noMutant, () => now);
    const fp = bodyFingerprint({});
    s.begin('op', 'key-00000002', fp);
    s.abandon('op', 'key-00000002');
    expect(s.begin('op', 'key-00000002', fp).kind).toBe('new');
    s.complete('op', 'key-00000002', { status: 200, headers: {}, body: null });
    now = 24 * 3600_000;
    expect(s.begin('op', 'key-00000002', fp).kind).toBe('replay');
    now = 49 * 3600_000;
    expect(s.begin('op', 'key-00000002', fp).kind).toBe('new');
  });

  it('frees a key left in progress by a crash after a minute', () => {
    let now = 1_000;
    const s = store(noMutant, () => now);
    const fp = bodyFingerprint({ a: 1 });
    s.begin('op', 'key-00000004', fp);
    now += 30_000;
    expect(statusOf(() => s.begin('op', 'key-00000004', fp))).toBe(409);
    now += 31_000;
    expect(s.begin('op', 'key-00000004', fp).kind).toBe('new');
  });

  it('the idempotency-ignored mutant never remembers', () => {
    const s = store(mutantNamed('idempotency-ignored'));
    const fp = bodyFingerprint({});
    s.begin('op', 'key-00000003', fp);
    s.complete('op', 'key-00000003', { status: 201, headers: {}, body: 1 });
    expect(s.begin('op', 'key-00000003', fp).kind).toBe('new');
  });
});
