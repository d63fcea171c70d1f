import { defineConfig } from 'tsup';
export default defineConfig({
  entry: ['src/index.ts', 'src/msw.ts', 'src/cli.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
