import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The shell command that starts the reference agency system (its built CLI). */
export function referenceAgencyCommand(): string {
  const dir = dirname(require.resolve('@dvc-kit/reference-agency/package.json'));
  return `"${process.execPath}" "${join(dir, 'dist', 'cli.js')}"`;
}
