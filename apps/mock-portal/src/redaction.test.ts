import { describe, expect, it } from 'vitest';
import { redactHeaders, redactJson } from './redaction.js';

describe('redaction', () => {
  it('drops secrets and masks personal data at any depth', () => {
    const out = redactJson({ session: 'abc', password: 'p', ChuHoSo: 'Lê Thị Hồng Nhung', DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038190004521' }], MaTTHC: '1.001612' });
    expect(out).toEqual({ session: '[redacted]', password: '[redacted]', ChuHoSo: 'Lê ************ng', DinhDanhCHS: [{ LoaiDinhDanh: '1', SoDinhDanh: '038*******21' }], MaTTHC: '1.001612' });
  });

  it('keeps the scheme of credentials and the shape of signatures', () => {
    const h = redactHeaders({ authorization: 'Bearer eyJ.secret', 'x-dvc-signature': `eyJhbGciOiJFUzI1NiJ9..${'s'.repeat(80)}`, location: 'https://rp.example/cb?code=abc&state=xyz', accept: 'application/json' });
    expect(h.authorization).toBe('Bearer [redacted]');
    expect(h['x-dvc-signature']).toMatch(/…\[\d+ chars\]$/);
    expect(h.location).toBe('https://rp.example/cb?code=[redacted]&state=xyz');
    expect(h.accept).toBe('application/json');
  });
});
