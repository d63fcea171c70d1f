import { describe, expect, it } from 'vitest';
import { defaultProgressMode, progressPrinter } from './progress.js';
import type { CheckResult } from './runner.js';

const result = (id: string, outcome: CheckResult['outcome']): CheckResult => ({ id, title: id, area: 'errors', requirements: ['DVC-ERR-001'], outcome, durationMs: 12, attempts: [] });

describe('progress', () => {
  it('plain mode prints one line per check (CI logs)', () => {
    const out: string[] = [];
    const p = progressPrinter('plain', (t) => out.push(t));
    p({ type: 'start', total: 2 });
    p({ type: 'check', result: result('errors.a', 'PASS'), done: 1, total: 2 });
    p({ type: 'check', result: result('errors.b', 'FAIL'), done: 2, total: 2 });
    expect(out).toEqual(['running 2 checks\n', 'PASS         errors.a (12 ms)\n', 'FAIL         errors.b (12 ms)\n']);
  });

  it('tty mode rewrites one line and keeps failures visible', () => {
    const out: string[] = [];
    const p = progressPrinter('tty', (t) => out.push(t));
    p({ type: 'start', total: 2 });
    p({ type: 'check', result: result('errors.a', 'PASS'), done: 1, total: 2 });
    p({ type: 'check', result: result('errors.b', 'FLAKY'), done: 2, total: 2 });
    expect(out[0]).toMatch(/^\r\u001b\[2K\[#{12}\.{12}\] 1\/2 /);
    expect(out.join('')).toContain('\nFLAKY errors.b\n');
  });

  it('uses the TTY mode only on a terminal outside CI', () => {
    expect(defaultProgressMode({ isTTY: true }, {})).toBe('tty');
    expect(defaultProgressMode({ isTTY: true }, { CI: 'true' })).toBe('plain');
    expect(defaultProgressMode({ isTTY: false }, {})).toBe('plain');
  });
});
