import type { Dispatcher } from 'undici';

/** An OAuth 2.0 access token for the `rest` binding. */
export interface BearerCredential {
  type: 'bearer';
  token: string;
  /** Epoch milliseconds when the token endpoint says the token expires. */
  expiresAt: number;
  /** The scope the token endpoint granted, when it said. */
  scope?: string;
}

/** A gateway session for the `dvcqg` binding, sent as `session` in every envelope. */
export interface DvcqgSessionCredential {
  type: 'dvcqg-session';
  session: string;
  /** Epoch milliseconds; absent when the gateway gives no lifetime (kept until rejected). */
  expiresAt?: number;
}

export type Credential = BearerCredential | DvcqgSessionCredential;

/**
 * What the client asks for before every call, whichever binding it speaks.
 * Implementations cache the credential and make at most one request for a new one at a time.
 */
export interface CredentialProvider {
  getCredential(opts?: { signal?: AbortSignal }): Promise<Credential>;
  /**
   * The server said this credential is bad (HTTP 401, or dvcqg error_code "01"): drop it so the
   * next getCredential fetches a new one (single-flight). A credential that was already replaced
   * is ignored, so many callers rejecting the same one cause one refresh.
   */
  invalidate(credential: Credential): void;
  /** The transport the provider uses (set when it was given `tls` or `dispatcher`), for the API calls to reuse, e.g. for mTLS. */
  readonly dispatcher?: Dispatcher | undefined;
}

/** Whether two credentials are the same token or session. */
export function sameCredential(a: Credential, b: Credential): boolean {
  if (a.type === 'bearer' && b.type === 'bearer') return a.token === b.token;
  if (a.type === 'dvcqg-session' && b.type === 'dvcqg-session') return a.session === b.session;
  return false;
}
