export type { BearerCredential, Credential, CredentialProvider, DvcqgSessionCredential } from './credential.js';
export { clientCredentials, basicAuthorization, CLIENT_ASSERTION_TYPE } from './client-credentials.js';
export type { ClientCredentialsOptions } from './client-credentials.js';
export { createClientAssertion, MAX_ASSERTION_LIFETIME_SECONDS } from './client-assertion.js';
export type { ClientAssertionOptions } from './client-assertion.js';
export { importSigningKey } from './private-key.js';
export type { PrivateKeyInput, SigningAlgorithm, SigningKey } from './private-key.js';
export { discoverIssuer } from './discovery.js';
export type { IssuerMetadata } from './discovery.js';
export { dvcqgSession } from './dvcqg-session.js';
export type { DvcqgSessionOptions } from './dvcqg-session.js';
export { withAuthRetry, isCredentialRejected } from './with-auth-retry.js';
export type { AuthRetryOptions } from './with-auth-retry.js';
export { createMtlsDispatcher } from './transport.js';
export type { TlsClientOptions, TransportOptions } from './transport.js';
export {
  AuthError,
  AuthConfigError,
  KeyImportError,
  DiscoveryError,
  TokenRequestError,
  SessionLoginError,
  CallbackError,
  IdTokenInvalidError,
  UserInfoRequestError,
  UserInfoInvalidError,
} from './errors.js';
export type { AuthErrorCode, CallbackFailureReason, IdTokenFailureReason } from './errors.js';
export { createCitizenSignOn } from './citizen-sign-on.js';
export type {
  AssuranceLevel,
  AuthorizationUrlOptions,
  CitizenSignOn,
  CitizenSignOnOptions,
  IdTokenClaims,
  SignOnResult,
  SignOnState,
  SignOnTokens,
} from './citizen-sign-on.js';
export { toCitizenProfile } from './citizen-profile.js';
export type { CitizenProfile, PortalUserInfo } from './citizen-profile.js';
