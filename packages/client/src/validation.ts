import { ConfigError, type ValidationIssue } from './errors.js';

export type ValidationResult = { ok: true } | { ok: false; errors: ValidationIssue[] };

/** The validators the client calls (what @dvc-kit/validators exports). */
export interface OperationValidator {
  validateRequest(
    operationId: string,
    request: { params?: Record<string, unknown>; query?: Record<string, unknown>; headers?: Record<string, unknown>; body?: unknown },
  ): ValidationResult;
  validateResponse(operationId: string, status: number, response: { headers?: Record<string, unknown>; body?: unknown }): ValidationResult;
}

/** `off`: never; `requests`: check what is sent; `all`: also check what is received. */
export type ValidationMode = 'off' | 'requests' | 'all';

const VALIDATORS_PACKAGE = '@dvc-kit/validators';

/** Loads @dvc-kit/validators on first use, so a client with `validate: 'off'` never loads ajv's runtime. */
export function lazyValidator(): () => Promise<OperationValidator> {
  let loading: Promise<OperationValidator> | undefined;
  return () =>
    (loading ??= (async () => {
      let mod: Partial<OperationValidator>;
      try {
        mod = (await import(VALIDATORS_PACKAGE)) as Partial<OperationValidator>;
      } catch (error) {
        throw new ConfigError(`validate needs ${VALIDATORS_PACKAGE}, which could not be loaded: ${(error as Error).message}`);
      }
      if (typeof mod.validateRequest !== 'function' || typeof mod.validateResponse !== 'function') {
        throw new ConfigError(`this version of ${VALIDATORS_PACKAGE} has no validateRequest/validateResponse; pass validator or set validate: 'off'`);
      }
      return { validateRequest: mod.validateRequest.bind(mod), validateResponse: mod.validateResponse.bind(mod) };
    })());
}
