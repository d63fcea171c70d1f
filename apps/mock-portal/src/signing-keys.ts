import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

interface PortalKey {
  kid: string;
  alg: 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The portal's token-signing keys. `rotate()` adds a new key that signs from then on;
 * older keys stay in the JWKS (and keep verifying) until `retire` drops them.
 */
export class SigningKeys {
  private keys: PortalKey[] = [];

  static async create(): Promise<SigningKeys> {
    const keys = new SigningKeys();
    await keys.rotate();
    return keys;
  }

  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const kid = `dvcqg-mock-${randomUUID().slice(0, 8)}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    this.keys.push({ kid, alg: 'RS256', privateKey, publicJwk });
    return kid;
  }

  /** Drops every key but the newest `keep`. */
  retire(keep = 1): void {
    this.keys = this.keys.slice(-keep);
  }

  get current(): PortalKey {
    return this.keys[this.keys.length - 1]!;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }
}
