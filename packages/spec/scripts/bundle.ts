import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * Bundles one OpenAPI document and the shared component files it references into a
 * single self-contained document: every `./shared/x.yaml#/components/<kind>/<Name>` becomes
 * `#/components/<kind>/<Name>`, and only the components actually reached are copied.
 * Component names are unique across the shared files, so no renaming is needed; a clash
 * is an error rather than a silent overwrite.
 */
export function bundleDocument(rootFile: string): Record<string, unknown> {
  const files = new Map<string, Record<string, unknown>>();
  const load = (file: string) => {
    let doc = files.get(file);
    if (!doc) {
      doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      files.set(file, doc);
    }
    return doc;
  };

  const root = structuredClone(load(rootFile));
  const components = ((root.components ??= {}) as Record<string, Record<string, unknown>>);
  const origin = new Map<string, string>(); // "kind/Name" -> file it came from
  for (const [kind, entries] of Object.entries(components)) {
    for (const name of Object.keys(entries ?? {})) origin.set(`${kind}/${name}`, rootFile);
  }

  const pending: Array<{ file: string; kind: string; name: string }> = [];

  const rewrite = (node: unknown, file: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, file));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        out[key] = rewriteRef(value, file);
      } else if (key === 'mapping' && value && typeof value === 'object') {
        out[key] = Object.fromEntries(
          Object.entries(value as Record<string, string>).map(([k, v]) => [k, rewriteRef(v, file)]),
        );
      } else {
        out[key] = rewrite(value, file);
      }
    }
    return out;
  };

  const rewriteRef = (ref: string, file: string): string => {
    const [target = '', pointer = ''] = ref.split('#');
    const m = /^\/components\/([^/]+)\/([^/]+)$/.exec(pointer);
    if (!m) throw new Error(`${file}: unsupported $ref ${ref} (only #/components/<kind>/<Name>)`);
    const [, kind = '', name = ''] = m;
    const targetFile = target === '' ? file : resolve(dirname(file), target);
    if (targetFile !== rootFile) pending.push({ file: targetFile, kind, name });
    return `#/components/${kind}/${name}`;
  };

  root.paths = rewrite(root.paths, rootFile);
  for (const [kind, entries] of Object.entries(components)) {
    components[kind] = rewrite(entries, rootFile) as Record<string, unknown>;
  }

  while (pending.length > 0) {
    const { file, kind, name } = pending.pop()!;
    const key = `${kind}/${name}`;
    const seen = origin.get(key);
    if (seen === file) continue;
    const source = (load(file).components as Record<string, Record<string, unknown>> | undefined)?.[kind]?.[name];
    if (source === undefined) throw new Error(`${file}: no component ${key}`);
    const local = components[kind]?.[name] as { $ref?: string } | undefined;
    if (seen !== undefined && !(seen === rootFile && local?.$ref === `#/components/${kind}/${name}`)) {
      throw new Error(`component ${key} defined both in ${seen} and ${file}`);
    }
    origin.set(key, file);
    (components[kind] ??= {})[name] = rewrite(source, file);
  }

  for (const kind of Object.keys(components)) {
    const entries = components[kind]!;
    components[kind] = Object.fromEntries(Object.keys(entries).sort().map((k) => [k, entries[k]]));
  }
  return root;
}
