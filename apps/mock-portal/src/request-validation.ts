/**
 * Request validation with the ahead-of-time compiled validators of @dvc-kit/validators
 * (the spec's schemas and formats, messages in Vietnamese and English).
 */
import { validate, validateRequest, type OperationId, type SchemaName } from '@dvc-kit/validators';
import type { OperationInfo, ProblemError } from '@dvc-kit/spec';

export interface RequestVerdict {
  /** Issues in path parameters, query and headers (`#/path/…`, `#/query/…`, `#/header/…`): answered 400. */
  parameters: ProblemError[];
  /** Issues in the body (JSON pointers): answered 422. */
  body: ProblemError[];
}

export class RequestValidator {
  private readonly bodies = new Map<string, { contentType: string | undefined; required: boolean }>();

  /** The media type of an operation's body and whether it is required. */
  bodyOf(op: OperationInfo): { contentType: string | undefined; required: boolean } {
    let info = this.bodies.get(op.operationId);
    if (!info) {
      const requestBody = op.operation.requestBody as { required?: boolean; content?: Record<string, unknown> } | undefined;
      info = { contentType: Object.keys(requestBody?.content ?? {})[0], required: requestBody?.required === true };
      this.bodies.set(op.operationId, info);
    }
    return info;
  }

  /** Checks a request; leave `body` out (`checkBody: false`) when a resolver checks it record by record. */
  check(op: OperationInfo, parts: { params: Record<string, string>; query: URLSearchParams; headers: Record<string, string>; body?: unknown; checkBody: boolean }): RequestVerdict {
    const verdict: RequestVerdict = { parameters: [], body: [] };
    const result = validateRequest(op.operationId as OperationId, parts.checkBody ? { params: parts.params, query: parts.query, headers: parts.headers, body: parts.body } : { params: parts.params, query: parts.query, headers: parts.headers });
    if (result.ok) return verdict;
    for (const issue of result.errors) {
      if (issue.pointer.startsWith('#/')) verdict.parameters.push(issue);
      else if (parts.checkBody || issue.code !== 'BODY_REQUIRED') verdict.body.push(issue);
    }
    return verdict;
  }

  /** Issues of a value against a component schema of national-portal.yaml, under `prefix`. */
  schemaIssues(name: string, value: unknown, prefix = ''): ProblemError[] {
    const result = validate(`national-portal#${name}` as SchemaName, value);
    if (result.ok) return [];
    return result.errors.map((e) => ({ ...e, pointer: `${prefix}${e.pointer}` }));
  }
}
