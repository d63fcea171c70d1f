import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockPortal, type MockPortal } from '../src/index.js';
import { getJson, postJson, send } from './helpers.js';
import { DOSSIER, register, step, token, type Credentials } from './scenario.js';

describe('dvcqg envelope over the same store', () => {
  let portal: MockPortal;
  let creds: Credentials;
  let session: string;
  const integration = (body: Record<string, unknown>) => postJson(`${portal.url}/dvcqg/integration`, { session, madonvi: '000.00.00.H56', ...body });

  beforeAll(async () => {
    portal = await startMockPortal({ port: 0, seed: 9 });
    creds = await register(send, portal.url, { clientId: 'h56-gw', agencyCode: '000.00.00.H56', dvcqgUsername: 'thanhhoa-motcua', dvcqgPassword: 'S3cret-Example!' });
    await register(send, portal.url, { clientId: 'h22-gw', agencyCode: '000.00.00.H22', dvcqgUsername: 'hagiang', dvcqgPassword: 'another-secret' });
  });
  afterAll(() => portal.close());

  it('logs in with the registered username and password only', async () => {
    const bad = await postJson(`${portal.url}/dvcqg/login`, { username: 'thanhhoa-motcua', password: 'wrong' });
    expect(bad.status).toBe(200);
    expect(bad.body.error_code).toBe('01');
    expect(bad.body.session).toBeUndefined();
    const ok = await postJson(`${portal.url}/dvcqg/login`, { username: 'thanhhoa-motcua', password: 'S3cret-Example!' });
    expect(ok.body).toMatchObject({ error_code: '0', expires_in: 1800 });
    session = ok.body.session;
  });

  it('answers error_code 01 without a valid session and 05 for another agency', async () => {
    expect((await postJson(`${portal.url}/dvcqg/integration`, { session: 'nope', madonvi: '000.00.00.H56', service: 'TraCuuHoSo', MaHoSo: DOSSIER.MaHoSo })).body.error_code).toBe('01');
    expect((await integration({ madonvi: '000.00.00.H22', service: 'TraCuuHoSo', MaHoSo: DOSSIER.MaHoSo })).body.error_code).toBe('05');
  });

  it('syncs with DongBoHoSoMC record by record, and rest reads it back', async () => {
    const bad = { ...DOSSIER, MaHoSo: '000.00.06.H56-231027-0362', TrangThaiHoSo: '99' };
    const other = { ...DOSSIER, MaHoSo: '000.00.06.H22-231027-0001' };
    const r = await integration({ service: 'DongBoHoSoMC', isUpdating: 'False', data: [DOSSIER, bad, other] });
    expect(r.status).toBe(200);
    expect(r.body.error_code).toBe('0');
    expect(r.body.result.map((x: { error_code: string }) => x.error_code)).toEqual(['0', '02', '05']);
    expect(r.body.result[1].message).toMatch(/TrangThaiHoSo/);
    const again = await integration({ service: 'DongBoHoSoMC', isUpdating: 'False', data: [DOSSIER] });
    expect(again.body.result[0].error_code).toBe('04');
    const missing = await integration({ service: 'DongBoHoSoMC', isUpdating: 'True', data: [{ ...DOSSIER, MaHoSo: '000.00.06.H56-231027-0999' }] });
    expect(missing.body.result[0].error_code).toBe('03');

    const access = await token(send, portal.url, creds);
    const read = await getJson(`${portal.url}/v1/dossiers/${DOSSIER.MaHoSo}`, { authorization: `Bearer ${access}` });
    expect(read.status).toBe(200);
    expect(read.body.dossier).toEqual(DOSSIER);
    expect(read.headers.etag).toBe('"1"');
  });

  it('appends steps with CapNhatTienDoHoSoMC, refusing an illegal transition with 04', async () => {
    const ok = await integration({ service: 'CapNhatTienDoHoSoMC', data: [step('4', 'Thụ lý', '20231027093000')] });
    expect(ok.body.result).toEqual([{ MaHoSo: DOSSIER.MaHoSo, error_code: '0', message: 'Thành công' }]);
    const illegal = await integration({ service: 'CapNhatTienDoHoSoMC', data: [step('2', 'Tiếp nhận lại', '20231027100000')] });
    expect(illegal.body.result[0].error_code).toBe('04');
    const lookup = await integration({ service: 'TraCuuHoSo', MaHoSo: DOSSIER.MaHoSo });
    expect(lookup.body.error_code).toBe('0');
    expect(lookup.body.result[0]).toMatchObject({ dossier: { TrangThaiHoSo: '4' }, version: 2 });
    expect(lookup.body.result[0].history).toHaveLength(1);
  });

  it('records a resent step once (DVC-HIST-004), by the step and within one request', async () => {
    const again = await integration({ service: 'CapNhatTienDoHoSoMC', data: [step('4', 'Thụ lý', '20231027093000'), step('4', 'Thụ lý', '20231027093000')] });
    expect(again.body.result.map((x: { error_code: string }) => x.error_code)).toEqual(['0', '0']);
    const lookup = await integration({ service: 'TraCuuHoSo', MaHoSo: DOSSIER.MaHoSo });
    expect(lookup.body.result[0]).toMatchObject({ version: 2 });
    expect(lookup.body.result[0].history).toHaveLength(1);
  });

  it('refuses a dossier at status 3 without GhiChu with a non-zero error_code, and takes it with one (DVC-RCV-007)', async () => {
    const refused = { ...DOSSIER, MaHoSo: '000.00.06.H56-231027-0400', TrangThaiHoSo: '3' as const };
    const created = await integration({ service: 'DongBoHoSoMC', isUpdating: 'False', data: [{ ...refused, TrangThaiHoSo: '1' }] });
    expect(created.body.result[0].error_code).toBe('0');
    const silent = await integration({ service: 'DongBoHoSoMC', isUpdating: 'True', data: [refused] });
    expect(silent.body.result[0].error_code).toBe('02');
    expect(silent.body.result[0].message).toMatch(/GhiChu/);
    const reasoned = await integration({ service: 'DongBoHoSoMC', isUpdating: 'True', data: [{ ...refused, GhiChu: 'Thành phần hồ sơ không đúng quy định.' }] });
    expect(reasoned.body.result[0].error_code).toBe('0');
  });

  it('answers 03 for an unknown dossier and 02 for a malformed envelope', async () => {
    expect((await integration({ service: 'TraCuuHoSo', MaHoSo: '000.00.06.H56-231027-0999' })).body.error_code).toBe('03');
    expect((await integration({ service: 'TraCuuHoSo', MaHoSo: 'not-a-code' })).body.error_code).toBe('02');
    expect((await integration({ service: 'XoaHoSo' })).body.error_code).toBe('02');
    const notJson = await postJson(`${portal.url}/dvcqg/integration`, '{"session":');
    expect(notJson.status).toBe(200);
    expect(notJson.body.error_code).toBe('02');
  });

  it('serves the catalogue with LayThuTuc and LayDanhSachTTHC', async () => {
    const share = (body: Record<string, unknown>) => postJson(`${portal.url}/dvcqg/share`, { session, madonvi: '000.00.00.H56', ...body });
    const one = await share({ service: 'LayThuTuc', MaTTHC: '1.001612' });
    expect(one.body).toMatchObject({ error_code: '0', total: 1, result: [{ MaTTHC: '1.001612' }] });
    expect((await share({ service: 'LayThuTuc', MaTTHC: '9.999999' })).body.error_code).toBe('03');
    const page = await share({ service: 'LayDanhSachTTHC', start: 0, limit: 5 });
    expect(page.body.result).toHaveLength(5);
    expect(page.body.total).toBeGreaterThanOrEqual(5);
  });

  it('ends sessions when the token-expiry fault is set (error_code 01, log in again)', async () => {
    const put = await send('PUT', `${portal.url}/__admin/faults`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rules: [{ route: '/nowhere', expireTokens: true }] }) });
    expect(put.status).toBe(200);
    expect((await integration({ service: 'TraCuuHoSo', MaHoSo: DOSSIER.MaHoSo })).body.error_code).toBe('01');
    await send('DELETE', `${portal.url}/__admin/faults`);
  });
});
