import { AuthorizationResponseError, ResponseBodyError, WWWAuthenticateChallengeError } from 'openid-client';
import {
  AuthError,
  CallbackError,
  IdTokenInvalidError,
  UserInfoInvalidError,
  UserInfoRequestError,
  type IdTokenFailureReason,
} from './errors.js';

/** openid-client wraps oauth4webapi's errors; the innermost coded error says what failed. */
interface CodedError extends Error {
  code?: string;
  cause?: unknown;
}

function innermost(error: unknown): CodedError | undefined {
  if (!(error instanceof Error)) return undefined;
  let current = error as CodedError;
  while (current.cause instanceof Error && typeof (current.cause as CodedError).code === 'string') {
    current = current.cause as CodedError;
  }
  return current;
}

function claimOf(error: CodedError): string | undefined {
  const cause = error.cause as { claim?: unknown } | undefined;
  return typeof cause?.claim === 'string' ? cause.claim : undefined;
}

/** Authorization responses fail on these before any token is requested. */
const CALLBACK_MESSAGES = [/"state"/, /"iss" \(issuer\) response parameter/, /response parameter "iss"/, /Authorization Code/];

/** The URL of the HTTP response an error is about, when openid-client attached one. */
function responseUrl(error: CodedError): string | undefined {
  const cause = error.cause as { url?: unknown } | undefined;
  return typeof cause?.url === 'string' ? cause.url : undefined;
}

export function toCallbackOrIdTokenError(error: unknown, jwksUri: string | undefined): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof AuthorizationResponseError) {
    return new CallbackError('authorization-error', `the portal sent back error=${error.error}${error.error_description ? `: ${error.error_description}` : ''}`, {
      oauthError: error.error,
      ...(error.error_description ? { errorDescription: error.error_description } : {}),
      cause: error,
    });
  }
  if (error instanceof ResponseBodyError) {
    return new CallbackError('token-request', `the token endpoint refused the code: ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`, {
      oauthError: error.error,
      ...(error.error_description ? { errorDescription: error.error_description } : {}),
      cause: error,
    });
  }
  const inner = innermost(error);
  if (!inner) return new CallbackError('malformed', `sign-on callback failed: ${String(error)}`, { cause: error });
  if (CALLBACK_MESSAGES.some((re) => re.test(inner.message))) {
    const reason = /"state"/.test(inner.message) ? 'state' : 'malformed';
    return new CallbackError(reason, `the callback is not a valid answer to this sign-on: ${inner.message}`, { cause: error });
  }
  const badResponse = inner.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || inner.code === 'OAUTH_RESPONSE_IS_NOT_JSON';
  if (badResponse && jwksUri !== undefined && responseUrl(inner) === jwksUri) {
    const status = (inner.cause as { status?: unknown }).status;
    return new IdTokenInvalidError('jwks-unavailable', `the ID token could not be checked: the portal's JWKS ${jwksUri} answered HTTP ${String(status)}`, {
      cause: error,
    });
  }
  if (error instanceof WWWAuthenticateChallengeError || badResponse) {
    return new CallbackError('token-request', `the token endpoint did not answer the code exchange properly: ${inner.message}`, { cause: error });
  }
  if (error instanceof TypeError && !inner.code) {
    return new CallbackError('token-request', `could not complete the code exchange: ${error.message}`, { cause: error });
  }
  const reason = idTokenReason(inner);
  return new IdTokenInvalidError(reason, `ID token rejected (${reason}): ${inner.message}`, { cause: error });
}

function idTokenReason(error: CodedError): IdTokenFailureReason {
  const claim = claimOf(error);
  switch (error.code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      if (claim === 'nonce') return 'nonce';
      if (claim === 'iss') return 'issuer';
      if (claim === 'aud' || claim === 'azp') return 'audience';
      return 'malformed';
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return claim === 'nbf' ? 'not-yet-valid' : 'expired';
    case 'OAUTH_KEY_SELECTION_FAILED':
      return 'unknown-key';
    case 'OAUTH_UNSUPPORTED_OPERATION':
      return 'algorithm';
    default:
      break;
  }
  if (error.name === 'UnsupportedOperationError' || /"alg"/.test(error.message)) return 'algorithm';
  if (/signature verification failed/i.test(error.message)) return 'signature';
  if (/claim missing/.test(error.message)) return 'missing-claim';
  return 'malformed';
}

export function toUserInfoError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const inner = innermost(error);
  if (error instanceof WWWAuthenticateChallengeError) {
    return new UserInfoRequestError(`the userinfo endpoint refused the access token (HTTP ${error.status})`, { status: error.status, cause: error });
  }
  if (inner?.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' || inner?.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
    return new UserInfoInvalidError(`userinfo is about another subject than the ID token: ${inner.message}`, { claim: 'sub', cause: error });
  }
  const status = (inner?.cause as { status?: unknown } | undefined)?.status;
  return new UserInfoRequestError(`userinfo request failed: ${inner?.message ?? String(error)}`, {
    ...(typeof status === 'number' ? { status } : {}),
    cause: error,
  });
}
