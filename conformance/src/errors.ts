export type ConformanceErrorCode =
  | 'ERR_USAGE'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_WAIVERS_INVALID'
  | 'ERR_SHARD_INVALID'
  | 'ERR_CHECK_DEFINITION'
  | 'ERR_MERGE_INCOMPATIBLE'
  | 'ERR_REPORT_INVALID'
  | 'ERR_ATTESTATION_INVALID'
  | 'ERR_TARGET_UNREACHABLE'
  | 'ERR_SYSTEM_START_FAILED'
  | 'ERR_SYSTEM_NOT_READY'
  | 'ERR_PORTAL_START_FAILED';

/** Every error the suite throws on bad input or a broken environment; `code` is stable. */
export class ConformanceError extends Error {
  override readonly name: string = 'ConformanceError';
  constructor(
    readonly code: ConformanceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad command-line or configuration input: the CLI exits with the usage code. */
export class UsageError extends ConformanceError {
  override readonly name = 'UsageError';
  constructor(message: string, code: ConformanceErrorCode = 'ERR_USAGE') {
    super(code, message);
  }
}

/** The system under test could not be reached: the check is INCONCLUSIVE, never a pass. */
export class TargetUnreachableError extends ConformanceError {
  override readonly name = 'TargetUnreachableError';
  constructor(url: string, cause: unknown) {
    super('ERR_TARGET_UNREACHABLE', `Could not reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
