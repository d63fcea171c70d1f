export { createNationalPortalClient } from './national-portal-client.js';
export type { NationalPortalClient, NationalPortalClientOptions } from './national-portal-client.js';
export { createAgencySystemClient } from './agency-system-client.js';
export type { AgencySystemClient, AgencySystemClientOptions, SessionOptions } from './agency-system-client.js';
export type { SignOnSession } from './sign-on-session.js';
export type { BaseClientOptions } from './engine.js';
export type { DvcqgOptions, IsUpdatingPolicy } from './dvcqg.js';
export type { RetryOptions } from './retry.js';
export type { TransportOptions } from './transport.js';
export type { MessageSigner, SigningIdentity } from './signer.js';
export type { OperationValidator, ValidationMode, ValidationResult } from './validation.js';
export type { ClientLogEvent, ClientLogger } from './logger.js';
export { REDACTED, redactBody, redactHeaders, redactUrl } from './redact.js';
export { paginate } from './pagination.js';
export type { CursorPage } from './pagination.js';
export type { SyncOptions, SyncRecordResult, SyncSummary } from './sync.js';
export { fileCheckpoint, memoryCheckpoint } from './checkpoint.js';
export type { CheckpointStore, SyncCheckpoint } from './checkpoint.js';
export { problemForDvcqgCode, problemKind } from './problem-types.js';
export {
  AbortError,
  ApiError,
  AuthError,
  ClientError,
  ConfigError,
  NetworkError,
  SyncError,
  TimeoutError,
  UnsupportedInBindingError,
  ValidationError,
} from './errors.js';
export type { ClientErrorCode, RequestSummary, ValidationIssue } from './errors.js';
export { isApiErrorOf } from './is-api-error.js';
export type { OperationId } from './is-api-error.js';
export type {
  AgencySystemOperations,
  ApiResponse,
  CallArgs,
  CallOptions,
  ErrorBody,
  HeaderParams,
  ItemOf,
  ManagedHeader,
  NationalPortalOperations,
  OperationInput,
  PaginatedOperationId,
  PathParams,
  QueryParams,
  RequestBody,
  ResponseData,
} from './types.js';
