import type { Credential, CredentialProvider } from '@dvc-kit/auth';
import type { Dossier } from '@dvc-kit/spec';

/** A valid dossier with a unique code per sequence number. */
export function makeDossier(seq: number, overrides: Partial<Dossier> = {}): Dossier {
  return {
    MaHoSo: `000.00.06.H56-231027-${String(seq).padStart(6, '0')}`,
    MaTTHC: '1.001612',
    TenTTHC: 'Đăng ký thành lập hộ kinh doanh',
    KenhThucHien: '2',
    ChuHoSo: 'Lê Thị Hồng Nhung',
    LoaiDoiTuong: '1',
    DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038190004521' }],
    NgayTiepNhan: '20231027083015',
    NgayHenTra: '20231101170000',
    TrangThaiHoSo: '2',
    ...overrides,
  };
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
