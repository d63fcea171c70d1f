export { canonicalize } from './canonicalize.js';
export { signMessage, verifyMessage, payloadBytes, SIGNATURE_HEADER } from './jws.js';
export type { SignMessageOptions, VerifyMessageOptions } from './jws.js';
export { validateCertificatePath, buildPath } from './path-validation.js';
export type { PathValidationOptions, PathValidationResult, SignatureTimes, CertificatePurpose } from './path-validation.js';
export { parseCertificate } from './certificate.js';
export type { ParsedCertificate, CertificateSubject, KeyUsageName } from './certificate.js';
export { createPolicy, DEFAULT_POLICY } from './policy.js';
export type { SignaturePolicy } from './policy.js';
export { formatReport } from './report.js';
export type { ExpectedSigner, ValidationReport, Indication, SubIndication, RevocationEvidence, CertificateSummary, SignerIdentity, TimestampSummary } from './report.js';
export type { ValidationMessage } from './messages.js';
export { httpRevocationFetcher, RevocationCache } from './revocation.js';
export type { RevocationMode, RevocationFetcher, RevocationRequest, RevocationOptions } from './revocation.js';
export { requestTimestamp, verifyTimestampToken } from './timestamp.js';
export { signFile, verifyFile } from './cades.js';
export type { SignFileOptions } from './cades.js';
export { signPdf, verifyPdf } from './pades.js';
export type { SignPdfOptions, PdfSignatureReport } from './pades.js';
export type { RequestTimestampOptions, TimestampCheck } from './timestamp.js';
export { createTestPki, AGENCY_SUBJECT, CITIZEN_SUBJECT } from './test-pki.js';
export { writeTestPki, loadTestPki } from './test-pki-files.js';
export type { TestPki, TestParty, TestSubject, TestCaName, CreateTestPkiOptions, IssueEndEntityOptions, TestPkiOutages, TestPkiSnapshot } from './test-pki.js';
export type { JwsAlgorithm, HashName } from './algorithms.js';
export { toPrivateKey } from './keys.js';
export type { PrivateKeyInput } from './keys.js';
export {
  SignatureError,
  SignatureInputError,
  SignatureKeyError,
  UnsupportedAlgorithmError,
  MalformedSignatureError,
  CertificateError,
  CanonicalizationError,
  RevocationFetchError,
  TimestampError,
} from './errors.js';
export type { SignatureErrorCode } from './errors.js';
