/** Stable error codes, in the style of jose's `ERR_*` codes. */
export type SignatureErrorCode =
  | 'ERR_SIGNATURE_INVALID_INPUT'
  | 'ERR_SIGNATURE_INVALID_KEY'
  | 'ERR_SIGNATURE_UNSUPPORTED_ALGORITHM'
  | 'ERR_SIGNATURE_MALFORMED_JWS'
  | 'ERR_SIGNATURE_MALFORMED_CMS'
  | 'ERR_SIGNATURE_MALFORMED_PDF'
  | 'ERR_SIGNATURE_INVALID_CERTIFICATE'
  | 'ERR_SIGNATURE_CANONICALIZATION'
  | 'ERR_SIGNATURE_REVOCATION_FETCH'
  | 'ERR_SIGNATURE_TIMESTAMP'
  | 'ERR_SIGNATURE_TEST_PKI';

/** Base class of every error thrown by `@dvc-kit/signature`. */
export class SignatureError extends Error {
  readonly code: SignatureErrorCode;
  constructor(code: SignatureErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignatureError';
    this.code = code;
  }
}

/** Bad arguments from the caller (wrong type, missing certificates, …). */
export class SignatureInputError extends SignatureError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SIGNATURE_INVALID_INPUT', message, options);
    this.name = 'SignatureInputError';
  }
}

/** A key cannot be used: unreadable, wrong type for the algorithm, too weak to sign with. */
export class SignatureKeyError extends SignatureError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SIGNATURE_INVALID_KEY', message, options);
    this.name = 'SignatureKeyError';
  }
}

/** An algorithm outside RS256 / PS256 / ES256 (or the policy) was asked for. */
export class UnsupportedAlgorithmError extends SignatureError {
  constructor(message: string) {
    super('ERR_SIGNATURE_UNSUPPORTED_ALGORITHM', message);
    this.name = 'UnsupportedAlgorithmError';
  }
}

/** A signature container (JWS, CMS, PDF) could not be parsed at all. */
export class MalformedSignatureError extends SignatureError {
  constructor(
    code: 'ERR_SIGNATURE_MALFORMED_JWS' | 'ERR_SIGNATURE_MALFORMED_CMS' | 'ERR_SIGNATURE_MALFORMED_PDF',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'MalformedSignatureError';
  }
}

/** A certificate given by the caller could not be parsed. */
export class CertificateError extends SignatureError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SIGNATURE_INVALID_CERTIFICATE', message, options);
    this.name = 'CertificateError';
  }
}

/** A value cannot be put in RFC 8785 canonical form (NaN, Infinity, BigInt, cycles, …). */
export class CanonicalizationError extends SignatureError {
  /** JSON pointer (RFC 6901) to the offending member; '' for the value itself. */
  readonly pointer: string;
  constructor(message: string, pointer = '') {
    super('ERR_SIGNATURE_CANONICALIZATION', message);
    this.name = 'CanonicalizationError';
    this.pointer = pointer;
  }
}

/** A CRL or OCSP response could not be fetched or was unusable. */
export class RevocationFetchError extends SignatureError {
  readonly url: string;
  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super('ERR_SIGNATURE_REVOCATION_FETCH', message, options);
    this.name = 'RevocationFetchError';
    this.url = url;
  }
}

/** A time-stamp authority answered badly, or a time-stamp token is unusable. */
export class TimestampError extends SignatureError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SIGNATURE_TIMESTAMP', message, options);
    this.name = 'TimestampError';
  }
}
