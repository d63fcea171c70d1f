import { defineConfig } from 'tsup';
export default defineConfig({
  entry: { index: 'src/index.ts', identifiers: 'src/identifiers.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The generated validators are most of the bundle: without whitespace a new process parses them faster.
  esbuildOptions(options) {
    options.minifyWhitespace = true;
    options.minifySyntax = true;
  },
});
