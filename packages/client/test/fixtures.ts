import type { Credential, CredentialProvider } from '@dvc-kit/auth';
import { schemaExamples, type Dossier } from '@dvc-kit/spec';

/** The spec's own Dossier example: valid by construction, written once. */
const [example] = schemaExamples<Dossier>('national-portal', 'Dossier');

/** A valid dossier with a unique code per sequence number. */
export function makeDossier(seq: number, overrides: Partial<Dossier> = {}): Dossier {
  return { ...structuredClone(example!), MaHoSo: `000.00.06.H56-231027-${String(seq).padStart(6, '0')}`, TrangThaiHoSo: '2', ...overrides };
}

export async function* dossierSource(count: number, start = 0): AsyncGenerator<Dossier> {
  for (let i = start; i < count; i++) yield makeDossier(i);
}

/**
 * A bearer-token provider whose tokens the test server checks: `token-1`, then `token-2` after an
 * invalidate, and so on. It records how often it was asked and invalidated.
 */
export function countingBearerProvider(): CredentialProvider & { issued: number; invalidated: number; current(): string } {
  let n = 1;
  const p = {
    issued: 0,
    invalidated: 0,
    current: () => `token-${n}`,
    getCredential: async (): Promise<Credential> => {
      p.issued++;
      return { type: 'bearer', token: `token-${n}`, expiresAt: Date.now() + 60_000 };
    },
    invalidate: (c: Credential) => {
      if (c.type === 'bearer' && c.token === `token-${n}`) {
        p.invalidated++;
        n++;
      }
    },
  };
  return p;
}
