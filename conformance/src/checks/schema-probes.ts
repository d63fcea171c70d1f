import { validateRequest, type OperationId } from '@dvc-kit/validators';

/*
 * Bodies that break exactly one constraint of an operation's request schema, found by trying
 * a fixed list of wrong values at every field of a valid body and keeping those the validators
 * (the spec's own schema) fault at that field alone. The schema is never re-read here: a
 * constraint added to agency-system.yaml gets its probe from the validators' verdict.
 */

type Json = Record<string, unknown>;

/** One wrong body: `pointer` set to `value` (or removed), which the schema faults with `code`. */
export interface BodyProbe {
  /** RFC 6901 pointer into the body, e.g. `/DinhDanhCHS/0/SoDinhDanh`. */
  pointer: string;
  /** The validators' issue code the value earns (TYPE, PATTERN, REQUIRED, TOO_LONG, …). */
  code: string;
  /** Every issue code the value earns at the pointer (a value may break two rules at once). */
  codes: string[];
  mutation: { kind: 'delete' } | { kind: 'set'; value: unknown; shown: string };
}

/** The wrong values tried at every field, in order: the first that earns a new issue code wins. */
const CANDIDATES: readonly { shown: string; value: unknown }[] = [
  { shown: 'a number', value: 12345 },
  { shown: 'the string "x"', value: 'x' },
  { shown: 'true', value: true },
  { shown: 'null', value: null },
  { shown: 'an empty string', value: '' },
  { shown: 'the string "§§§"', value: '§§§' },
  { shown: 'a 5000-character string', value: 'x'.repeat(5000) },
  { shown: 'an empty object', value: {} },
  { shown: 'an empty array', value: [] },
  { shown: '-1', value: -1 },
  { shown: '10^12', value: 1e12 },
  { shown: '1.5', value: 1.5 },
];

/** A property no schema of the standard defines (for `additionalProperties: false`). */
export const UNKNOWN_PROPERTY = 'TruongKhongCoTrongChuan';

const unescape = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');
const escape = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** Issues of the body alone (header and parameter issues are not the probe's business). */
export function bodyIssues(operationId: string, body: unknown): { pointer: string; code: string }[] {
  const result = validateRequest(operationId as OperationId, { body });
  return result.ok ? [] : result.errors.filter((e) => !e.pointer.startsWith('#/')).map((e) => ({ pointer: e.pointer, code: e.code }));
}

/** Every field of a JSON value with its pointer (only the first item of an array: the others have its schema). */
export function* fields(value: unknown, pointer = ''): Generator<[string, unknown]> {
  if (pointer !== '') yield [pointer, value];
  if (Array.isArray(value)) {
    if (value.length > 0) yield* fields(value[0], `${pointer}/0`);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) yield* fields(v, `${pointer}/${escape(key)}`);
  }
}

function* objects(value: unknown, pointer = ''): Generator<string> {
  if (Array.isArray(value)) {
    if (value.length > 0) yield* objects(value[0], `${pointer}/0`);
  } else if (value && typeof value === 'object') {
    yield pointer;
    for (const [key, v] of Object.entries(value)) yield* objects(v, `${pointer}/${escape(key)}`);
  }
}

/**
 * `body` with the probe applied. A field the body lacks (an optional one a system's valid
 * body leaves out) is first filled from `template`, the body the probes were found on.
 * Undefined when neither has the field's parent.
 */
export function applyProbe(body: unknown, probe: Pick<BodyProbe, 'pointer' | 'mutation'>, template: unknown): Json | undefined {
  const out = structuredClone(body) as Json;
  const tokens = probe.pointer.slice(1).split('/').map(unescape);
  let node: unknown = out;
  let model: unknown = template;
  for (const token of tokens.slice(0, -1)) {
    if (!node || typeof node !== 'object') return undefined;
    const holder = node as Json;
    const fromModel = model && typeof model === 'object' ? (model as Json)[token] : undefined;
    if (holder[token] === undefined) {
      if (fromModel === undefined) return undefined;
      holder[token] = structuredClone(fromModel);
    }
    node = holder[token];
    model = fromModel;
  }
  if (!node || typeof node !== 'object') return undefined;
  const last = tokens[tokens.length - 1]!;
  if (probe.mutation.kind === 'delete') {
    if (Array.isArray(node)) return undefined;
    delete (node as Json)[last];
  } else {
    (node as Json)[last] = structuredClone(probe.mutation.value);
  }
  return out;
}

/** Whether the validators fault `body` only at the probe's field, and with the probe's code. */
export function faultsOnlyThere(operationId: string, body: unknown, probe: Pick<BodyProbe, 'pointer' | 'code'>): boolean {
  const issues = bodyIssues(operationId, body);
  return issues.length > 0 && issues.every((i) => i.pointer === probe.pointer) && issues.some((i) => i.code === probe.code);
}

/**
 * The probes of one operation, found on `valid` (a body the schema accepts): per field, for
 * each issue code some wrong value earns there alone, the value that earns the fewest other
 * codes with it (so `"x"` probes an enum, a number its type); and one unknown property per
 * object. Deterministic: the same document gives the same probes.
 */
export function bodyProbes(operationId: string, valid: unknown): BodyProbe[] {
  if (bodyIssues(operationId, valid).length > 0) return [];
  const probes: BodyProbe[] = [];
  const tryAt = (pointer: string, mutations: BodyProbe['mutation'][]) => {
    const earned: { mutation: BodyProbe['mutation']; codes: string[] }[] = [];
    for (const mutation of mutations) {
      const body = applyProbe(valid, { pointer, mutation }, valid);
      const issues = body ? bodyIssues(operationId, body) : [];
      if (issues.length > 0 && issues.every((i) => i.pointer === pointer)) earned.push({ mutation, codes: [...new Set(issues.map((i) => i.code))] });
    }
    const chosen = new Set<(typeof earned)[number]>();
    for (const code of new Set(earned.flatMap((e) => e.codes))) {
      const best = earned.filter((e) => e.codes.includes(code)).reduce((a, b) => (b.codes.length < a.codes.length ? b : a));
      if (chosen.has(best)) continue;
      chosen.add(best);
      probes.push({ pointer, code, codes: best.codes, mutation: best.mutation });
    }
  };
  for (const [pointer] of fields(valid)) {
    tryAt(pointer, [{ kind: 'delete' }, ...CANDIDATES.map((c): BodyProbe['mutation'] => ({ kind: 'set', value: c.value, shown: c.shown }))]);
  }
  for (const pointer of objects(valid)) tryAt(`${pointer}/${UNKNOWN_PROPERTY}`, [{ kind: 'set', value: 'x', shown: 'a property the standard does not define' }]);
  return probes;
}

/** How a probe reads in a title: `/SoDienThoai set to the string "x"`, `/MaTTHC left out`. */
export function describeProbe(probe: BodyProbe): string {
  if (probe.mutation.kind === 'delete') return `${probe.pointer} left out`;
  if (probe.pointer.endsWith(`/${UNKNOWN_PROPERTY}`)) return `an unknown property ${probe.pointer}`;
  return `${probe.pointer} set to ${probe.mutation.shown}`;
}

/** A check-id segment for a probe: `dinhdanhchs.0.sodinhdanh.pattern` (lower case, dots between tokens). */
export function probeSlug(probe: BodyProbe): string {
  const tokens = probe.pointer.slice(1).split('/').map((t) => unescape(t).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x');
  return [...tokens, probe.code.toLowerCase().replace(/_/g, '-')].join('.');
}

/** One wrong query or path parameter that the operation's parameter schema faults with `code`. */
export interface ParameterProbe {
  in: 'query' | 'path';
  name: string;
  code: string;
  codes: string[];
  mutation: { kind: 'delete' } | { kind: 'set'; value: string; shown: string };
}

const PARAMETER_CANDIDATES: readonly { shown: string; value: string }[] = [
  { shown: '"x"', value: 'x' },
  { shown: 'an empty value', value: '' },
  { shown: 'a 300-character value', value: 'x'.repeat(300) },
  { shown: '"-1"', value: '-1' },
  { shown: '"2025-13-45"', value: '2025-13-45' },
];

export interface ParameterValues {
  query: Record<string, string>;
  params: Record<string, string>;
}

function parameterIssues(operationId: string, values: ParameterValues): { pointer: string; code: string }[] {
  const result = validateRequest(operationId as OperationId, values);
  return result.ok ? [] : result.errors.filter((e) => /^#\/(query|path)\//.test(e.pointer)).map((e) => ({ pointer: e.pointer, code: e.code }));
}

/** `values` with the probe applied (a copy). */
export function applyParameterProbe(values: ParameterValues, probe: Pick<ParameterProbe, 'in' | 'name' | 'mutation'>): ParameterValues {
  const out = { query: { ...values.query }, params: { ...values.params } };
  const holder = probe.in === 'query' ? out.query : out.params;
  if (probe.mutation.kind === 'delete') delete holder[probe.name];
  else holder[probe.name] = probe.mutation.value;
  return out;
}

/**
 * Like bodyProbes, for the query and path parameters of `valid` (values the schema accepts):
 * a required query parameter left out, and wrong values. A path parameter is never left out or
 * emptied (that is another route).
 */
export function parameterProbes(operationId: string, valid: ParameterValues): ParameterProbe[] {
  if (parameterIssues(operationId, valid).length > 0) return [];
  const probes: ParameterProbe[] = [];
  for (const where of ['path', 'query'] as const) {
    for (const name of Object.keys(where === 'query' ? valid.query : valid.params)) {
      const pointer = `#/${where}/${name}`;
      const mutations: ParameterProbe['mutation'][] = [
        ...(where === 'query' ? [{ kind: 'delete' as const }] : []),
        ...PARAMETER_CANDIDATES.filter((c) => where === 'query' || c.value !== '').map((c) => ({ kind: 'set' as const, ...c })),
      ];
      const earned = mutations.flatMap((mutation) => {
        const issues = parameterIssues(operationId, applyParameterProbe(valid, { in: where, name, mutation }));
        return issues.length > 0 && issues.every((i) => i.pointer === pointer) ? [{ mutation, codes: [...new Set(issues.map((i) => i.code))] }] : [];
      });
      const chosen = new Set<(typeof earned)[number]>();
      for (const code of new Set(earned.flatMap((e) => e.codes))) {
        const best = earned.filter((e) => e.codes.includes(code)).reduce((a, b) => (b.codes.length < a.codes.length ? b : a));
        if (chosen.has(best)) continue;
        chosen.add(best);
        probes.push({ in: where, name, code, codes: best.codes, mutation: best.mutation });
      }
    }
  }
  return probes;
}
