import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every file that ships: the sources (not tests) and the generated validators. */
function shipped(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return shipped(path);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('nothing is compiled at run time', () => {
  const files = shipped(import.meta.dirname);

  it('includes the generated validators', () => {
    expect(files.some((f) => f.endsWith('generated/bodies.js'))).toBe(true);
    expect(files.some((f) => f.endsWith('generated/params.js'))).toBe(true);
  });

  it.each(files.map((f) => [f.slice(import.meta.dirname.length + 1), f]))('%s loads no ajv and builds no code', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from ['"]ajv(?:-formats)?(?:\/[^'"]*)?['"]/);
    expect(text).not.toMatch(/require\(['"]ajv/);
    expect(text).not.toMatch(/new Function\(|\beval\(/);
  });
});
