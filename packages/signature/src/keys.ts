import { createPrivateKey, KeyObject, webcrypto, type JsonWebKey } from 'node:crypto';
import { SignatureKeyError } from './errors.js';
import type { HashName } from './algorithms.js';

/** A private key as a KeyObject, a JWK, or a PEM string (PKCS#8, PKCS#1 or SEC1). */
export type PrivateKeyInput = KeyObject | JsonWebKey | string;

export function toPrivateKey(input: PrivateKeyInput): KeyObject {
  if (input instanceof KeyObject) {
    if (input.type !== 'private') throw new SignatureKeyError(`expected a private key, got a ${input.type} key`);
    return input;
  }
  try {
    if (typeof input === 'string') return createPrivateKey(input);
    if (input && typeof input === 'object') {
      if (!('d' in input)) throw new SignatureKeyError('the JWK has no private part ("d"); expected a private JWK');
      return createPrivateKey({ key: input, format: 'jwk' });
    }
  } catch (cause) {
    if (cause instanceof SignatureKeyError) throw cause;
    throw new SignatureKeyError(`could not read the private key: ${(cause as Error).message}`, { cause });
  }
  throw new SignatureKeyError(`expected a private key as KeyObject, JWK or PEM string, got ${typeof input}`);
}

/** A WebCrypto key for pkijs, which signs through WebCrypto; the hash is bound at import. */
export async function toCryptoKey(key: KeyObject, hash: HashName = 'SHA-256'): Promise<webcrypto.CryptoKey> {
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
    if (!namedCurve) throw new SignatureKeyError(`curve "${curve}" is not supported; use P-256, P-384 or P-521`);
    return webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve }, false, ['sign']);
  }
  if (type === 'rsa') {
    return webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
  }
  throw new SignatureKeyError(`keys of type "${type}" cannot be used for CMS or X.509 signing here; use RSA or EC`);
}
