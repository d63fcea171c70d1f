/** The shape of ajv's error objects (what the mapper reads). */
export interface CompiledError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** What is known at build time about a schema with a `pattern`. */
export interface PatternHint {
  format?: string;
  title?: string;
  example?: unknown;
}

/** A validator function as ajv's standalone code emits it. */
export interface CompiledValidator {
  (data: unknown, ctx?: unknown): boolean;
  errors?: CompiledError[] | null;
}

export interface SchemaEntry {
  name: string;
  document: string;
  validate: CompiledValidator;
}

export interface ResponseValidators {
  body: CompiledValidator | undefined;
  headers: CompiledValidator | undefined;
  mediaType: string | null;
}

export interface OperationValidators {
  operationId: string;
  document: string;
  method: string;
  path: string;
  path_: CompiledValidator | undefined;
  query: CompiledValidator | undefined;
  header: CompiledValidator | undefined;
  cookie: CompiledValidator | undefined;
  body: { validate: CompiledValidator; required: boolean; mediaType: string } | undefined;
  responses: Record<string, ResponseValidators>;
}
