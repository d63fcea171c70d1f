import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCitizenProfile } from './citizen-profile.js';
import { UserInfoInvalidError } from './errors.js';

describe('toCitizenProfile', () => {
  it('maps a business representative’s claims and keeps the originals', () => {
    const claims = {
      sub: 's-1',
      LoaiTaiKhoan: '2',
      loAs: ['LoA1', 'LoA2'],
      MaSoDoanhNghiep: '0100109106',
      TenDoanhNghiep: 'Tổng công ty Viễn thông Quân đội',
      DiaChi: 'Lô D26, Cầu Giấy, Hà Nội',
      MaSoThue: '0100109106',
      HoChieu: '',
      QueQuan: 'Nam Định',
      NoiOHienNay: 'Hà Nội',
      MaBHXH: '0123456789',
      CustomClaim: { kept: true },
    };
    const profile = toCitizenProfile(claims);
    expect(profile).toEqual({
      subject: 's-1',
      accountType: '2',
      assuranceLevels: ['LoA1', 'LoA2'],
      enterpriseCode: '0100109106',
      enterpriseName: 'Tổng công ty Viễn thông Quân đội',
      address: 'Lô D26, Cầu Giấy, Hà Nội',
      taxCode: '0100109106',
      hometown: 'Nam Định',
      currentAddress: 'Hà Nội',
      socialInsuranceNumber: '0123456789',
      claims,
    });
  });

  it('converts the birth date to ISO and refuses impossible dates', () => {
    expect(toCitizenProfile({ sub: 's', NgayThangNamSinh: '20000229' }).birthDate).toBe('2000-02-29');
    for (const bad of ['19000229', '20231301', '15/02/1990', '1990-02-15', 19900215]) {
      expect(() => toCitizenProfile({ sub: 's', NgayThangNamSinh: bad })).toThrow(
        expect.objectContaining({ code: 'AUTH_USERINFO_INVALID', claim: 'NgayThangNamSinh' }),
      );
    }
  });

  it('refuses codes sent as numbers, as the spec types them as strings', () => {
    expect(() => toCitizenProfile({ sub: 's', LoaiTaiKhoan: 1 })).toThrow(expect.objectContaining({ claim: 'LoaiTaiKhoan' }));
  });

  it('refuses an identifier sent as a number, which would have lost its leading zeros', () => {
    const error = (() => {
      try {
        toCitizenProfile({ sub: 's', SoDinhDanh: 1203004567 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserInfoInvalidError);
    expect(error).toMatchObject({ claim: 'SoDinhDanh' });
    expect((error as Error).message).toMatch(/must be a string, got number/);
  });

  it('requires sub and a well-formed loAs', () => {
    expect(() => toCitizenProfile({ HoVaTen: 'X' })).toThrow(expect.objectContaining({ claim: 'sub' }));
    expect(() => toCitizenProfile({ sub: 's', loAs: [1, 2] })).toThrow(expect.objectContaining({ claim: 'loAs' }));
    expect(() => toCitizenProfile({ sub: 's', loAs: 'LoA1' })).toThrow(expect.objectContaining({ claim: 'loAs' }));
    expect(toCitizenProfile({ sub: 's', loAs: ['LoA1', 'LoA3'] }).assuranceLevels).toEqual(['LoA1', 'LoA3']);
    expect(toCitizenProfile({ sub: 's' }).assuranceLevels).toEqual([]);
  });
});

describe('toCitizenProfile birth dates (properties)', () => {
  it('turns every real calendar date into the same date in ISO form', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString().slice(0, 10);
        const portal = iso.replace(/-/g, '');
        expect(toCitizenProfile({ sub: 's', NgayThangNamSinh: portal }).birthDate).toBe(iso);
      }),
    );
  });

  it('either accepts an 8-digit string as a real date or refuses it with AUTH_USERINFO_INVALID', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), (value) => {
        let birthDate: string | undefined;
        try {
          birthDate = toCitizenProfile({ sub: 's', NgayThangNamSinh: value }).birthDate;
        } catch (error) {
          expect(error).toBeInstanceOf(UserInfoInvalidError);
          return;
        }
        expect(new Date(`${birthDate}T00:00:00Z`).toISOString().slice(0, 10)).toBe(birthDate);
        expect(birthDate?.replace(/-/g, '')).toBe(value);
      }),
    );
  });
});
