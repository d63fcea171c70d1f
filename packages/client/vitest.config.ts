import { defineConfig } from 'vitest/config';

// Real servers, real crypto and a shared 2-core CI machine running other packages' tests at
// the same time: the 5 s default is too tight. These are limits, not timings.
export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
});
