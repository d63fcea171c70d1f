import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real HTTP, real crypto and child processes on a shared 2-core machine: generous
    // per-test limits; the tests wait on conditions, never on durations.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
