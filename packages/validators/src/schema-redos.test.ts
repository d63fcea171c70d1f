import { describe, expect, it } from 'vitest';
import { patternHints } from './generated/catalogue.js';
import { standardFormats } from './standard-formats.js';
import { validate } from './validate.js';

/**
 * A nested quantifier — a group that is repeated and itself contains a repetition, like
 * `(a+)+` or `(\d|\d\d)*` — is what lets a backtracking engine take exponential time.
 * This finds a quantified group whose body is quantified too, ignoring groups whose
 * repetitions are separated by a mandatory literal (`(\.\d+)*`), which cannot overlap.
 */
function nestedQuantifiers(pattern: string): string[] {
  const found: string[] = [];
  const stack: { start: number; quantifiedInside: boolean }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') stack.push({ start: i, quantifiedInside: false });
    else if (c === ')') {
      const group = stack.pop();
      const next = pattern[i + 1];
      const repeated = next === '*' || next === '+' || (next === '{' && !/^\{\d+\}/.test(pattern.slice(i + 1)));
      if (group && repeated && group.quantifiedInside) {
        const body = pattern.slice(group.start + 1, i).replace(/^\?:/, '');
        // A body that starts with a required literal separator cannot match in two ways.
        if (!/^(\\[./\-:]|[./\-:@])/.test(body)) found.push(pattern.slice(group.start, i + 2));
      }
      if (group && stack.length > 0 && (repeated || group.quantifiedInside)) stack[stack.length - 1]!.quantifiedInside = true;
    } else if ((c === '*' || c === '+' || c === '{') && stack.length > 0) {
      stack[stack.length - 1]!.quantifiedInside = true;
    }
  }
  return found;
}

const patterns = Object.keys(patternHints);

// Long runs of what patterns accept, ending in something none of them accept.
const adversarial = [
  '0'.repeat(50_000) + '!',
  'a'.repeat(50_000) + '!',
  '0.'.repeat(25_000) + '!',
  'A-'.repeat(25_000) + '!',
  '%20'.repeat(10_000) + ' ',
  'a@'.repeat(10_000) + '!',
  'a.'.repeat(25_000) + '@!',
  'http://' + 'a/'.repeat(20_000) + ' ',
];

describe('catastrophic backtracking in the spec', () => {
  it('has patterns to check', () => {
    expect(patterns.length).toBeGreaterThan(5);
  });

  it('no pattern of the spec has a nested quantifier that can overlap', () => {
    const risky = patterns.map((p) => [p, nestedQuantifiers(p)] as const).filter(([, r]) => r.length > 0);
    expect(risky).toEqual([]);
  });

  it('the check itself finds the classic cases', () => {
    expect(nestedQuantifiers('^(a+)+$')).toEqual(['(a+)+']);
    expect(nestedQuantifiers('^(\\d|\\d\\d)*$')).toEqual([]);
    expect(nestedQuantifiers('^([a-z0-9]+-?)*$')).toEqual(['([a-z0-9]+-?)*']);
    expect(nestedQuantifiers('^\\d{3}(\\.\\d{2})*$')).toEqual([]);
  });

  it('every pattern and format rejects adversarial input in bounded time', () => {
    // A generous bound: linear work on these inputs takes microseconds, exponential work hours.
    const started = performance.now();
    for (const p of patterns) {
      const re = new RegExp(p, 'u');
      for (const input of adversarial) expect(re.test(input), p).toBe(false);
    }
    for (const [name, f] of Object.entries(standardFormats)) {
      for (const input of adversarial) expect(f.validate(input), name).toBe(false);
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a whole dossier made of adversarial strings is refused in bounded time', () => {
    const started = performance.now();
    const hostile = Object.fromEntries(
      ['MaHoSo', 'MaTTHC', 'TenTTHC', 'SoDienThoai', 'Email', 'NgayTiepNhan', 'NgayHenTra', 'TrangThaiHoSo', 'ChuHoSo'].map(
        (k, i) => [k, adversarial[i % adversarial.length]],
      ),
    );
    const r = validate('Dossier', hostile);
    expect(r.ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
