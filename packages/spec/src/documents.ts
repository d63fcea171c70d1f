import { agencySystemDocument, nationalPortalDocument } from './generated/documents.js';
import type { OpenApiDocument } from './document-types.js';

export type { OpenApiDocument } from './document-types.js';
export { agencySystemDocument, nationalPortalDocument };

export type DocumentName = 'national-portal' | 'agency-system';

/** The bundled (self-contained) OpenAPI 3.1 document by name. */
export function getDocument(name: DocumentName): OpenApiDocument {
  return name === 'national-portal' ? nationalPortalDocument : agencySystemDocument;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
export type HttpMethod = (typeof METHODS)[number];

/** One operation of a document, with the extensions the tooling reads. */
export interface OperationInfo {
  document: DocumentName;
  operationId: string;
  method: HttpMethod;
  path: string;
  binding: 'rest' | 'dvcqg';
  summary: string;
  tags: string[];
  /** Requirement IDs from `x-requirements`. */
  requirements: string[];
  /** The `dvcqg` service carrying the same data, from `x-dvcqg`. */
  dvcqg?: { operationId: string; service: string };
  /** Whether the operation requires an `Idempotency-Key` header. */
  idempotencyKey: boolean;
  /** Whether the operation requires an `X-DVC-Signature` header. */
  signed: boolean;
  /** The raw operation object. */
  operation: Record<string, unknown>;
}

function hasHeader(document: OpenApiDocument, op: Record<string, unknown>, pathItem: Record<string, unknown>, name: string): boolean {
  const params = [...((pathItem.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])];
  return params.some((p) => {
    let param = p as { $ref?: string; name?: string; in?: string; required?: boolean };
    if (param.$ref) {
      const key = param.$ref.split('/').pop()!;
      param = (document.components.parameters?.[key] ?? {}) as typeof param;
    }
    return param.in === 'header' && param.name === name && param.required === true;
  });
}

const cache = new Map<DocumentName, OperationInfo[]>();

/** Every operation of a document, in document order. */
export function listOperations(name: DocumentName): readonly OperationInfo[] {
  const cached = cache.get(name);
  if (cached) return cached;
  const document = getDocument(name);
  const out: OperationInfo[] = [];
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = pathItem[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const info: OperationInfo = {
        document: name,
        operationId: String(op.operationId),
        method,
        path,
        binding: op['x-binding'] === 'dvcqg' ? 'dvcqg' : 'rest',
        summary: String(op.summary ?? ''),
        tags: (op.tags as string[]) ?? [],
        requirements: (op['x-requirements'] as string[]) ?? [],
        idempotencyKey: hasHeader(document, op, pathItem, 'Idempotency-Key'),
        signed: hasHeader(document, op, pathItem, 'X-DVC-Signature'),
        operation: op,
      };
      const dvcqg = op['x-dvcqg'] as OperationInfo['dvcqg'];
      if (dvcqg) info.dvcqg = dvcqg;
      out.push(info);
    }
  }
  cache.set(name, out);
  return out;
}

/** The operation with this operationId in either document. */
export function findOperation(operationId: string): OperationInfo | undefined {
  for (const name of ['national-portal', 'agency-system'] as const) {
    const found = listOperations(name).find((o) => o.operationId === operationId);
    if (found) return found;
  }
  return undefined;
}

/**
 * The examples a component schema carries in the bundled document, as fresh copies: sample
 * data that is valid by construction (a test checks every example against its schema), for
 * tests, benchmarks and demos that need a record without writing one out again.
 *
 * @example
 * const [dossier] = schemaExamples<Dossier>('national-portal', 'Dossier');
 */
export function schemaExamples<T = unknown>(name: DocumentName, schema: string): T[] {
  const component = getDocument(name).components.schemas?.[schema] as { examples?: unknown[] } | undefined;
  if (!component) throw new RangeError(`No component schema "${schema}" in the ${name} document.`);
  return (component.examples ?? []).map((e) => structuredClone(e) as T);
}
