import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { MockPortalError } from './errors.js';

interface PortalKey {
  kid: string;
  alg: 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The portal's token-signing keys. `rotate()` adds a new key that signs from then on;
 * older keys stay in the JWKS (and keep verifying) until `retire` drops them. With a file,
 * the keys are kept there (so tokens survive a restart).
 */
export class SigningKeys {
  private keys: PortalKey[] = [];
  private file: string | undefined;

  static async create(file?: string): Promise<SigningKeys> {
    const keys = new SigningKeys();
    keys.file = file;
    if (file && existsSync(file)) await keys.load(file);
    else await keys.rotate();
    return keys;
  }

  private async load(file: string): Promise<void> {
    let saved: { kid: string; jwk: JWK }[];
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; jwk: JWK }[];
      for (const { kid, jwk } of saved) {
        const privateKey = (await importJWK(jwk, 'RS256', { extractable: true })) as CryptoKey;
        const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
        this.keys.push({ kid, alg: 'RS256', privateKey, publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' } });
      }
    } catch (e) {
      throw new MockPortalError('MOCK_PERSISTENCE_FAILED', `${file} does not hold the portal's signing keys: ${(e as Error).message}`, { cause: e });
    }
    if (this.keys.length === 0) await this.rotate();
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    const saved = await Promise.all(this.keys.map(async (k) => ({ kid: k.kid, jwk: await exportJWK(k.privateKey) })));
    writeFileSync(`${this.file}.tmp`, JSON.stringify(saved), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }

  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const kid = `dvcqg-mock-${randomUUID().slice(0, 8)}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    this.keys.push({ kid, alg: 'RS256', privateKey, publicJwk });
    await this.save();
    return kid;
  }

  /** Drops every key but the newest `keep`. */
  async retire(keep = 1): Promise<void> {
    this.keys = this.keys.slice(-keep);
    await this.save();
  }

  get current(): PortalKey {
    return this.keys[this.keys.length - 1]!;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }
}
