import { defineConfig } from 'vitest/config';

// The end-to-end tests start real systems and measure them against deadlines: run the test
// files one after another so that one file's load does not make another's system late.
export default defineConfig({
  test: {
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 30_000,
  },
});
