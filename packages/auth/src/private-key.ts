import { createPrivateKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { KeyImportError } from './errors.js';

/** The algorithms the portal accepts for client assertions. */
export type SigningAlgorithm = 'RS256' | 'PS256' | 'ES256';

/** A private key as PEM (PKCS#8, PKCS#1 or SEC1), a private JWK, or a Node KeyObject. */
export type PrivateKeyInput = string | Buffer | JsonWebKey | KeyObject;

export interface SigningKey {
  key: KeyObject;
  alg: SigningAlgorithm;
  /** From the JWK's `kid` or the caller's `keyId`; sent in the assertion header so the portal can pick the key. */
  kid: string | undefined;
}

const MIN_RSA_BITS = 2048;

/**
 * Imports a private key and settles the algorithm: RSA defaults to RS256 (PS256 on request),
 * P-256 to ES256. A key that cannot sign with the requested algorithm is refused here, at
 * start-up, rather than by the token endpoint later.
 */
export function importSigningKey(
  input: PrivateKeyInput,
  options: { alg?: SigningAlgorithm; keyId?: string } = {},
): SigningKey {
  const key = toKeyObject(input);
  if (key.type !== 'private') {
    throw new KeyImportError(`expected a private key, got a ${key.type} key`);
  }
  const alg = chooseAlgorithm(key, options.alg);
  const jwkKid = isJwk(input) && typeof input.kid === 'string' ? input.kid : undefined;
  return { key, alg, kid: options.keyId ?? jwkKid };
}

function toKeyObject(input: PrivateKeyInput): KeyObject {
  if (input instanceof KeyObject) return input;
  try {
    if (typeof input === 'string' || Buffer.isBuffer(input)) {
      return createPrivateKey({ key: input, format: 'pem' });
    }
    if (isJwk(input)) return createPrivateKey({ key: input, format: 'jwk' });
  } catch (cause) {
    throw new KeyImportError(
      `could not import the private key: ${(cause as Error).message}. Expected a PEM private key (PKCS#8, PKCS#1 or SEC1), a private JWK, or a KeyObject`,
      { cause },
    );
  }
  throw new KeyImportError(`could not import the private key: expected a PEM string, a JWK object or a KeyObject, got ${typeof input}`);
}

function isJwk(input: PrivateKeyInput): input is JsonWebKey {
  return typeof input === 'object' && input !== null && !(input instanceof KeyObject) && !Buffer.isBuffer(input);
}

function chooseAlgorithm(key: KeyObject, requested: SigningAlgorithm | undefined): SigningAlgorithm {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new KeyImportError(`RSA key is ${bits} bits; the portal requires at least ${MIN_RSA_BITS}`);
    }
    const alg = requested ?? (type === 'rsa-pss' ? 'PS256' : 'RS256');
    if (alg === 'ES256' || (type === 'rsa-pss' && alg !== 'PS256')) {
      throw new KeyImportError(`an ${type.toUpperCase()} key cannot sign ${alg}`);
    }
    return alg;
  }
  if (type === 'ec') {
    if (details.namedCurve !== 'prime256v1') {
      throw new KeyImportError(`EC key is on curve ${details.namedCurve ?? 'unknown'}; ES256 needs P-256 (prime256v1)`);
    }
    if (requested !== undefined && requested !== 'ES256') {
      throw new KeyImportError(`a P-256 key cannot sign ${requested}; use ES256`);
    }
    return 'ES256';
  }
  throw new KeyImportError(`unsupported key type ${type ?? 'unknown'}; expected RSA (RS256, PS256) or EC P-256 (ES256)`);
}
