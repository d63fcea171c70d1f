import type { KeyObject } from 'node:crypto';
import { ConfigError } from './errors.js';

/** Makes the detached JWS for `X-DVC-Signature` over a JSON body (the value before serialisation). */
export type MessageSigner = (body: unknown) => Promise<string>;

/** A key and its certificate chain (leaf first), signed with @dvc-kit/signature's `signMessage`. */
export interface SigningIdentity {
  privateKey: KeyObject | string;
  certificates: readonly string[];
  alg?: 'RS256' | 'PS256' | 'ES256';
}

type SignMessage = (payload: unknown, options: { privateKey: unknown; certificates: readonly string[]; alg?: string }) => Promise<string>;

/** The signature package is loaded on first use, so clients that never sign do not load it. */
const SIGNATURE_PACKAGE = '@dvc-kit/signature';

async function loadSignMessage(): Promise<SignMessage> {
  let mod: { signMessage?: unknown };
  try {
    mod = (await import(SIGNATURE_PACKAGE)) as { signMessage?: unknown };
  } catch (error) {
    throw new ConfigError(`signer { privateKey, certificates } needs ${SIGNATURE_PACKAGE}, which could not be loaded: ${(error as Error).message}`);
  }
  if (typeof mod.signMessage !== 'function') throw new ConfigError(`${SIGNATURE_PACKAGE} does not export signMessage`);
  return mod.signMessage as SignMessage;
}

/** A signer; the ones made from a key can also sign a body already in canonical form, as given. */
export type ResolvedSigner = MessageSigner & {
  /** Signs `text`, which is the JCS form of the body and will be sent as it is. */
  signCanonical?: (text: string) => Promise<string>;
};

/** A signer from the client's `signer` option. */
export function resolveSigner(signer: MessageSigner | SigningIdentity | undefined): ResolvedSigner | undefined {
  if (signer === undefined) return undefined;
  if (typeof signer === 'function') return signer;
  if (!signer.privateKey || !Array.isArray(signer.certificates) || signer.certificates.length === 0) {
    throw new ConfigError('signer must be a function (body) => Promise<jws> or { privateKey, certificates: [leaf, …] }');
  }
  let sign: Promise<SignMessage> | undefined;
  const options = { privateKey: signer.privateKey, certificates: signer.certificates, ...(signer.alg ? { alg: signer.alg } : {}) };
  // signMessage signs objects in their canonical form and strings as given.
  const resolved: ResolvedSigner = async (body) => (await (sign ??= loadSignMessage()))(body, options);
  resolved.signCanonical = async (text) => (await (sign ??= loadSignMessage()))(text, options);
  return resolved;
}
