import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { SignatureKeyError, UnsupportedAlgorithmError } from './errors.js';

/** The JWS algorithms the standard allows for messages. */
export type JwsAlgorithm = 'RS256' | 'PS256' | 'ES256';
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = ['RS256', 'PS256', 'ES256'];

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'MD5';

export const HASH_OIDS: Record<string, HashName> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '1.2.840.113549.2.5': 'MD5',
};

export const OID_BY_HASH: Record<Exclude<HashName, 'MD5'>, string> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

/** node:crypto digest names. */
export function nodeHash(hash: HashName): string {
  return hash.replace('-', '').toLowerCase();
}

export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

/** Signature AlgorithmIdentifiers seen in certificates, CRLs, OCSP and CMS. */
export const SIGNATURE_OIDS: Record<string, { scheme: SignatureScheme; hash?: HashName }> = {
  '1.2.840.113549.1.1.1': { scheme: 'rsa-pkcs1' }, // rsaEncryption: hash from the digest algorithm (CMS)
  '1.2.840.113549.1.1.4': { scheme: 'rsa-pkcs1', hash: 'MD5' },
  '1.2.840.113549.1.1.5': { scheme: 'rsa-pkcs1', hash: 'SHA-1' },
  '1.2.840.113549.1.1.11': { scheme: 'rsa-pkcs1', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { scheme: 'rsa-pkcs1', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { scheme: 'rsa-pkcs1', hash: 'SHA-512' },
  '1.2.840.113549.1.1.10': { scheme: 'rsa-pss' },
  '1.2.840.10045.2.1': { scheme: 'ecdsa' }, // id-ecPublicKey used as a signature algorithm by some CMS producers
  '1.2.840.10045.4.1': { scheme: 'ecdsa', hash: 'SHA-1' },
  '1.2.840.10045.4.3.2': { scheme: 'ecdsa', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { scheme: 'ecdsa', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { scheme: 'ecdsa', hash: 'SHA-512' },
};

export const SIGNATURE_OID_BY_SCHEME = {
  'rsa-pkcs1': { 'SHA-1': '1.2.840.113549.1.1.5', 'SHA-256': '1.2.840.113549.1.1.11', 'SHA-384': '1.2.840.113549.1.1.12', 'SHA-512': '1.2.840.113549.1.1.13' },
  ecdsa: { 'SHA-1': '1.2.840.10045.4.1', 'SHA-256': '1.2.840.10045.4.3.2', 'SHA-384': '1.2.840.10045.4.3.3', 'SHA-512': '1.2.840.10045.4.3.4' },
} as const;

/** Verify a raw signature (DER ECDSA, as X.509 and CMS carry it) with node:crypto. */
export function verifyRaw(
  scheme: SignatureScheme,
  hash: HashName,
  publicKey: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
  pssSaltLength?: number,
): boolean {
  try {
    if (scheme === 'rsa-pss') {
      return verify(nodeHash(hash), data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSaltLength ?? 32 }, signature);
    }
    return verify(nodeHash(hash), data, publicKey, signature);
  } catch {
    return false;
  }
}

/** Sign with node:crypto, DER ECDSA signatures (X.509 / CMS form). */
export function signRaw(scheme: SignatureScheme, hash: HashName, privateKey: KeyObject, data: Uint8Array): Buffer {
  if (scheme === 'rsa-pss') {
    return sign(nodeHash(hash), data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  }
  return sign(nodeHash(hash), data, privateKey);
}

export function schemeForKey(key: KeyObject): SignatureScheme {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'rsa-pkcs1';
  if (type === 'rsa-pss') return 'rsa-pss';
  if (type === 'ec') return 'ecdsa';
  throw new SignatureKeyError(`keys of type "${type}" are not supported; expected an RSA or EC (P-256) key`);
}

/** The JWS algorithm a key can sign with, checking an explicit choice against the key. */
export function jwsAlgorithmForKey(key: KeyObject, requested?: string): JwsAlgorithm {
  if (requested !== undefined && !(JWS_ALGORITHMS as readonly string[]).includes(requested)) {
    throw new UnsupportedAlgorithmError(`alg "${requested}" is not allowed; expected one of ${JWS_ALGORITHMS.join(', ')}`);
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ec') {
    if (details.namedCurve !== 'prime256v1' && details.namedCurve !== 'P-256') {
      throw new SignatureKeyError(`ES256 needs a P-256 key; this key is on curve "${details.namedCurve}"`);
    }
    if (requested && requested !== 'ES256') throw new SignatureKeyError(`an EC key signs with ES256, not ${requested}`);
    return 'ES256';
  }
  if (type === 'rsa' || type === 'rsa-pss') {
    if ((details.modulusLength ?? 0) < 2048) {
      throw new SignatureKeyError(`RSA keys must be at least 2048 bits; this one has ${details.modulusLength}`);
    }
    if (requested === 'ES256') throw new SignatureKeyError('ES256 needs an EC P-256 key; this key is RSA');
    if (type === 'rsa-pss') return 'PS256';
    return (requested as JwsAlgorithm | undefined) ?? 'RS256';
  }
  throw new SignatureKeyError(`keys of type "${type}" cannot sign RS256, PS256 or ES256`);
}

/** JWS signing input → signature (JOSE form: raw r||s for ECDSA). */
export function jwsSign(alg: JwsAlgorithm, key: KeyObject, data: Uint8Array): Buffer {
  switch (alg) {
    case 'RS256':
      return sign('sha256', data, key);
    case 'PS256':
      return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'ES256':
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  }
}

export function jwsVerify(alg: JwsAlgorithm, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    switch (alg) {
      case 'RS256':
        return key.asymmetricKeyType === 'rsa' && verify('sha256', data, key, signature);
      case 'PS256':
        return (
          (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') &&
          verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
        );
      case 'ES256':
        return key.asymmetricKeyType === 'ec' && signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
  } catch {
    return false;
  }
}

