import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Compiling every example's schema with ajv takes seconds on a loaded 2-core CI box.
    testTimeout: 60_000,
  },
});
