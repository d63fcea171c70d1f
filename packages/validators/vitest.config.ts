import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Property tests run 10,000 cases each; on a shared 2-core machine that can take seconds.
    testTimeout: 60_000,
  },
});
