import { defineConfig } from 'vitest/config';

// Key generation, child processes (openssl, pdfsig, the CLI through tsx) and a shared
// 2-core machine make the 5 s default too tight; these are limits, not timings.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
