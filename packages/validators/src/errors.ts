/** Base class of the errors this package throws: only for programming mistakes, never for bad data. */
export class ValidatorsError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** `validate(name, …)` was given a schema name the spec does not define. */
export class UnknownSchemaError extends ValidatorsError {
  readonly schemaName: string;
  constructor(schemaName: string) {
    super('ERR_UNKNOWN_SCHEMA', `No schema named ${JSON.stringify(String(schemaName).slice(0, 100))} in the spec's documents.`);
    this.schemaName = schemaName;
  }
}

/** `validateRequest`/`validateResponse` was given an operationId the spec does not define. */
export class UnknownOperationError extends ValidatorsError {
  readonly operationId: string;
  constructor(operationId: string) {
    super('ERR_UNKNOWN_OPERATION', `No operation ${JSON.stringify(String(operationId).slice(0, 100))} in the spec's documents.`);
    this.operationId = operationId;
  }
}
