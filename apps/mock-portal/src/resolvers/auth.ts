import type { OidcProvider } from '../oidc.js';
import type { SigningKeys } from '../signing-keys.js';
import { OAuthError, SYSTEM_SCOPES, type TokenService } from '../tokens.js';
import type { Resolver } from '../types.js';

function oauthError(e: OAuthError) {
  return { status: e.status, headers: { 'cache-control': 'no-store' }, body: { error: e.error, error_description: e.description } };
}

/** Discovery, JWKS, the token endpoint, authorize and userinfo. */
export function authResolvers(issuer: () => string, keys: SigningKeys, tokens: TokenService, oidc: OidcProvider): Record<string, Resolver> {
  return {
    getOpenIdConfiguration: () => {
      const base = issuer();
      return {
        status: 200,
        body: {
          issuer: base,
          authorization_endpoint: `${base}/oauth2/authorize`,
          token_endpoint: `${base}/oauth2/token`,
          userinfo_endpoint: `${base}/oauth2/userinfo`,
          jwks_uri: `${base}/.well-known/jwks.json`,
          scopes_supported: ['openid', ...SYSTEM_SCOPES],
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'client_credentials'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
          token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
          code_challenge_methods_supported: ['S256'],
          acr_values_supported: ['LoA1', 'LoA2', 'LoA3'],
          claims_supported: ['sub', 'TechID', 'LoaiTaiKhoan', 'loAs', 'SoDinhDanh', 'SoCMND', 'HoChieu', 'MaSoThue', 'MaBHXH', 'HoVaTen', 'NgayThangNamSinh', 'GioiTinh', 'ThuDienTu', 'SoDienThoai', 'ThuongTru', 'NoiOHienNay', 'QueQuan', 'QuocTich', 'MaSoDoanhNghiep', 'TenDoanhNghiep', 'DiaChi'],
        },
      };
    },
    getJwks: () => ({ status: 200, headers: { 'cache-control': 'max-age=60' }, body: keys.jwks() }),
    requestToken: async (ctx) => {
      const form = new URLSearchParams(ctx.body as Record<string, string>);
      try {
        const system = await tokens.authenticateClient(form, ctx.headers.authorization);
        const grant = form.get('grant_type');
        if (grant === 'authorization_code') {
          return { status: 200, headers: { 'cache-control': 'no-store' }, body: await oidc.exchangeCode(system, form), clientId: system.clientId };
        }
        const scopes = tokens.grantScopes(system, form.get('scope'));
        return { status: 200, headers: { 'cache-control': 'no-store' }, body: await tokens.issueAccessToken(system, scopes), clientId: system.clientId };
      } catch (e) {
        if (e instanceof OAuthError) return oauthError(e);
        throw e;
      }
    },
    authorize: (ctx) => {
      const answer = oidc.authorize(ctx.query);
      return answer.body === undefined ? { status: answer.status, headers: answer.headers } : { status: answer.status, headers: answer.headers, body: answer.body, raw: true };
    },
    getUserInfo: async (ctx) => ({ status: 200, body: await oidc.userInfo(ctx.headers.authorization) }),
  };
}

export { oauthError };
