import { ApiError } from './errors.js';
import type { AgencySystemOperations, ErrorBody, NationalPortalOperations } from './types.js';

/** Any operation id of either document (they are unique across both). */
export type OperationId = keyof NationalPortalOperations | keyof AgencySystemOperations;

type OperationOf<K extends OperationId> = K extends keyof NationalPortalOperations
  ? NationalPortalOperations[K]
  : K extends keyof AgencySystemOperations
    ? AgencySystemOperations[K]
    : never;

/**
 * Whether `error` is the ApiError of a call to `operationId`, typing its `body` as that
 * operation's error responses (a Problem, or an OAuth error for `requestToken` …).
 *
 * @example
 * catch (e) {
 *   if (isApiErrorOf(e, 'requestToken') && 'error' in e.body) console.log(e.body.error); // "invalid_client"
 * }
 */
export function isApiErrorOf<K extends OperationId>(error: unknown, operationId: K): error is ApiError<ErrorBody<OperationOf<K>>> {
  return error instanceof ApiError && error.request?.operationId === operationId;
}
