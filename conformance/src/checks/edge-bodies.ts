import { applyProbe, bodyIssues, fields } from './schema-probes.js';

/*
 * Valid bodies at the edge of what an operation's schema allows, found from a valid body and
 * the validators' verdict, like the probes of schema-probes.ts but the other way round: a
 * system must accept each of them. They catch the over-strict system, which every refusal
 * probe passes: a text column counted in UTF-8 bytes (a Vietnamese text at maxLength in
 * characters is refused), an optional field treated as required, a code of the list refused.
 * Every variant is checked valid by the validators before it is offered.
 */

type Json = Record<string, unknown>;

/** One valid body: `pointer` left out, or set to `value`. */
export interface EdgeBody {
  pointer: string;
  kind: 'omitted' | 'longest' | 'code';
  mutation: { kind: 'delete' } | { kind: 'set'; value: unknown; shown: string };
}

/** Vietnamese letters whose UTF-8 forms are 2–3 bytes: a system counting bytes finds the text up to 3× too long. */
const VIETNAMESE = 'Nguyễn Thị Ánh Tuyết, phường Bến Thành, thành phố Hồ Chí Minh; ';
const LONGEST_TRIED = 5000;

/** `n` characters of Vietnamese text (NFC), never starting or ending with a space or a comma. */
export function vietnameseText(n: number): string {
  let s = VIETNAMESE.repeat(Math.ceil(n / VIETNAMESE.length)).slice(0, n);
  s = s.replace(/[\s,;]$/, 'ễ');
  return s.normalize('NFC');
}

/** Follows a local `$ref`, and the branches a schema may take (allOf, oneOf, anyOf). */
function expand(schema: unknown, resolve: (s: unknown) => unknown): Json[] {
  const s = resolve(schema) as Json | undefined;
  if (!s || typeof s !== 'object') return [];
  const branches = (['allOf', 'oneOf', 'anyOf'] as const).flatMap((k) => (Array.isArray(s[k]) ? (s[k] as unknown[]) : []));
  return [s, ...branches.flatMap((b) => expand(b, resolve))];
}

/** The schemas a pointer of the body may be validated by (every branch that has it). */
export function schemasAt(root: unknown, pointer: string, resolve: (s: unknown) => unknown): Json[] {
  let nodes = expand(root, resolve);
  for (const token of pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    nodes = nodes.flatMap((n) => {
      const next = /^\d+$/.test(token) ? n.items : (n.properties as Json | undefined)?.[token];
      return next === undefined ? [] : expand(next, resolve);
    });
  }
  return nodes;
}

/** The values of the code list (enum, const) a pointer's schema gives, in the document's order. */
function codeList(root: unknown, pointer: string, resolve: (s: unknown) => unknown): unknown[] {
  const values = schemasAt(root, pointer, resolve).flatMap((s) => [...(Array.isArray(s.enum) ? s.enum : []), ...('const' in s ? [s.const] : [])]);
  return [...new Map(values.map((v) => [JSON.stringify(v), v])).values()];
}

/**
 * The edge bodies of one operation, found on `valid` (a body the schema accepts), given the
 * body's schema (`root`) and a `$ref` resolver of its document. Deterministic.
 */
export function edgeBodies(operationId: string, valid: unknown, root: unknown, resolve: (s: unknown) => unknown): EdgeBody[] {
  if (bodyIssues(operationId, valid).length > 0) return [];
  const out: EdgeBody[] = [];
  const validWith = (pointer: string, mutation: EdgeBody['mutation']) => {
    const body = applyProbe(valid, { pointer, mutation }, valid);
    return body !== undefined && bodyIssues(operationId, body).length === 0;
  };
  const issuesWith = (pointer: string, value: unknown) => {
    const body = applyProbe(valid, { pointer, mutation: { kind: 'set', value, shown: '' } }, valid);
    return body ? bodyIssues(operationId, body) : [];
  };
  for (const [pointer, value] of fields(valid)) {
    // An array's item stays: leaving out the only item is another body, not an optional field.
    if (!/\/\d+$/.test(pointer) && validWith(pointer, { kind: 'delete' })) out.push({ pointer, kind: 'omitted', mutation: { kind: 'delete' } });
    for (const code of codeList(root, pointer, resolve)) {
      if (JSON.stringify(code) === JSON.stringify(value)) continue;
      const mutation = { kind: 'set' as const, value: code, shown: JSON.stringify(code) };
      if (validWith(pointer, mutation)) out.push({ pointer, kind: 'code', mutation });
    }
    if (typeof value !== 'string' || !validWith(pointer, { kind: 'set', value: vietnameseText(1), shown: '' })) continue;
    // Free text with a limit: the longest Vietnamese text the schema allows there (binary search on the verdict).
    if (issuesWith(pointer, vietnameseText(LONGEST_TRIED)).length === 0) continue;
    let [ok, tooLong] = [1, LONGEST_TRIED];
    while (tooLong - ok > 1) {
      const mid = Math.floor((ok + tooLong) / 2);
      if (issuesWith(pointer, vietnameseText(mid)).length === 0) ok = mid;
      else tooLong = mid;
    }
    if (!issuesWith(pointer, vietnameseText(ok + 1)).some((i) => i.pointer === pointer && i.code === 'TOO_LONG')) continue;
    out.push({ pointer, kind: 'longest', mutation: { kind: 'set', value: vietnameseText(ok), shown: `a ${ok}-character Vietnamese text (its maxLength)` } });
  }
  return out;
}

/** A check-id segment: `chuhoso.longest`, `kenhthuchien.code-3`, `email.omitted`. */
export function edgeSlug(edge: EdgeBody): string {
  const tokens = edge.pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x');
  const last = edge.kind === 'code' && edge.mutation.kind === 'set' ? `code-${String(edge.mutation.value).toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'x'}` : edge.kind;
  return [...tokens, last].join('.');
}

/** How an edge body reads in a title. */
export function describeEdge(edge: EdgeBody): string {
  if (edge.mutation.kind === 'delete') return `${edge.pointer} left out (optional)`;
  return edge.kind === 'code' ? `${edge.pointer} set to ${edge.mutation.shown} (a code of its list)` : `${edge.pointer} set to ${edge.mutation.shown}`;
}
