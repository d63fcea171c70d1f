import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each suite builds a test PKI (RSA keys): slow on 2 cores when files run in parallel.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files share their workers' module cache (the spec, the compiled validators and the PKI
    // code load once per worker instead of once per file); each test builds its own portal.
    isolate: false,
  },
});
