import { describe, expect, it } from 'vitest';
import { redactBody, redactHeaders, redactJson, redactText } from './redact.js';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMzgwOTAwMDAxMjMifQ.c2lnbmF0dXJlLWJ5dGVz';

describe('redaction', () => {
  it('removes bearer tokens and cookies from headers but keeps their shape', () => {
    const h = redactHeaders({ Authorization: `Bearer ${jwt}`, Cookie: 'sid=1', 'Content-Type': 'application/json' });
    expect(h.authorization).toMatch(/^Bearer \[redacted\] \(\d+ chars\)$/);
    expect(h.authorization).not.toContain('eyJ');
    expect(h.cookie).toBe('[redacted]');
    expect(h['content-type']).toBe('application/json');
  });

  it('masks personal fields and replaces secrets in nested JSON', () => {
    const out = redactJson({
      ChuHoSo: 'Lê Thị Hồng Nhung',
      DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038190004521' }],
      SoDienThoai: '0912345678',
      password: 'hunter2',
      MaHoSo: '000.00.06.H56-231027-0361',
    }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    expect(text).not.toContain('038190004521');
    expect(text).not.toContain('0912345678');
    expect(text).not.toContain('Hồng Nhung');
    expect(text).not.toContain('hunter2');
    expect(out.MaHoSo).toBe('000.00.06.H56-231027-0361');
  });

  it('scrubs identifiers and JWTs in free text without touching dossier codes', () => {
    const t = redactText(`citizen 038190004521 phone 0912345678 token ${jwt} code 000.00.06.H56-231027-0361`);
    expect(t).not.toContain('038190004521');
    expect(t).not.toContain('0912345678');
    expect(t).not.toContain(jwt);
    expect(t).toContain('000.00.06.H56-231027-0361');
  });

  it('redacts form-encoded secrets and cuts long bodies', () => {
    const form = redactBody('grant_type=client_credentials&client_assertion=abc.def.ghi', 'application/x-www-form-urlencoded');
    expect(form).toContain('grant_type=client_credentials');
    expect(form).not.toContain('abc.def.ghi');
    const long = redactBody('x'.repeat(100), 'text/plain', 10);
    expect(long).toMatch(/^x{10}… \[90 more characters cut\]$/);
  });
});
