import type { Dispatcher } from 'undici';
import { DiscoveryError } from './errors.js';
import { parseJsonObject, send, withTimeout } from './transport.js';

/** The fields of `/.well-known/openid-configuration` this package uses. */
export interface IssuerMetadata {
  issuer: string;
  token_endpoint: string;
  token_endpoint_auth_methods_supported?: string[];
  [field: string]: unknown;
}

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/** Fetches the issuer's metadata and checks it names the same issuer (a mix-up defence, RFC 8414 §3.3). */
export async function discoverIssuer(
  issuer: string,
  options: { dispatcher?: Dispatcher | undefined; timeoutMs?: number } = {},
): Promise<IssuerMetadata> {
  const url = discoveryUrl(issuer);
  let answer;
  try {
    answer = await send({
      method: 'GET',
      url,
      headers: { accept: 'application/json' },
      dispatcher: options.dispatcher,
      signal: withTimeout(undefined, options.timeoutMs ?? 30_000),
    });
  } catch (cause) {
    throw new DiscoveryError(`could not fetch ${url}: ${(cause as Error).message}`, { url, cause });
  }
  if (answer.status !== 200) {
    throw new DiscoveryError(`${url} answered HTTP ${answer.status}, expected 200`, { url, status: answer.status });
  }
  const metadata = parseJsonObject(answer.text);
  if (!metadata) {
    throw new DiscoveryError(`${url} did not answer a JSON object`, { url, status: answer.status });
  }
  if (metadata['issuer'] !== issuer) {
    throw new DiscoveryError(
      `${url} names issuer ${JSON.stringify(metadata['issuer'])}, expected ${JSON.stringify(issuer)}`,
      { url, status: answer.status },
    );
  }
  const tokenEndpoint = metadata['token_endpoint'];
  if (typeof tokenEndpoint !== 'string' || !URL.canParse(tokenEndpoint)) {
    throw new DiscoveryError(`${url} has no valid token_endpoint`, { url, status: answer.status });
  }
  const methods = metadata['token_endpoint_auth_methods_supported'];
  if (methods !== undefined && !(Array.isArray(methods) && methods.every((m) => typeof m === 'string'))) {
    throw new DiscoveryError(`${url}: token_endpoint_auth_methods_supported must be an array of strings`, {
      url,
      status: answer.status,
    });
  }
  return metadata as IssuerMetadata;
}
