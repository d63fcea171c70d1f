import { describe, expect, it } from 'vitest';
import { problemForDvcqgCode, problemForStatus, problemKind } from './problem-types.js';
import { REDACTED, redactBody, redactHeaders, redactUrl } from './redact.js';

describe('redaction', () => {
  it('removes secret query parameters and userinfo from URLs, keeps the rest', () => {
    const u = redactUrl('https://user:pw@portal.example/oauth2/authorize?client_id=c&state=abc&code=xyz&scope=openid');
    expect(u).not.toMatch(/abc|xyz|pw/);
    expect(u).toContain('client_id=c');
    expect(u).toContain('scope=openid');
    expect(redactUrl('http://h/v1/dossiers/000.00.06.H56-231027-0361')).toBe('http://h/v1/dossiers/000.00.06.H56-231027-0361');
  });

  it('removes authorization, cookies and signatures from headers', () => {
    expect(redactHeaders({ Authorization: 'Bearer x', cookie: 'a=b', 'x-dvc-signature': 'h..s', accept: 'application/json', skip: undefined })).toEqual({
      Authorization: REDACTED,
      cookie: REDACTED,
      'x-dvc-signature': REDACTED,
      accept: 'application/json',
    });
  });

  it('removes sessions, passwords and personal data from bodies, at any depth, without touching the input', () => {
    const body = { session: 's', madonvi: '000.00.00.H56', data: [{ MaHoSo: 'm', ChuHoSo: 'Lê Thị Hồng Nhung', DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038190004521' }] }] };
    const out = redactBody(body) as typeof body;
    expect(out.session).toBe(REDACTED);
    expect(out.madonvi).toBe('000.00.00.H56');
    expect(out.data[0]!.ChuHoSo).toBe(REDACTED);
    expect(out.data[0]!.DinhDanhCHS[0]!.SoDinhDanh).toBe(REDACTED);
    expect(out.data[0]!.DinhDanhCHS[0]!.LoaiDinhDanh).toBe('1');
    expect(body.session).toBe('s');
  });
});

describe('problem types (x-problem-types of national-portal.yaml)', () => {
  it('maps every dvcqg error code to the rest problem type and status', () => {
    expect(problemForDvcqgCode('01')).toMatchObject({ type: 'https://dvc-kit.dev/problems/unauthorized', status: 401 });
    expect(problemForDvcqgCode('02')).toMatchObject({ type: 'https://dvc-kit.dev/problems/validation', status: 422 });
    expect(problemForDvcqgCode('03', 'Không tìm thấy')).toMatchObject({ status: 404, detail: 'Không tìm thấy' });
    expect(problemForDvcqgCode('04')).toMatchObject({ type: 'https://dvc-kit.dev/problems/conflict', status: 409 });
    expect(problemForDvcqgCode('05')).toMatchObject({ type: 'https://dvc-kit.dev/problems/forbidden', status: 403 });
    expect(problemForDvcqgCode('09')).toMatchObject({ status: 429 });
    expect(problemForDvcqgCode('99')).toMatchObject({ type: 'https://dvc-kit.dev/problems/internal', status: 500 });
    expect(problemForDvcqgCode('42')).toMatchObject({ type: 'about:blank', status: 502 });
  });

  it('names problem types and makes problems for bare statuses', () => {
    expect(problemKind('https://dvc-kit.dev/problems/illegal-transition')).toBe('illegal-transition');
    expect(problemKind('https://example.com/other')).toBe('unknown');
    expect(problemForStatus(404)).toMatchObject({ type: 'https://dvc-kit.dev/problems/not-found', status: 404 });
    expect(problemForStatus(418)).toMatchObject({ type: 'about:blank', title: 'HTTP 418' });
  });
});
