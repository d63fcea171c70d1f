import { problems } from './errors.js';

/** What the agency needs from the portal's OpenID Provider metadata. */
export interface PortalMetadata {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
}

/**
 * Reads `${portalUrl}/.well-known/openid-configuration` once and keeps it; a failure is
 * not cached, so the next request tries again.
 */
export class PortalDiscovery {
  readonly #portalUrl: string;
  readonly #fetch: typeof globalThis.fetch;
  #metadata: Promise<PortalMetadata> | undefined;

  /** `fetchImpl`: the portal transport's fetch (its TLS trust). */
  constructor(portalUrl: string, fetchImpl: typeof globalThis.fetch = globalThis.fetch) {
    this.#portalUrl = portalUrl;
    this.#fetch = fetchImpl;
  }

  /** The fetch of the portal transport, for other reads from the portal (the JWKS). */
  get fetch(): typeof globalThis.fetch {
    return this.#fetch;
  }

  get(): Promise<PortalMetadata> {
    this.#metadata ??= this.#load().catch((error: unknown) => {
      this.#metadata = undefined;
      throw error;
    });
    return this.#metadata;
  }

  async #load(): Promise<PortalMetadata> {
    const url = `${this.#portalUrl}/.well-known/openid-configuration`;
    let res: Response;
    try {
      res = await this.#fetch(url, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
    } catch {
      throw problems.unavailable(`The national portal's discovery document (${url}) cannot be reached.`);
    }
    if (!res.ok) throw problems.unavailable(`The national portal's discovery document answered HTTP ${res.status}.`);
    const doc = (await res.json().catch(() => undefined)) as Partial<PortalMetadata> | undefined;
    if (!doc || typeof doc.issuer !== 'string' || typeof doc.jwks_uri !== 'string') {
      throw problems.unavailable("The national portal's discovery document has no issuer or jwks_uri.");
    }
    return doc as PortalMetadata;
  }
}
