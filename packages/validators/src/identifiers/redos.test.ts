import { describe, expect, it } from 'vitest';
import { namedFormats } from '../formats.js';

// Inputs shaped to make a backtracking pattern explode: long runs of what a group
// accepts, followed by one character that makes the whole match fail.
const adversarial = [
  '0'.repeat(100_000) + '!',
  '000.'.repeat(50_000) + 'H56!',
  '00.'.repeat(50_000) + 'X',
  '1.000656' + '.000'.repeat(50_000) + '-',
  '000.00.06.H56-' + '2'.repeat(100_000) + '-',
  '+84' + ' 9'.repeat(50_000) + 'x',
  '9'.repeat(1_000_000),
  '-'.repeat(100_000),
  '.'.repeat(100_000),
];

describe('catastrophic backtracking', () => {
  it('every parser rejects adversarial input quickly, by length first', () => {
    for (const [name, { parse }] of Object.entries(namedFormats)) {
      const started = performance.now();
      for (const input of adversarial) {
        const r = parse(input);
        expect(r.ok, `${name} accepted an adversarial input`).toBe(false);
        expect(!r.ok && r.error.code).toBe('TOO_LONG');
      }
      // A generous bound: linear work is microseconds, exponential work is hours.
      expect(performance.now() - started, name).toBeLessThan(1_000);
    }
  });
});
