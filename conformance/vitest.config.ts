import { defineConfig } from 'vitest/config';

// The end-to-end tests mostly wait on real processes and timers, not on the CPU: let the
// test files run side by side even on a 2-core machine.
export default defineConfig({
  test: {
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 30_000,
  },
});
