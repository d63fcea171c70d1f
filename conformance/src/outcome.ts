/** The outcome of a check, and of a requirement rolled up over its checks. */
export const OUTCOMES = ['PASS', 'FAIL', 'WARN', 'SKIP', 'INCONCLUSIVE', 'FLAKY'] as const;
export type Outcome = (typeof OUTCOMES)[number];

// Worse outcomes win a roll-up; SKIP only stands when nothing else was decided.
const RANK: Record<Outcome, number> = { SKIP: 0, PASS: 1, WARN: 2, INCONCLUSIVE: 3, FLAKY: 4, FAIL: 5 };

/** The worst of several outcomes (SKIP when the list is empty). */
export function worstOutcome(outcomes: Iterable<Outcome>): Outcome {
  let worst: Outcome = 'SKIP';
  for (const o of outcomes) if (RANK[o] > RANK[worst]) worst = o;
  return worst;
}

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value);
}
