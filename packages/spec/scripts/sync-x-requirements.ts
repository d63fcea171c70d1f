/**
 * Writes each operation's `x-requirements` line in the OpenAPI documents from the
 * `operations` lists of requirements.yaml, so the two directions cannot drift apart.
 * Run after editing requirements.yaml: `npm run sync-requirements -w @dvc-kit/spec`.
 * (test/spec.test.ts fails when they disagree.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const catalogue = parse(readFileSync(join(pkg, 'requirements.yaml'), 'utf8')) as Array<{ id: string; operations: string[] }>;
const byOperation = new Map<string, string[]>();
for (const r of catalogue) for (const op of r.operations) byOperation.set(op, [...(byOperation.get(op) ?? []), r.id]);

for (const doc of ['national-portal', 'agency-system']) {
  const file = join(pkg, 'openapi', `${doc}.yaml`);
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s+x-requirements: /.test(l));
  const out: string[] = [];
  for (const line of lines) {
    out.push(line);
    const m = /^(\s+)operationId: (\w+)\s*$/.exec(line);
    if (m) {
      const ids = byOperation.get(m[2]!) ?? [];
      out.push(`${m[1]}x-requirements: [${ids.join(', ')}]`);
    }
  }
  writeFileSync(file, out.join('\n'));
}
console.log(`x-requirements written for ${byOperation.size} operations`);
