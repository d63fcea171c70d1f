import type { CompiledValidator } from './catalogue-types.js';

/** Runs a compiled validator as a boolean guard. */
export function check(validate: CompiledValidator, value: unknown): boolean {
  return validate(value);
}
