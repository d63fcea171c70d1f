/** Stable codes of the mock portal's own errors (configuration and use of its API in code). */
export type MockPortalErrorCode =
  | 'MOCK_CONFIG_INVALID'
  | 'MOCK_SYSTEM_INVALID'
  | 'MOCK_SYSTEM_EXISTS'
  | 'MOCK_SYSTEM_UNKNOWN'
  | 'MOCK_PERSISTENCE_FAILED'
  | 'MOCK_FAULT_INVALID'
  | 'MOCK_FAULT_EXISTS'
  | 'MOCK_FAULT_UNKNOWN';

/** An error of the mock portal itself (not of a request it answers: those are problem+json). */
export class MockPortalError extends Error {
  readonly code: MockPortalErrorCode;
  constructor(code: MockPortalErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MockPortalError';
    this.code = code;
  }
}
