import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each suite builds a test PKI (RSA keys): slow on 2 cores when files run in parallel.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
