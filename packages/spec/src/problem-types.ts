import { nationalPortalDocument } from './generated/documents.js';

/**
 * The problem `type` URIs of the standard by short name, so servers and clients never type
 * a URI by hand. A test keeps them equal to the `x-problem-types` table of the documents.
 */
export const problemTypes = Object.freeze({
  malformed: 'https://dvc-kit.dev/problems/malformed-request',
  validation: 'https://dvc-kit.dev/problems/validation',
  unauthorized: 'https://dvc-kit.dev/problems/unauthorized',
  forbidden: 'https://dvc-kit.dev/problems/forbidden',
  signatureInvalid: 'https://dvc-kit.dev/problems/signature-invalid',
  notFound: 'https://dvc-kit.dev/problems/not-found',
  illegalTransition: 'https://dvc-kit.dev/problems/illegal-transition',
  conflict: 'https://dvc-kit.dev/problems/conflict',
  idempotencyKeyReused: 'https://dvc-kit.dev/problems/idempotency-key-reused',
  payloadTooLarge: 'https://dvc-kit.dev/problems/payload-too-large',
  rateLimited: 'https://dvc-kit.dev/problems/rate-limited',
  unavailable: 'https://dvc-kit.dev/problems/unavailable',
  internal: 'https://dvc-kit.dev/problems/internal',
} as const);

export type ProblemTypeName = keyof typeof problemTypes;
export type ProblemTypeUri = (typeof problemTypes)[ProblemTypeName];

/** HTTP status and dvcqg error_code of each problem type, from the document. */
export const problemTypeTable = nationalPortalDocument['x-problem-types'] as Readonly<
  Record<ProblemTypeUri, { status: number; dvcqg: string }>
>;
