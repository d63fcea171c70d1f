import type { KeyObject } from 'node:crypto';
import { ConfigError, ValidationError } from './errors.js';

/** Makes the detached JWS for `X-DVC-Signature` over a JSON body (the value before serialisation). */
export type MessageSigner = (body: unknown) => Promise<string>;

/** A key and its certificate chain (leaf first), signed with @dvc-kit/signature's `signMessage`. */
export interface SigningIdentity {
  privateKey: KeyObject | string;
  certificates: readonly string[];
  alg?: 'RS256' | 'PS256' | 'ES256';
}

type SignMessage = (payload: unknown, options: { privateKey: unknown; certificates: readonly string[]; alg?: string }) => Promise<string>;
interface SignatureModule {
  signMessage: SignMessage;
  canonicalize: (value: unknown) => string;
}

/** The signature package is loaded on first use, so clients that never sign do not load it. */
const SIGNATURE_PACKAGE = '@dvc-kit/signature';

async function loadSignature(): Promise<SignatureModule> {
  let mod: Partial<SignatureModule>;
  try {
    mod = (await import(SIGNATURE_PACKAGE)) as Partial<SignatureModule>;
  } catch (error) {
    throw new ConfigError(`signer { privateKey, certificates } needs ${SIGNATURE_PACKAGE}, which could not be loaded: ${(error as Error).message}`);
  }
  if (typeof mod.signMessage !== 'function' || typeof mod.canonicalize !== 'function') {
    throw new ConfigError(`${SIGNATURE_PACKAGE} does not export signMessage and canonicalize`);
  }
  return mod as SignatureModule;
}

/** The RFC 8785 form of a body, or a ValidationError naming the member that has none (NaN, a cycle…). */
function canonicalBody(m: SignatureModule, body: unknown): string {
  try {
    return m.canonicalize(body);
  } catch (error) {
    const e = error as { code?: string; pointer?: string; message?: string };
    if (e.code !== 'ERR_SIGNATURE_CANONICALIZATION') throw error;
    const what = e.message ?? 'no canonical JSON form';
    throw new ValidationError('request', [
      { pointer: e.pointer ?? '', code: 'json', message: { vi: `Giá trị không biểu diễn được bằng JSON chuẩn hóa: ${what}`, en: `value has no canonical JSON form: ${what}` } },
    ]);
  }
}

/** A signer; the ones made from a key can also sign a body already in canonical form, as given. */
export type ResolvedSigner = MessageSigner & {
  /** Puts the body in JCS form and signs that text; the caller sends `text` as the body, so the signature covers what travels. */
  signCanonical?: (body: unknown) => Promise<{ text: string; jws: string }>;
};

/** A signer from the client's `signer` option. */
export function resolveSigner(signer: MessageSigner | SigningIdentity | undefined): ResolvedSigner | undefined {
  if (signer === undefined) return undefined;
  if (typeof signer === 'function') return signer;
  if (!signer.privateKey || !Array.isArray(signer.certificates) || signer.certificates.length === 0) {
    throw new ConfigError('signer must be a function (body) => Promise<jws> or { privateKey, certificates: [leaf, …] }');
  }
  let signature: Promise<SignatureModule> | undefined;
  const options = { privateKey: signer.privateKey, certificates: signer.certificates, ...(signer.alg ? { alg: signer.alg } : {}) };
  // signMessage signs objects in their canonical form and strings as given.
  const resolved: ResolvedSigner = async (body) => (await (signature ??= loadSignature())).signMessage(body, options);
  resolved.signCanonical = async (body) => {
    const m = await (signature ??= loadSignature());
    const text = canonicalBody(m, body);
    return { text, jws: await m.signMessage(text, options) };
  };
  return resolved;
}
