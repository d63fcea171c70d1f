/** Every stable error code this package throws. */
export type AuthErrorCode =
  | 'AUTH_CONFIG_INVALID'
  | 'AUTH_KEY_INVALID'
  | 'AUTH_DISCOVERY_FAILED'
  | 'AUTH_TOKEN_REQUEST_FAILED'
  | 'AUTH_SESSION_LOGIN_FAILED'
  | 'AUTH_CALLBACK_INVALID'
  | 'AUTH_ID_TOKEN_INVALID'
  | 'AUTH_USERINFO_FAILED'
  | 'AUTH_USERINFO_INVALID';

/** Base class: every error thrown by @dvc-kit/auth is an AuthError with a stable `code`. */
export class AuthError extends Error {
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The options given to a factory are contradictory or incomplete. */
export class AuthConfigError extends AuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AUTH_CONFIG_INVALID', message, options);
  }
}

/** A private key could not be imported or does not fit the requested algorithm. */
export class KeyImportError extends AuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AUTH_KEY_INVALID', message, options);
  }
}

/** The issuer's `/.well-known/openid-configuration` could not be fetched or is unusable. */
export class DiscoveryError extends AuthError {
  readonly url: string;
  readonly status: number | undefined;

  constructor(message: string, details: { url: string; status?: number; cause?: unknown }) {
    super('AUTH_DISCOVERY_FAILED', message, { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
  }
}

/** The token endpoint refused the request, answered something that is not a token, or could not be reached. */
export class TokenRequestError extends AuthError {
  readonly url: string;
  /** HTTP status, when the endpoint answered. */
  readonly status: number | undefined;
  /** RFC 6749 `error` (e.g. `invalid_client`), when the endpoint sent one. */
  readonly oauthError: string | undefined;
  readonly errorDescription: string | undefined;

  constructor(
    message: string,
    details: { url: string; status?: number; oauthError?: string; errorDescription?: string; cause?: unknown },
  ) {
    super('AUTH_TOKEN_REQUEST_FAILED', message, { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.oauthError = details.oauthError;
    this.errorDescription = details.errorDescription;
  }
}

/** The dvcqg gateway refused the username/password login, or could not be reached. */
export class SessionLoginError extends AuthError {
  readonly url: string;
  readonly status: number | undefined;
  /** The gateway's `error_code` (e.g. "02"), when it sent one. */
  readonly errorCode: string | undefined;

  constructor(message: string, details: { url: string; status?: number; errorCode?: string; cause?: unknown }) {
    super('AUTH_SESSION_LOGIN_FAILED', message, { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.errorCode = details.errorCode;
  }
}

export type CallbackFailureReason =
  /** `state` in the callback is not the one this login started with (CSRF or a mixed-up tab). */
  | 'state'
  /** The portal sent `error=...` back instead of a code (e.g. the citizen cancelled). */
  | 'authorization-error'
  /** The callback URL carries no `code`, or is otherwise not an authorization response. */
  | 'malformed'
  /** The token endpoint refused the code exchange. */
  | 'token-request';

/** The redirect back from the portal's sign-on is not a valid authorization response for this login. */
export class CallbackError extends AuthError {
  readonly reason: CallbackFailureReason;
  readonly oauthError: string | undefined;
  readonly errorDescription: string | undefined;

  constructor(
    reason: CallbackFailureReason,
    message: string,
    details: { oauthError?: string; errorDescription?: string; cause?: unknown } = {},
  ) {
    super('AUTH_CALLBACK_INVALID', message, { cause: details.cause });
    this.reason = reason;
    this.oauthError = details.oauthError;
    this.errorDescription = details.errorDescription;
  }
}

export type IdTokenFailureReason =
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not-yet-valid'
  | 'nonce'
  | 'acr'
  | 'signature'
  | 'algorithm'
  | 'unknown-key'
  | 'missing-claim'
  | 'malformed'
  /** The portal's JWKS could not be read, so the signature could not be checked. */
  | 'jwks-unavailable';

/** The ID token from the portal failed validation; `reason` says which check. */
export class IdTokenInvalidError extends AuthError {
  readonly reason: IdTokenFailureReason;

  constructor(reason: IdTokenFailureReason, message: string, options?: { cause?: unknown }) {
    super('AUTH_ID_TOKEN_INVALID', message, options);
    this.reason = reason;
  }
}

/** The userinfo endpoint refused the access token or could not be reached. */
export class UserInfoRequestError extends AuthError {
  readonly status: number | undefined;

  constructor(message: string, details: { status?: number; cause?: unknown } = {}) {
    super('AUTH_USERINFO_FAILED', message, { cause: details.cause });
    this.status = details.status;
  }
}

/** The userinfo answer does not fit the portal's claim contract (wrong subject, wrong types, bad dates). */
export class UserInfoInvalidError extends AuthError {
  /** The claim at fault, e.g. `NgayThangNamSinh`. */
  readonly claim: string | undefined;

  constructor(message: string, details: { claim?: string; cause?: unknown } = {}) {
    super('AUTH_USERINFO_INVALID', message, { cause: details.cause });
    this.claim = details.claim;
  }
}
